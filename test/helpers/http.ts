import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Raw HTTP helpers for tests that assert status codes and headers. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) (init.headers as Record<string, string>)['Content-Type'] = 'application/fhir+json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Reads a JSON file; `x.json.gz` is decompressed, and `x.json` is read from `x.json.gz` when only that exists. */
export function readJson<T = unknown>(path: string): T {
  const file = !path.endsWith('.gz') && !existsSync(path) && existsSync(`${path}.gz`) ? `${path}.gz` : path;
  const raw = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as T;
}

/** Public Synthea test data kept in the repository, gzipped (see test/fixtures/corpora/README.md). */
export const CORPORA = join(process.cwd(), 'test/fixtures/corpora');

/** File names in a corpus folder as they were upstream: `x.json.gz` is listed as `x.json` (readJson reads it). */
export function corpusFiles(dir: string): string[] {
  return readdirSync(dir).map((f) => f.replace(/\.gz$/, ''));
}
