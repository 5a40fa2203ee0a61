import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { paramString, paramValue, type OperationCall } from '../operations/registry.js';
import type { Services } from '../rest/services.js';
import { searchStore } from '../store/search-in.js';

/** Most places one call covers by name (`location`); an organization's places are read up to MAX_PLACES. */
export const MAX_NAMED = 100;
export const MAX_PLACES = 5_000;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const TOKEN = /^[^|\s]{1,256}\|[^|\s]{1,256}$/;
const bad = (name: string, value: string): FhirError => new FhirError(400, 'invalid', 'badParam', [name, value]);

/** Every value of a repeating parameter (a Parameters part each, or comma-separated in the query). */
export function all(call: OperationCall, name: string): string[] {
  const out: string[] = [];
  for (const p of call.params.parameter ?? []) {
    if (p.name !== name) continue;
    const v: unknown = p.valueReference?.reference ?? (p.valueCoding ? `${p.valueCoding.system}|${p.valueCoding.code}` : paramValue({ resourceType: 'Parameters', parameter: [p] }, name));
    if (typeof v !== 'string') throw bad(name, JSON.stringify(v));
    out.push(...v.split(',').filter((x) => x !== ''));
  }
  return out;
}

/** Items as `system|code` (at most MAX_NAMED). */
export function items(call: OperationCall, name = 'item'): string[] {
  const list = all(call, name);
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
 * The places (Location ids) an operation covers: the instance; else `location` (at most MAX_NAMED), else the
 * places of `organization`, else — for a requester bound to a facility or region — the places it may see; for
 * an unbound requester undefined (every place). Places named are read as the requester (404 if hidden).
 */
export async function places(s: Services, ctx: RequestContext, call: OperationCall): Promise<string[] | undefined> {
  if (call.id) return [call.id];
  const named = all(call, 'location').map((l) => (l.startsWith('Location/') ? l.slice('Location/'.length) : l));
  if (named.length > MAX_NAMED) throw new FhirError(400, 'too-costly', 'badParam', ['location', `${named.length} > ${MAX_NAMED}`]);
  for (const id of named) if (!ID.test(id)) throw bad('location', id);
  const organization = paramString(call.params, 'organization');
  if (organization !== undefined && !/^(Organization\/)?[A-Za-z0-9\-.]{1,64}$/.test(organization)) throw bad('organization', organization);
  const query: [string, string][] = named.length ? [['_id', named.join(',')]] : organization ? [['organization', organization.startsWith('Organization/') ? organization : `Organization/${organization}`]] : [];
  if (query.length === 0 && !ctx.facility && !ctx.region) return undefined;
  const found = await searchStore(s, ctx, 'Location', [...query, ['_elements', 'id']], MAX_PLACES + 1);
  if (found.length > MAX_PLACES) throw new FhirError(422, 'too-costly', 'supply.tooManyLines', [MAX_PLACES]);
  if (named.length && found.length < new Set(named).size) {
    const seen = new Set(found.map((l) => l.id));
    throw new FhirError(404, 'not-found', 'notFound', [`Location/${named.find((x) => !seen.has(x))}`]);
  }
  return found.map((l) => l.id!);
}
