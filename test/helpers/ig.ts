import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `npm run ig` (run by pretest when its inputs changed) leaves the guide. */
export const IG_OUT = resolve(process.cwd(), 'implementation-guide/output');
export const PACKAGE_DIR = join(IG_OUT, 'package');
export const SITE_DIR = join(IG_OUT, 'site');
export const FIXTURES = resolve(process.cwd(), 'test/fixtures/profiles');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export function requireBuild(): void {
  if (!existsSync(join(IG_OUT, 'package.tgz')) || !existsSync(join(IG_OUT, 'build-info.json'))) {
    throw new Error('implementation-guide/output is missing: run `npm run ig` (pretest does it when inputs changed)');
  }
}

export function packageResources(folder = ''): Json[] {
  const dir = join(PACKAGE_DIR, folder);
  return readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.') && f !== 'package.json')
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json);
}

export interface FixtureEntry {
  file: string;
  profile: string;
  valid: boolean;
  description: string;
  expect?: { expression: string; messageContains: string };
}

export function fixtureIndex(): FixtureEntry[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as { fixtures: FixtureEntry[] }).fixtures;
}
