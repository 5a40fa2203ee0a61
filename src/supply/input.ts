import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { paramString, paramValues, type OperationCall } from '../operations/registry.js';
import type { Services } from '../rest/services.js';
import { searchStore } from '../store/search-in.js';

/** Most places one call covers by name (`location`); an organization's places are read up to MAX_PLACES. */
export const MAX_NAMED = 100;
export const MAX_PLACES = 5_000;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const TOKEN = /^[^|\s]{1,256}\|[^|\s]{1,256}$/;
const bad = (name: string, value: string): FhirError => new FhirError(400, 'invalid', 'badParam', [name, value]);

/** Items as `system|code` (at most MAX_NAMED). */
export function items(call: OperationCall, name = 'item'): string[] {
  const list = paramValues(call.params, name);
  if (list.length > MAX_NAMED) throw new FhirError(400, 'too-costly', 'badParam', [name, `${list.length} > ${MAX_NAMED}`]);
  for (const x of list) if (!TOKEN.test(x)) throw bad(name, x);
  return list;
}

export function required(call: OperationCall, name: string): string {
  const v = paramString(call.params, name);
  if (v === undefined || v === '') throw new FhirError(400, 'required', 'supply.missingParam', [name]);
  return v;
}

/**
 * The stores whose stock a bound requester sees: a facility's own places and those of the facilities it
 * supplies (Organizations `partOf` it: a regional warehouse and its posts); a region's places (the Location's
 * region, or its Organization's). Undefined for an unbound requester: every place.
 */
async function visiblePlaces(s: Services, ctx: RequestContext): Promise<Set<string> | undefined> {
  const queries: [string, string][][] = [];
  if (ctx.facility) queries.push([['organization', `Organization/${ctx.facility}`]], [['organization.partof', `Organization/${ctx.facility}`]]);
  if (ctx.region) queries.push([['region-sanitaria', ctx.region]], [['organization.region-sanitaria', ctx.region]]);
  if (queries.length === 0) return undefined;
  const seen = new Set<string>();
  for (const q of queries) {
    const found = await searchStore(s, ctx, 'Location', [...q, ['_elements', 'id']], MAX_PLACES + 1);
    if (found.length > MAX_PLACES) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [MAX_PLACES]);
    for (const l of found) seen.add(l.id!);
  }
  return seen;
}

/**
 * The places (Location ids) an operation covers: the instance; else `location` (at most MAX_NAMED), else the
 * places of `organization`, else every place the requester sees (undefined: every place, for an unbound
 * requester). A place that does not exist, or that a bound requester does not see (visiblePlaces), is a 404.
 */
export async function places(s: Services, ctx: RequestContext, call: OperationCall): Promise<string[] | undefined> {
  const visible = await visiblePlaces(s, ctx);
  const hidden = (ids: string[]): string | undefined => (visible ? ids.find((id) => !visible.has(id)) : undefined);
  if (call.id) {
    const row = hidden([call.id]) ? undefined : await s.store.read(ctx, 'Location', call.id);
    if (!row || row.deleted) throw new FhirError(404, 'not-found', 'notFound', [`Location/${call.id}`]);
    return [call.id];
  }
  const named = paramValues(call.params, 'location').map((l) => (l.startsWith('Location/') ? l.slice('Location/'.length) : l));
  if (named.length > MAX_NAMED) throw new FhirError(400, 'too-costly', 'badParam', ['location', `${named.length} > ${MAX_NAMED}`]);
  for (const id of named) if (!ID.test(id)) throw bad('location', id);
  const organization = paramString(call.params, 'organization');
  if (organization !== undefined && !/^(Organization\/)?[A-Za-z0-9\-.]{1,64}$/.test(organization)) throw bad('organization', organization);
  const query: [string, string][] = named.length ? [['_id', named.join(',')]] : organization ? [['organization', organization.startsWith('Organization/') ? organization : `Organization/${organization}`]] : [];
  if (query.length === 0) return visible ? [...visible] : undefined;
  const found = await searchStore(s, ctx, 'Location', [...query, ['_elements', 'id']], MAX_PLACES + 1);
  if (found.length > MAX_PLACES) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [MAX_PLACES]);
  const ids = found.map((l) => l.id!);
  const missing = named.find((x) => !ids.includes(x)) ?? (named.length ? hidden(named) : undefined);
  if (missing) throw new FhirError(404, 'not-found', 'notFound', [`Location/${missing}`]);
  return visible ? ids.filter((id) => visible.has(id)) : ids;
}
