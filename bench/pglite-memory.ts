/**
 * HMS-OPS benchmark: the embedded database's memory over repeated loads (PGLITE_RECYCLE_MB).
 *
 *   npm run bench:pglite-memory -- --rounds=7
 *
 * One server on a fresh PGlite data folder (PGLITE_RECYCLE_MB=64, PGLITE_RECYCLE_IDLE_MS=1000, no query time
 * limit). RSS 15 s after start (idle), then --rounds rounds of: two transactions of 1,000 Patients of 3 kB and
 * a search of 40 `name:contains` tests; RSS right after the load, and once the server has reopened its database
 * thread (the log line "database thread reopened") and 3 s more have passed (settled).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, freePort, ROOT } from './run.js';

const ROUNDS = Number(arg('rounds', '3'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'hms-pglite-memory-'));
const port = await freePort();
const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli.js'), 'serve'], {
  cwd: ROOT,
  env: { ...process.env, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', PGLITE_RECYCLE_MB: '64', PGLITE_RECYCLE_IDLE_MS: '1000', QUERY_TIMEOUT_MS: '0' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let reopened = 0;
child.stdout?.on('data', (b: Buffer) => {
  for (const line of b.toString().split('\n')) if (line.includes('database thread reopened')) reopened++;
});
const rss = (): number => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024);
const base = `http://127.0.0.1:${port}/fhir`;
try {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/metadata`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  await sleep(15_000);
  console.log(`idle (15 s after start): ${rss()} MB`);
  const div = `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(3000)}</div>`;
  for (let round = 1; round <= ROUNDS; round++) {
    const before = reopened;
    for (let h = 0; h < 2; h++) {
      const entry = Array.from({ length: 1000 }, (_, i) => ({ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', name: [{ family: `Mem${round}-${h}-${i}` }], text: { status: 'generated', div } } }));
      const r = await fetch(base, { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }) });
      if (r.status !== 200) throw new Error(`transaction: ${r.status}`);
      await r.text();
    }
    const s = await fetch(`${base}/Patient?${Array(40).fill('name:contains=em').join('&')}&_count=500`);
    await s.text();
    const peak = rss();
    for (let i = 0; i < 100 && reopened === before; i++) await sleep(300);
    await sleep(3000);
    console.log(`round ${round}: after the load ${peak} MB, settled ${rss()} MB${reopened > before ? '' : ' (not reopened)'}`);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
