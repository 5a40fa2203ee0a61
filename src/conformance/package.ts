import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { t as listTar } from 'tar';

/**
 * A FHIR NPM package (https://confluence.hl7.org/display/FHIR/NPM+Package+Specification): a .tgz whose
 * `package/` folder holds package.json and one JSON file per resource, or the same unpacked (a folder with
 * `package/`, or the package folder itself as npm installs it). Examples (package/example/) are not read.
 */
export interface FhirPackage {
  name: string;
  version: string;
  path: string;
  dependencies: Record<string, string>;
  resources: Resource[];
}

export async function readPackage(path: string): Promise<FhirPackage> {
  const files = statSync(path).isDirectory() ? readFolder(path) : await readTarball(path);
  const manifest = files.get('package.json');
  if (!manifest) throw new Error(`${path} is not a FHIR package (no package/package.json)`);
  const meta = JSON.parse(manifest) as { name?: string; version?: string; dependencies?: Record<string, string> };
  const resources: Resource[] = [];
  for (const [name, text] of files) {
    if (name === 'package.json' || name === '.index.json' || !name.endsWith('.json')) continue;
    let r: unknown;
    try {
      r = JSON.parse(text);
    } catch {
      continue;
    }
    if (r && typeof r === 'object' && typeof (r as Resource).resourceType === 'string') resources.push(r as Resource);
  }
  return { name: meta.name ?? path, version: meta.version ?? '', path, dependencies: meta.dependencies ?? {}, resources };
}

/** The files directly under package/ (name → text). */
function readFolder(dir: string): Map<string, string> {
  const root = existsSync(join(dir, 'package', 'package.json')) ? join(dir, 'package') : dir;
  const out = new Map<string, string>();
  for (const name of readdirSync(root)) {
    if (!name.endsWith('.json')) continue;
    const file = join(root, name);
    if (statSync(file).isFile()) out.set(name, readFileSync(file, 'utf8'));
  }
  return out;
}

async function readTarball(file: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await listTar({
    file,
    onReadEntry: (entry) => {
      const m = /^package\/([^/]+\.json)$/.exec(entry.path);
      if (!m || entry.type !== 'File') {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => out.set(m[1], Buffer.concat(chunks).toString('utf8')));
    },
  });
  return out;
}
