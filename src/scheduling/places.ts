import type { Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import type { Services } from '../rest/services.js';
import type { FindInput } from './input.js';
import { searchStore } from '../store/search-in.js';

/** Most Locations, and most roles and services at them, one $find looks through. */
export const MAX_PLACES = 2000;
const CHUNK = 200;

/**
 * Where $find looks when asked for a department, a district or a position: the Locations there (search
 * parameters `departamento`, `distrito` of the guide, `near` of Location), then what a Schedule names as its
 * actor at those places — the Location itself, a PractitionerRole or a HealthcareService whose `location` is
 * one of them. undefined when no place was asked for; an empty list when nothing is there. More than
 * MAX_PLACES: a 400 too-costly (the place is too broad to look through).
 */
export async function actorsAt(s: Services, ctx: RequestContext, input: FindInput): Promise<string[] | undefined> {
  const where: [string, string][] = [];
  if (input.department) where.push(['departamento', input.department]);
  if (input.district) where.push(['distrito', input.district]);
  if (input.near) where.push(['near', input.near]);
  if (where.length === 0) return undefined;
  const locations = refs(await searchStore(s, ctx, 'Location', where, MAX_PLACES + 1));
  const actors = [...locations];
  for (const type of ['PractitionerRole', 'HealthcareService']) {
    for (let i = 0; i < locations.length && actors.length <= MAX_PLACES; i += CHUNK) {
      actors.push(...refs(await searchStore(s, ctx, type, [['location', locations.slice(i, i + CHUNK).join(',')]], MAX_PLACES + 1)));
    }
  }
  if (actors.length > MAX_PLACES) throw new FhirError(400, 'too-costly', 'scheduling.tooManyPlaces', [MAX_PLACES]);
  return actors;
}

const refs = (rs: Resource[]): string[] => rs.map((r) => `${r.resourceType}/${r.id}`);
