import type { CodeSystem, CodeSystemConcept, ValueSet } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';

/**
 * Terminology the server holds: CodeSystem hierarchies and ValueSet expansion over the CodeSystem and
 * ValueSet resources stored in it. Used by the token modifiers :in, :not-in, :above and :below.
 */
export interface CodeSet {
  /** system|code pairs */
  codes: { system: string; code: string }[];
  /** whole systems included (a ValueSet that includes a CodeSystem the server does not hold in full) */
  systems: string[];
}

async function findByUrl<T>(q: Queryable, type: string, url: string): Promise<T | undefined> {
  const [base, version] = url.split('|');
  const { rows } = await q.query<{ content: string }>(
    `SELECT r.content FROM resource r JOIN sp_uri u ON u.res_id = r.res_id AND u.res_type = r.res_type
     WHERE u.res_type = $1 AND u.code = 'url' AND u.value = $2 AND NOT r.deleted ORDER BY r.pid DESC`,
    [type, base],
  );
  const all = rows.map((r) => JSON.parse(r.content) as T & { version?: string });
  return version ? all.find((r) => r.version === version) : all[0];
}

/** parent code → child codes, from nested concepts and the `parent`/`child` properties. */
function hierarchy(cs: CodeSystem): { children: Map<string, Set<string>>; parents: Map<string, Set<string>>; all: string[] } {
  const children = new Map<string, Set<string>>();
  const parents = new Map<string, Set<string>>();
  const all: string[] = [];
  const link = (parent: string, child: string): void => {
    if (!children.has(parent)) children.set(parent, new Set());
    children.get(parent)?.add(child);
    if (!parents.has(child)) parents.set(child, new Set());
    parents.get(child)?.add(parent);
  };
  const walk = (concepts: CodeSystemConcept[] | undefined, parent?: string): void => {
    for (const c of concepts ?? []) {
      if (!c.code) continue;
      all.push(c.code);
      if (parent) link(parent, c.code);
      for (const p of c.property ?? []) {
        if (p.code === 'parent' && p.valueCode) link(p.valueCode, c.code);
        if (p.code === 'child' && p.valueCode) link(c.code, p.valueCode);
      }
      walk(c.concept, c.code);
    }
  };
  walk(cs.concept);
  return { children, parents, all };
}

function closure(start: string, edges: Map<string, Set<string>>): Set<string> {
  const out = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    for (const next of edges.get(stack.pop() as string) ?? []) {
      if (!out.has(next)) {
        out.add(next);
        stack.push(next);
      }
    }
  }
  return out;
}

/** The code and its descendants (below) or ancestors (above) in a CodeSystem the server holds. */
export async function subsumption(q: Queryable, system: string, code: string, direction: 'above' | 'below'): Promise<CodeSet> {
  const cs = await findByUrl<CodeSystem>(q, 'CodeSystem', system);
  if (!cs) return { codes: [{ system, code }], systems: [] };
  const h = hierarchy(cs);
  const codes = closure(code, direction === 'below' ? h.children : h.parents);
  return { codes: [...codes].map((c) => ({ system, code: c })), systems: [] };
}

/** Expands a ValueSet the server holds (compose include/exclude, concept lists, is-a filters, imports). */
export async function expandValueSet(q: Queryable, url: string, depth = 0): Promise<CodeSet | undefined> {
  const vs = await findByUrl<ValueSet>(q, 'ValueSet', url);
  if (!vs || depth > 5) return undefined;
  const result: CodeSet = { codes: [], systems: [] };
  if (vs.expansion?.contains && !vs.compose) {
    const walk = (items: NonNullable<ValueSet['expansion']>['contains']): void => {
      for (const c of items ?? []) {
        if (c.system && c.code) result.codes.push({ system: c.system, code: c.code });
        walk(c.contains);
      }
    };
    walk(vs.expansion.contains);
    return result;
  }
  for (const inc of vs.compose?.include ?? []) {
    const part = await includeSet(q, inc, depth);
    result.codes.push(...part.codes);
    result.systems.push(...part.systems);
  }
  const excluded = new Set<string>();
  for (const exc of vs.compose?.exclude ?? []) {
    const part = await includeSet(q, exc, depth);
    for (const c of part.codes) excluded.add(`${c.system}|${c.code}`);
  }
  result.codes = result.codes.filter((c) => !excluded.has(`${c.system}|${c.code}`));
  return result;
}

async function includeSet(q: Queryable, inc: NonNullable<ValueSet['compose']>['include'][number], depth: number): Promise<CodeSet> {
  const out: CodeSet = { codes: [], systems: [] };
  const system = inc.system;
  if (system && inc.concept?.length) {
    out.codes.push(...inc.concept.map((c) => ({ system, code: c.code as string })));
  } else if (system && inc.filter?.length) {
    const cs = await findByUrl<CodeSystem>(q, 'CodeSystem', system);
    let codes: Set<string> | undefined;
    for (const f of inc.filter) {
      let matched: Set<string>;
      if (cs && (f.op === 'is-a' || f.op === 'descendent-of') && f.property === 'concept') {
        matched = closure(f.value as string, hierarchy(cs).children);
        if (f.op === 'descendent-of') matched.delete(f.value as string);
      } else if (f.op === '=' && f.property === 'concept') {
        matched = new Set([f.value as string]);
      } else if (f.op === 'in' && f.property === 'concept') {
        matched = new Set((f.value as string).split(','));
      } else {
        matched = new Set();
      }
      codes = codes ? new Set([...codes].filter((c) => matched.has(c))) : matched;
    }
    out.codes.push(...[...(codes ?? [])].map((code) => ({ system, code })));
  } else if (system) {
    const cs = await findByUrl<CodeSystem>(q, 'CodeSystem', system);
    if (cs?.content === 'complete') out.codes.push(...hierarchy(cs).all.map((code) => ({ system, code })));
    else out.systems.push(system);
  }
  for (const nested of inc.valueSet ?? []) {
    const part = await expandValueSet(q, nested, depth + 1);
    if (part) {
      out.codes.push(...part.codes);
      out.systems.push(...part.systems);
    }
  }
  return out;
}
