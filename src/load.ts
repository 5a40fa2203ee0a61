import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * hms-ops load: posts FHIR bundles (.json) and NDJSON files (.ndjson, one resource per line) to a running
 * server, with a progress bar on stderr and a summary at the end. Bundles are posted as they are; NDJSON
 * resources are sent as transaction bundles of PUTs (ids kept), in an order that loads referenced types first,
 * and chunks that fail are retried once after the rest.
 */
const CHUNK = 500;
const TYPE_ORDER = ['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'Patient', 'Encounter', 'Device'];

interface Job {
  label: string;
  body: string;
  resources: number;
}

export async function load(args: string[]): Promise<number> {
  let url = process.env.HMS_OPS_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}/fhir`;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--url') url = args[++i];
    else paths.push(args[i]);
  }
  if (paths.length === 0) {
    console.error('Usage: hms-ops load [--url http://127.0.0.1:8080/fhir] <files or folders…>');
    return 2;
  }
  const files = paths.flatMap(expand);
  const jobs = orderJobs(files.flatMap(toJobs));
  const total = jobs.reduce((n, j) => n + j.resources, 0);
  const started = Date.now();
  let done = 0;
  let failedResources = 0;
  const failures: { label: string; message: string }[] = [];
  const retry: Job[] = [];

  const post = async (job: Job): Promise<string | undefined> => {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: job.body });
    const text = await res.text();
    if (!res.ok) return `${res.status}: ${diagnostics(text)}`;
    const bundle = JSON.parse(text) as { entry?: { response?: { status?: string; outcome?: unknown } }[] };
    const bad = (bundle.entry ?? []).filter((e) => !/^2/.test(e.response?.status ?? ''));
    return bad.length ? `${bad.length} entries failed, first: ${JSON.stringify(bad[0].response).slice(0, 300)}` : undefined;
  };

  for (const job of jobs) {
    const error = await post(job).catch((e: Error) => e.message);
    if (error && job.label.endsWith('.ndjson')) retry.push(job);
    else if (error) {
      failures.push({ label: job.label, message: error });
      failedResources += job.resources;
    }
    done += job.resources;
    progress(done, total, started);
  }
  for (const job of retry) {
    const error = await post(job).catch((e: Error) => e.message);
    if (error) {
      failures.push({ label: job.label, message: error });
      failedResources += job.resources;
    }
  }
  process.stderr.write('\n');
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `Loaded ${total - failedResources} of ${total} resources from ${files.length} files in ${seconds.toFixed(1)} s ` +
      `(${Math.round((total - failedResources) / Math.max(seconds, 0.001))} resources/s); ${failures.length} failed requests.`,
  );
  for (const f of failures) console.log(`  FAILED ${f.label}: ${f.message}`);
  return failures.length ? 1 : 0;
}

function expand(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => expand(join(path, name)))
    .filter((p) => p.endsWith('.json') || p.endsWith('.ndjson'));
}

function toJobs(file: string): Job[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.ndjson')) {
    const resources = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { resourceType: string; id?: string });
    const jobs: Job[] = [];
    for (let i = 0; i < resources.length; i += CHUNK) {
      const part = resources.slice(i, i + CHUNK);
      const entry = part.map((r) => (r.id ? { resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } } : { resource: r, request: { method: 'POST', url: r.resourceType } }));
      jobs.push({ label: basename(file), body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }), resources: part.length });
    }
    return jobs;
  }
  const json = JSON.parse(text) as { resourceType?: string; type?: string; entry?: unknown[] };
  if (json.resourceType === 'Bundle' && (json.type === 'transaction' || json.type === 'batch')) {
    return [{ label: basename(file), body: text, resources: json.entry?.length ?? 0 }];
  }
  if (json.resourceType) {
    const r = json as { resourceType: string; id?: string };
    const entry = [r.id ? { resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } } : { resource: r, request: { method: 'POST', url: r.resourceType } }];
    return [{ label: basename(file), body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }), resources: 1 }];
  }
  return [];
}

/** Information bundles (organisations, practitioners) and referenced NDJSON types go first. */
function orderJobs(jobs: Job[]): Job[] {
  const rank = (j: Job): number => {
    if (/information/i.test(j.label)) return -1;
    const type = j.label.split('.')[0];
    const i = TYPE_ORDER.indexOf(type);
    return i >= 0 ? i : TYPE_ORDER.length;
  };
  return jobs.map((j, i) => ({ j, i })).sort((a, b) => rank(a.j) - rank(b.j) || a.i - b.i).map((x) => x.j);
}

function progress(done: number, total: number, started: number): void {
  if (!process.stderr.isTTY && done < total) return;
  const width = 30;
  const frac = total ? done / total : 1;
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
  const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
  process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} resources, ${rate}/s`);
}

function diagnostics(text: string): string {
  try {
    const oo = JSON.parse(text) as { issue?: { diagnostics?: string }[] };
    return oo.issue?.map((i) => i.diagnostics).join('; ') ?? text.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}
