import type { Coding, Extension, Location, Organization } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { FhirError } from '../../fhir/outcome.js';
import { refKey } from '../../fhir/references.js';
import type { Services } from '../../rest/services.js';
import type { StoreTransaction } from '../../store/store.js';
import { monthStart, PY_OFFSET_MS, pyMonth } from './consumption.js';

/**
 * The replenishment parameters of a store (a Location), from its facility as the guide describes it
 * (profiles/PYEstablecimiento.fsh): the store itself or the Location it is part of (`partOf`, a few levels up)
 * carries py-tipo-establecimiento and py-accesibilidad-estacional; its facility is the first
 * `managingOrganization` on the way up, whose own py-tipo-establecimiento or `type` may also say the type.
 *
 * - Every facility: maxPeriodsOfStock 3 months, review cycle 1 month.
 * - A rural post (type `PS`, "Puesto de Salud", or a type whose text says "puesto de salud"): 6 months, cycle
 *   3 months (deliveries are seldom).
 * - Seasonal closure: the months py-accesibilidad-estacional lists as `mesInaccesible` (consecutive ones, across
 *   December–January too, make one closure). When a closure starts this month or within the next cycle, the
 *   order is brought forward (made now, urgent, to arrive before the closure) and sized to cover the closure
 *   too: maximum = AMC × (maxPeriodsOfStock + months of the closure).
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
export const FACILITY_TYPE_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-tipo-establecimiento';
const EXT_TYPE = `${SD}py-tipo-establecimiento`;
const EXT_ACCESS = `${SD}py-accesibilidad-estacional`;
export const RURAL_TYPES = ['PS'];
export const DEFAULT_POLICY = { maxPeriodsOfStock: 3, reviewCycle: 1 };
export const RURAL_POLICY = { maxPeriodsOfStock: 6, reviewCycle: 3 };
const MAX_DEPTH = 5;

export interface Closure {
  /** Months (1..12) of the closure, in order. */
  months: number[];
  /** Its first day (YYYY-MM-DD, Paraguay). */
  from: string;
  /** Months from the current one to its start (0: this month). */
  offset: number;
}

export interface Policy {
  location: Location;
  /** Organization/{id}: the facility of the store, if any. */
  facility?: string;
  /** Organization/{id}: the facility that supplies it (the facility's `partOf`), if any. */
  supplier?: string;
  facilityType?: Coding;
  rural: boolean;
  maxPeriodsOfStock: number;
  reviewCycle: number;
  /** The closure that brings the order forward, if any. */
  closure?: Closure;
  /** What the maximum covers: maxPeriodsOfStock, plus the closure's months when brought forward. */
  coverMonths: number;
}

/** Runs of consecutive months (1..12, December followed by January), each in order. Pure. */
export function closureRuns(months: readonly number[]): number[][] {
  const set = new Set(months.filter((m) => Number.isInteger(m) && m >= 1 && m <= 12));
  if (set.size === 0) return [];
  if (set.size === 12) return [[...Array(12).keys()].map((i) => i + 1)];
  const runs: number[][] = [];
  for (const m of [...set].sort((a, b) => a - b)) {
    const prev = m === 1 ? 12 : m - 1;
    if (set.has(prev)) continue; // not a start
    const run = [m];
    for (let n = m === 12 ? 1 : m + 1; set.has(n) && n !== m; n = n === 12 ? 1 : n + 1) run.push(n);
    runs.push(run);
  }
  return runs;
}

/** The closure that starts this month (offset 0) or within the next `cycle` months, the nearest first. Pure. */
export function upcomingClosure(months: readonly number[], now: number, cycle: number): Closure | undefined {
  const [year, current] = pyMonth(now);
  let best: Closure | undefined;
  for (const run of closureRuns(months)) {
    if (run.length === 12) continue; // never open: nothing to bring forward
    const offset = (run[0] - current + 12) % 12;
    if (offset > cycle || (best && best.offset <= offset)) continue;
    const d = new Date(monthStart(year, current + offset) - PY_OFFSET_MS);
    const from = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
    best = { months: run, from, offset };
  }
  return best;
}

const extensions = (r: { extension?: Extension[] } | undefined): Extension[] => (Array.isArray(r?.extension) ? r.extension : []);

function typeOf(r: Location | Organization | undefined): Coding | undefined {
  const ext = extensions(r).find((e) => e?.url === EXT_TYPE)?.valueCoding;
  if (ext?.code) return ext;
  const types = r?.resourceType === 'Organization' ? r.type : r?.type;
  for (const cc of Array.isArray(types) ? types : []) {
    const c = (cc.coding ?? []).find((x) => x.system === FACILITY_TYPE_SYSTEM && x.code);
    if (c) return c;
    const said = [cc.text, ...(cc.coding ?? []).map((x) => x.display)].find((x) => typeof x === 'string' && /puesto de salud/i.test(x));
    if (said) return { display: said };
  }
  return undefined;
}

function closedMonths(l: Location | undefined): number[] | undefined {
  const e = extensions(l).find((x) => x?.url === EXT_ACCESS);
  if (!e) return undefined;
  return extensions(e).filter((x) => x?.url === 'mesInaccesible' && typeof x.valueInteger === 'number').map((x) => x.valueInteger!);
}

async function readAs<T>(s: Services, ctx: RequestContext, type: string, id: string, t?: StoreTransaction): Promise<T | undefined> {
  const row = await s.store.read(ctx, type, id, t);
  return row?.content && !row.deleted ? (JSON.parse(row.content) as T) : undefined;
}

/** The policy of the store Location/{id} at `now` (404 when the Location does not exist); read in t when given. */
export async function policyFor(s: Services, ctx: RequestContext, locationId: string, now: number, t?: StoreTransaction): Promise<Policy> {
  const location = await readAs<Location>(s, ctx, 'Location', locationId, t);
  if (!location) throw new FhirError(404, 'not-found', 'notFound', [`Location/${locationId}`]);
  let facilityType: Coding | undefined;
  let closed: number[] | undefined;
  let orgKey: string | undefined;
  const seen = new Set<string>();
  for (let l: Location | undefined = location, depth = 0; l && depth < MAX_DEPTH; depth++) {
    seen.add(l.id!);
    facilityType ??= typeOf(l);
    closed ??= closedMonths(l);
    orgKey ??= refKey(l.managingOrganization, 'Organization');
    const parent: string | undefined = refKey(l.partOf, 'Location')?.slice('Location/'.length);
    l = parent && !seen.has(parent) ? await readAs<Location>(s, ctx, 'Location', parent, t) : undefined;
  }
  const org = orgKey ? await readAs<Organization>(s, ctx, 'Organization', orgKey.slice('Organization/'.length), t) : undefined;
  facilityType ??= typeOf(org);
  const supplier = refKey(org?.partOf, 'Organization');
  const rural = !!facilityType && ((facilityType.system === FACILITY_TYPE_SYSTEM && RURAL_TYPES.includes(facilityType.code ?? '')) || /puesto de salud/i.test(facilityType.display ?? ''));
  const base = rural ? RURAL_POLICY : DEFAULT_POLICY;
  const closure = closed ? upcomingClosure(closed, now, base.reviewCycle) : undefined;
  return {
    location,
    ...(org ? { facility: orgKey } : {}),
    ...(supplier ? { supplier } : {}),
    ...(facilityType ? { facilityType } : {}),
    rural,
    ...base,
    ...(closure ? { closure } : {}),
    coverMonths: base.maxPeriodsOfStock + (closure?.months.length ?? 0),
  };
}
