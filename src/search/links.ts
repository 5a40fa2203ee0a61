import type { Database, Queryable } from '../db/database.js';
import { getIndexedParam } from '../fhir/definitions.js';
import type { PendingWrite } from '../store/types.js';
import { SqlParams } from './sql.js';
import { statementName } from './statements.js';

/**
 * Search links: declared two-step paths kept as index rows, so a chain or a `_has` through them costs one
 * index lookup instead of one probe per intermediate resource (SEARCH_LINKS, docs/search.md).
 *
 * - A forward link `Observation?encounter.participant` (optionally `encounter:Encounter.participant`) keeps,
 *   per Observation, the participants of its encounter in `sp_link` — the shape of sp_reference rows under the
 *   code `encounter:Encounter.participant`. `Observation?encounter.participant:Practitioner.name=X` then reads
 *   sp_link from the practitioners instead of walking each of their encounters.
 * - A reverse link `Patient?_has:Observation:patient:code` keeps, per Patient, the codes of the Observations
 *   that point to it in `sp_has` — the shape of sp_token rows, with the Patient's pid — so
 *   `Patient?_has:Observation:patient:code=X` is one token lookup walked in the Patient's pid order.
 *
 * The rows are derived: they are recomputed in the write's own transaction whenever a resource on the path
 * changes (maintainLinks), and built for existing data when a link is first declared (ensureLinks). Searches
 * use them only for exactly that path with a plain test at its end (see filter.ts); everything else takes the
 * generic chain and _has.
 */
export interface ForwardLink {
  kind: 'forward';
  /** `encounter:Encounter.participant`: the sp_link code. */
  code: string;
  source: string;
  via: string;
  through: string;
  next: string;
}

export interface ReverseLink {
  kind: 'reverse';
  /** `Observation:patient:code`: the sp_has code. */
  code: string;
  target: string;
  source: string;
  via: string;
  param: string;
}

export type SearchLink = ForwardLink | ReverseLink;

let declared: SearchLink[] = [];

/** The links of the default configuration: the chains the access policies and the common questions walk. */
export const DEFAULT_LINKS = 'Observation?encounter:Encounter.participant,Observation?encounter:Encounter.service-provider,Patient?_has:Observation:patient:code';

/**
 * Parses and checks a SEARCH_LINKS value (comma-separated; `none` or empty for none). Throws with a clear
 * message when a path names unknown types or parameters of the wrong kind.
 */
export function parseLinks(spec: string): SearchLink[] {
  const out: SearchLink[] = [];
  for (const raw of spec.split(',').map((s) => s.trim())) {
    if (!raw || raw === 'none') continue;
    const bad = (why: string): Error => new Error(`SEARCH_LINKS: ${raw}: ${why}`);
    const q = raw.indexOf('?');
    if (q <= 0) throw bad('expected Type?path');
    const type = raw.slice(0, q);
    const path = raw.slice(q + 1);
    if (path.startsWith('_has:')) {
      const [source, via, param, ...rest] = path.slice(5).split(':');
      if (!source || !via || !param || rest.length) throw bad('expected Type?_has:Source:reference:token');
      const ref = getIndexedParam(source, via);
      if (ref?.type !== 'reference') throw bad(`${source}.${via} is not a reference search parameter`);
      if (ref.targets && !ref.targets.includes(type)) throw bad(`${source}.${via} does not point to ${type}`);
      if (getIndexedParam(source, param)?.type !== 'token') throw bad(`${source}.${param} is not a token search parameter`);
      out.push({ kind: 'reverse', code: `${source}:${via}:${param}`, target: type, source, via, param });
      continue;
    }
    const m = /^([a-z][\w-]*)(?::([A-Z][A-Za-z]+))?\.([a-z][\w-]*)$/.exec(path);
    if (!m) throw bad('expected Type?reference.reference or Type?_has:Source:reference:token');
    const [, via, typed, next] = m;
    const first = getIndexedParam(type, via);
    if (first?.type !== 'reference') throw bad(`${type}.${via} is not a reference search parameter`);
    const through = typed ?? (first.targets?.length === 1 ? first.targets[0] : undefined);
    if (!through) throw bad(`${type}.${via} points to several types: name one (${via}:Type.${next})`);
    if (first.targets && !first.targets.includes(through)) throw bad(`${type}.${via} does not point to ${through}`);
    if (getIndexedParam(through, next)?.type !== 'reference') throw bad(`${through}.${next} is not a reference search parameter`);
    out.push({ kind: 'forward', code: `${via}:${through}.${next}`, source: type, via, through, next });
  }
  return out;
}

export function setLinks(links: SearchLink[]): void {
  declared = links;
}

export function declaredLinks(): readonly SearchLink[] {
  return declared;
}

/** The forward link for `source?via:through.next`, if declared. */
export function forwardLink(source: string | undefined, via: string, through: string, next: string): ForwardLink | undefined {
  if (!source) return undefined;
  return declared.find((l): l is ForwardLink => l.kind === 'forward' && l.source === source && l.via === via && l.through === through && l.next === next);
}

/** The reverse link for `target?_has:source:via:param`, if declared. */
export function reverseLink(target: string | undefined, source: string, via: string, param: string): ReverseLink | undefined {
  if (!target) return undefined;
  return declared.find((l): l is ReverseLink => l.kind === 'reverse' && l.target === target && l.source === source && l.via === via && l.param === param);
}

/**
 * Recomputes the link rows a set of written resources affects, in the write's transaction, after the
 * resources and their index rows are written (so it reads them): per flush, one statement locking the
 * intermediates of written sources for each distinct first step (`Observation.encounter:Encounter` serves both
 * default forward links), and one statement recomputing every link touched.
 *
 * Forward: the sources to recompute are the written sources and the sources pointing to a written
 * intermediate; each is recomputed whole (its rows deleted, the join of its `via` references and their
 * targets' `next` references inserted).
 *
 * Concurrency (PostgreSQL, read committed): a source written while another transaction changes its
 * intermediate must not miss the change. The intermediates of written sources are locked FOR SHARE first, in
 * their own statement: an uncommitted change of one makes us wait, and the recomputation that follows (a new
 * statement, a new snapshot) sees it committed; a change that comes later waits for our commit, and its own
 * recomputation then sees our source. Intermediates written in the same flush are ours already.
 *
 * Reverse: the rows of the targets the written sources point to are recomputed per source, minus targets
 * rebuilt whole; a target written again without rows of this link (created again after a delete, which
 * removed them) gets the rows of every source pointing to it; a deleted target loses its rows. A new target
 * needs nothing (its sources can only be written with or after it, and bring their rows); a target's other
 * changes leave them.
 */
export async function maintainLinks(tx: Queryable, writes: readonly PendingWrite[]): Promise<void> {
  if (declared.length === 0 || writes.length === 0) return;
  const byType = new Map<string, PendingWrite[]>();
  for (const w of writes) {
    const list = byType.get(w.type);
    if (list) list.push(w);
    else byType.set(w.type, [w]);
  }
  const p = new SqlParams();
  const locks: { sql: string; values: unknown[] }[] = [];
  const locked = new Set<string>();
  const ctes: string[] = [];
  for (const l of declared) {
    const n = ctes.length;
    if (l.kind === 'forward') {
      const sources = ids(byType.get(l.source));
      const throughs = ids(byType.get(l.through));
      if (sources.length === 0 && throughs.length === 0) continue;
      const [src, thr, st, via, th] = [p.add(sources), p.add(throughs), p.add(l.source), p.add(l.via), p.add(l.through)];
      const lockKey = `${l.source}.${l.via}:${l.through}`;
      if (sources.length && !locked.has(lockKey)) {
        locked.add(lockKey);
        const sql = `SELECT 1 FROM resource r WHERE r.res_type = $4 AND r.res_id IN (
            SELECT a.target_id FROM sp_reference a WHERE a.res_id = ANY($1::text[]) AND a.res_type = $2 AND a.code = $3 AND a.target_type = $4)
          AND r.res_id <> ALL($5::text[]) FOR SHARE OF r`;
        locks.push({ sql, values: [sources, l.source, l.via, l.through, throughs] });
      }
      const code = p.add(l.code);
      ctes.push(`s${n} AS (SELECT unnest(${src}::text[]) AS id
          UNION SELECT a.res_id FROM sp_reference a WHERE a.target_id = ANY(${thr}::text[]) AND a.code = ${via} AND a.res_type = ${st} AND a.target_type = ${th})`);
      ctes.push(`d${n} AS (DELETE FROM sp_link k USING s${n} WHERE k.res_id = s${n}.id AND k.res_type = ${st} AND k.code = ${code})`);
      ctes.push(`i${n} AS (INSERT INTO sp_link (res_type, res_id, pid, code, target_type, target_id, target_url)
          SELECT a.res_type, a.res_id, a.pid, ${code}, b.target_type, b.target_id, b.target_url
          FROM s${n} JOIN sp_reference a ON a.res_id = s${n}.id AND a.res_type = ${st} AND a.code = ${via} AND a.target_type = ${th}
          JOIN sp_reference b ON b.res_id = a.target_id AND b.res_type = a.target_type AND b.code = ${p.add(l.next)})`);
    } else {
      const sources = ids(byType.get(l.source));
      const targets = byType.get(l.target) ?? [];
      const again = ids(targets.filter((w) => !w.isNew && w.method !== 'DELETE'));
      const gone = ids(targets.filter((w) => w.method === 'DELETE'));
      if (sources.length === 0 && again.length === 0 && gone.length === 0) continue;
      const [src, tt, st, via, code] = [p.add(sources), p.add(l.target), p.add(l.source), p.add(l.via), p.add(l.code)];
      ctes.push(`r${n} AS (SELECT x AS id FROM unnest(${p.add(again)}::text[]) x
          WHERE NOT EXISTS (SELECT 1 FROM sp_has h WHERE h.res_id = x AND h.res_type = ${tt} AND h.code = ${code}))`);
      ctes.push(`d${n} AS (DELETE FROM sp_has h WHERE (h.src_id = ANY(${src}::text[]) AND h.src_type = ${st} AND h.code = ${code})
          OR (h.res_id = ANY(${p.add(gone)}::text[]) AND h.res_type = ${tt} AND h.code = ${code}))`);
      ctes.push(`p${n} AS (SELECT a.res_type, a.res_id, a.target_id FROM sp_reference a
          WHERE a.res_id = ANY(${src}::text[]) AND a.res_type = ${st} AND a.code = ${via} AND a.target_type = ${tt} AND a.target_id NOT IN (SELECT id FROM r${n})
          UNION SELECT a.res_type, a.res_id, a.target_id FROM sp_reference a JOIN r${n} ON a.target_id = r${n}.id
          WHERE a.code = ${via} AND a.res_type = ${st} AND a.target_type = ${tt})`);
      ctes.push(`i${n} AS (INSERT INTO sp_has (res_type, res_id, pid, code, system, value, src_type, src_id)
          SELECT t.res_type, t.res_id, t.pid, ${code}, k.system, k.value, q.res_type, q.res_id
          FROM p${n} q JOIN resource t ON t.res_type = ${tt} AND t.res_id = q.target_id AND NOT t.deleted
          JOIN sp_token k ON k.res_id = q.res_id AND k.res_type = q.res_type AND k.code = ${p.add(l.param)})`);
    }
  }
  if (ctes.length === 0) return;
  for (const lock of locks) await tx.query(lock.sql, lock.values, 'hms_link_lock');
  const sql = `WITH ${ctes.join(',\n')} SELECT 1`;
  await tx.query(sql, p.values, statementName(sql));
}

const ids = (ws: PendingWrite[] | undefined): string[] => (ws ?? []).map((w) => w.id);

const LINKS_LOCK = 7_342_012;

/**
 * Makes the stored link rows match the declared links: rows of a link declared for the first time are built
 * from the stored data, rows of a link no longer declared are dropped. Once per start, under a lock, so
 * several processes starting together build each link once.
 */
export async function ensureLinks(db: Database): Promise<{ built: string[]; dropped: string[] }> {
  return db.unlimited(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LINKS_LOCK]);
    const { rows } = await tx.query<{ link: string }>('SELECT link FROM search_link');
    const have = new Set(rows.map((r) => r.link));
    const key = (l: SearchLink): string => `${l.kind === 'forward' ? l.source : l.target}?${l.code}`;
    const want = new Map(declared.map((l) => [key(l), l]));
    const built: string[] = [];
    const dropped: string[] = [];
    for (const k of have) {
      if (want.has(k)) continue;
      const [type, code] = [k.slice(0, k.indexOf('?')), k.slice(k.indexOf('?') + 1)];
      await tx.query(code.includes('.') ? 'DELETE FROM sp_link WHERE code = $2 AND res_type = $1' : 'DELETE FROM sp_has WHERE code = $2 AND res_type = $1', [type, code]);
      await tx.query('DELETE FROM search_link WHERE link = $1', [k]);
      dropped.push(k);
    }
    for (const [k, l] of want) {
      if (have.has(k)) continue;
      if (l.kind === 'forward') {
        await tx.query(
          `INSERT INTO sp_link (res_type, res_id, pid, code, target_type, target_id, target_url)
           SELECT a.res_type, a.res_id, a.pid, $5, b.target_type, b.target_id, b.target_url
           FROM sp_reference a JOIN sp_reference b ON b.res_id = a.target_id AND b.res_type = a.target_type AND b.code = $4
           WHERE a.res_type = $1 AND a.code = $2 AND a.target_type = $3`,
          [l.source, l.via, l.through, l.next, l.code],
        );
      } else {
        await tx.query(
          `INSERT INTO sp_has (res_type, res_id, pid, code, system, value, src_type, src_id)
           SELECT t.res_type, t.res_id, t.pid, $5, k.system, k.value, a.res_type, a.res_id
           FROM sp_reference a JOIN resource t ON t.res_type = a.target_type AND t.res_id = a.target_id AND NOT t.deleted
           JOIN sp_token k ON k.res_id = a.res_id AND k.res_type = a.res_type AND k.code = $4
           WHERE a.res_type = $2 AND a.code = $3 AND a.target_type = $1`,
          [l.target, l.source, l.via, l.param, l.code],
        );
      }
      await tx.query('INSERT INTO search_link (link) VALUES ($1)', [k]);
      built.push(k);
    }
    return { built, dropped };
  });
}
