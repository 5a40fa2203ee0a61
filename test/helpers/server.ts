import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

/**
 * Starts a real HMS-OPS server process for a test file, on the backend the jest project names
 * (HMS_TEST_BACKEND = pglite | postgres). PostgreSQL runs get their own database, dropped on stop.
 */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLI = resolve(process.cwd(), 'dist/src/cli.js');

export interface TestServer {
  backend: 'pglite' | 'postgres';
  /** FHIR base, e.g. http://127.0.0.1:41234/fhir */
  base: string;
  process: ChildProcess;
  env: Record<string, string>;
  stop(): Promise<void>;
  /** kill -9 the process (crash tests) and keep the database. */
  kill(): Promise<void>;
  /** Start again on the same database. */
  restart(): Promise<void>;
}

export function backend(): 'pglite' | 'postgres' {
  return process.env.HMS_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';
}

export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hms_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function spawnServer(env: Record<string, string>): Promise<{ proc: ChildProcess; base: string }> {
  const proc = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const base = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+\/fhir)"/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    });
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  proc.stdout?.resume();
  return { proc, base };
}

/**
 * A PGlite data folder with every migration applied, made once per build of the migrations (keyed by their
 * compiled text) and copied for each test server: creating and migrating a PGlite database costs about 5 s,
 * which every PGlite test server paid. Made under a unique name and renamed, so parallel workers never see
 * half of one.
 */
function pgliteTemplate(): string {
  const key = createHash('sha256')
    .update(readFileSync(resolve(process.cwd(), 'dist/src/db/migrations.js')))
    .update(readFileSync(resolve(process.cwd(), 'node_modules/@electric-sql/pglite/package.json')))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `hms-test-pglite-template-${key}`);
  if (existsSync(dir)) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  execFileSync(process.execPath, [CLI, 'migrate'], { env: { ...process.env, DATA_DIR: tmp, LOG_LEVEL: 'silent' }, stdio: 'ignore' });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another worker made it first
  }
  return dir;
}

/**
 * Starts a test server. PGlite servers start from a copy of the migrated template folder, unless `fresh`
 * (then the server creates and migrates its database itself, as `npm start` does on a new machine).
 */
export async function startTestServer(extraEnv: Record<string, string> = {}, opts: { fresh?: boolean } = {}): Promise<TestServer> {
  const kind = backend();
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  if (kind === 'postgres') {
    const db = await createDatabase();
    env = { DATABASE_URL: db.url, ...extraEnv };
    cleanup = db.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'hms-test-'));
    if (!opts.fresh) cpSync(pgliteTemplate(), dir, { recursive: true });
    env = { DATA_DIR: dir, ...extraEnv };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  let { proc, base } = await spawnServer(env);
  const exited = (p: ChildProcess): Promise<void> =>
    new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
  const server: TestServer = {
    backend: kind,
    base,
    process: proc,
    env,
    async stop() {
      proc.kill('SIGTERM');
      await exited(proc);
      await cleanup();
    },
    async kill() {
      proc.kill('SIGKILL');
      await exited(proc);
    },
    async restart() {
      ({ proc, base } = await spawnServer(env));
      server.process = proc;
      server.base = base;
    },
  };
  return server;
}
