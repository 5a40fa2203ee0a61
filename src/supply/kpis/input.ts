import type { Location, Organization, Parameters } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { FhirError } from '../../fhir/outcome.js';
import { refKey } from '../../fhir/references.js';
import { periodOf, PY_OFFSET_MS, type Period } from '../../measures/period.js';
import { paramString, type OperationCall } from '../../operations/registry.js';
import type { Services } from '../../rest/services.js';
import { searchStore } from '../../store/search-in.js';
import { items, MAX_PLACES, places } from '../input.js';
import { daysIn, monthsIn } from './formulas.js';
import './messages.js';

/** Longest period one call covers: two years (730 days and a leap day). */
export const MAX_PERIOD_DAYS = 731;
export const GROUP_BY = ['location', 'organization', 'region', 'none'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export const REGION_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria';
const REGION_EXT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-region-sanitaria';
const REGION = /^[A-Za-z0-9-]{1,16}$/;

export interface KpiInput {
  period: Period;
  /** Days and calendar months in the period (formulas.ts). */
  days: number;
  months: number;
  /** `system|code`; empty: every item. */
  items: string[];
  region?: string;
  groupBy: GroupBy;
}

/** The period as dates (whole days in Paraguay, the end date included; at most MAX_PERIOD_DAYS). */
export function periodInput(call: OperationCall): Period {
  return periodOf(call, { start: 'periodStart', end: 'periodEnd' }, { maxDays: MAX_PERIOD_DAYS, datesOnly: true });
}

/** `region`: a py-region-sanitaria code, or undefined. */
export function regionInput(call: OperationCall): string | undefined {
  const region = paramString(call.params, 'region');
  if (region !== undefined && !REGION.test(region)) throw new FhirError(400, 'invalid', 'badParam', ['region', region]);
  return region || undefined;
}

/** The inputs of Location/$supply-kpis (and of the supply Measures, with their period), checked here in one place: 400 naming the parameter. */
export function kpiInput(call: OperationCall, period = periodInput(call)): KpiInput {
  const groupBy = paramString(call.params, 'groupBy') ?? 'location';
  if (!(GROUP_BY as readonly string[]).includes(groupBy)) throw new FhirError(400, 'invalid', 'badParam', ['groupBy', `${groupBy} (${GROUP_BY.join(' | ')})`]);
  const region = regionInput(call);
  return {
    period,
    days: daysIn(period.start, period.end),
    months: monthsIn(period.start, period.end, PY_OFFSET_MS),
    items: items(call),
    ...(region ? { region } : {}),
    groupBy: groupBy as GroupBy,
  };
}

/** The Locations of a health region: its own region (py-region-sanitaria), or its Organization's — as the requester sees them. */
async function regionStores(s: Services, ctx: RequestContext, region: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (const q of [[['region-sanitaria', region]], [['organization.region-sanitaria', region]]] as [string, string][][]) {
    const found = await searchStore(s, ctx, 'Location', [...q, ['_elements', 'id']], MAX_PLACES + 1);
    if (found.length > MAX_PLACES) throw new FhirError(422, 'too-costly', 'supply.kpiTooManyStores', [MAX_PLACES]);
    for (const l of found) out.add(l.id!);
  }
  return out;
}

/**
 * The stores the KPIs cover: those of the supply operations (../input.ts: the instance, `location`,
 * `organization`, else every store the requester sees — a facility-bound requester its own and its supplied
 * facilities', a region-bound one its region's; undefined: every store), within `region` if given.
 */
export async function population(s: Services, ctx: RequestContext, call: OperationCall, region: string | undefined): Promise<string[] | undefined> {
  const covered = await places(s, ctx, call);
  if (!region) return covered;
  const inRegion = await regionStores(s, ctx, region);
  return covered ? covered.filter((id) => inRegion.has(id)) : [...inRegion];
}

/** The population of a Measure's `reporter` (an Organization's stores, or one store) and `region`, through the same checks. */
export function reporterCall(call: OperationCall, reporter: string | undefined): OperationCall {
  const params: Parameters = { resourceType: 'Parameters', parameter: reporter?.startsWith('Organization/') ? [{ name: 'organization', valueString: reporter }] : [] };
  const location = reporter?.startsWith('Location/') ? reporter.slice('Location/'.length) : undefined;
  return { ...call, level: location ? 'instance' : 'type', type: 'Location', id: location, params };
}

/** The key of each store's group: itself, its Organization (`Organization/id`), its region's code; null when unknown. */
export async function groupKeys(s: Services, ctx: RequestContext, stores: string[], groupBy: GroupBy): Promise<Map<string, string | null>> {
  const keys = new Map<string, string | null>();
  if (groupBy === 'none') return keys;
  if (groupBy === 'location') {
    for (const id of stores) keys.set(id, `Location/${id}`);
    return keys;
  }
  const locations = await readAll<Location>(s, ctx, 'Location', stores);
  const orgOf = new Map<string, string | undefined>();
  for (const id of stores) orgOf.set(id, refKey(locations.get(id)?.managingOrganization, 'Organization'));
  if (groupBy === 'organization') {
    for (const id of stores) keys.set(id, orgOf.get(id) ?? null);
    return keys;
  }
  const regionOf = (r: Location | Organization | undefined): string | undefined => r?.extension?.find((e) => e.url === REGION_EXT)?.valueCoding?.code;
  const orgIds = [...new Set([...orgOf.values()].filter((o): o is string => !!o).map((o) => o.slice('Organization/'.length)))];
  const organizations = await readAll<Organization>(s, ctx, 'Organization', orgIds);
  for (const id of stores) {
    const org = orgOf.get(id);
    keys.set(id, regionOf(locations.get(id)) ?? (org ? regionOf(organizations.get(org.slice('Organization/'.length))) : undefined) ?? null);
  }
  return keys;
}

/** Resources by id as the requester sees them (a missing or hidden one is absent), 200 ids a search. */
async function readAll<T extends Location | Organization>(s: Services, ctx: RequestContext, type: T['resourceType'], ids: string[]): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  const elements = type === 'Location' ? 'managingOrganization,extension' : 'extension';
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    for (const r of await searchStore<T>(s, ctx, type, [['_id', chunk.join(',')], ['_elements', elements]], chunk.length)) out.set(r.id!, r);
  }
  return out;
}
