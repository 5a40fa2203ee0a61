/** The static guide site (output/site/). */
import fs from 'node:fs';
import path from 'node:path';
import type { PackageManifest, Resource } from '../package.ts';

export interface SiteInput { igDir: string; outDir: string; resources: Resource[]; manifest: PackageManifest; tgz: string }

/** Returns the number of HTML pages written. */
export async function buildSite(input: SiteInput): Promise<number> {
  fs.rmSync(input.outDir, { recursive: true, force: true });
  fs.mkdirSync(input.outDir, { recursive: true });
  fs.copyFileSync(input.tgz, path.join(input.outDir, 'package.tgz'));
  fs.writeFileSync(path.join(input.outDir, 'index.html'), `<!doctype html><html lang="es"><meta charset="utf-8"><title>${input.manifest.title}</title><h1>${input.manifest.title}</h1><p><a href="package.tgz">package.tgz</a></p></html>\n`);
  return 1;
}
