import type { CodeSystem, CodeSystemConcept, Location, Parameters, ParametersParameter, PractitionerRole } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/outcome.js';
import { refKey } from '../fhir/references.js';
import { paramString, type OperationCall } from '../operations/registry.js';
import { RawJson, type FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import { searchStore } from '../store/search-in.js';
import { find } from '../terminology/sources.js';

const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const SPECIALTY = `${CS}py-especialidad-medicina-tradicional`;
const DISTRICT = `${CS}py-distrito`;
const DISTRICT_EXT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-distrito';
/** Most healer roles one call reads (a country's registry is a few thousand); past it, 422 too-costly. */
export const MAX_ROLES = 20_000;

interface CoverageInput {
  department?: string;
  specialty?: string;
}

/** Inputs of Practitioner/$healer-coverage, checked in one place (400 naming the parameter). */
function coverageInput(call: OperationCall): CoverageInput {
  const department = paramString(call.params, 'department');
  if (department !== undefined && !/^[0-9]{1,2}$/.test(department)) throw new FhirError(400, 'invalid', 'badParam', ['department', department]);
  const specialty = paramString(call.params, 'specialty');
  if (specialty !== undefined && !/^[a-z-]{1,64}$/.test(specialty)) throw new FhirError(400, 'invalid', 'badParam', ['specialty', specialty]);
  return { ...(department ? { department } : {}), ...(specialty ? { specialty } : {}) };
}

/** A district's department: the `departamento` property of its concept in py-distrito. */
const departmentOf = (c: CodeSystemConcept): string | undefined => c.property?.find((p) => p.code === 'departamento')?.valueCode;
const districtOf = (l: Location): string | undefined => l.address?.extension?.find((e) => e.url === DISTRICT_EXT)?.valueCoding?.code;

/**
 * Practitioner/$healer-coverage: per district (of a department, or of the country), how many registered
 * traditional healers of each specialty serve it (through a PractitionerRole at a Location there) — 0 where
 * none does — and the places they serve as GeoJSON points. Reads the healers' roles as the requester may see
 * them (MAX_ROLES at most) and the places they name.
 */
export async function healerCoverage(s: Services, ctx: RequestContext, call: OperationCall): Promise<FhirResponse> {
  const input = coverageInput(call);
  const cs = await find<CodeSystem>(s.db, 'CodeSystem', DISTRICT);
  const specialties = input.specialty ? [input.specialty] : ((await find<CodeSystem>(s.db, 'CodeSystem', SPECIALTY))?.concept ?? []).map((c) => c.code);
  const districts = (cs?.concept ?? []).filter((c) => !input.department || departmentOf(c) === input.department);
  const inScope = new Set(districts.map((c) => c.code));

  const roles = await searchStore<PractitionerRole>(s, ctx, 'PractitionerRole', [['specialty', input.specialty ? `${SPECIALTY}|${input.specialty}` : `${SPECIALTY}|`]], MAX_ROLES + 1);
  if (roles.length > MAX_ROLES) throw new FhirError(422, 'too-costly', 'referrals.tooManyRoles', [MAX_ROLES]);
  const locationIds = [...new Set(roles.flatMap((r) => (r.location ?? []).map((l) => refKey(l, 'Location')?.slice('Location/'.length)).filter((x): x is string => !!x)))];
  const places = new Map<string, Location>();
  for (let i = 0; i < locationIds.length; i += 100) {
    for (const l of await searchStore<Location>(s, ctx, 'Location', [['_id', locationIds.slice(i, i + 100).join(',')]], 100)) places.set(l.id!, l);
  }

  // district → specialty → healers (distinct Practitioners); place → specialty → healers
  const byDistrict = new Map<string, Map<string, Set<string>>>();
  const byPlace = new Map<string, Map<string, Set<string>>>();
  const add = (m: Map<string, Map<string, Set<string>>>, key: string, specialty: string, healer: string): void => {
    let x = m.get(key);
    if (!x) m.set(key, (x = new Map()));
    let set = x.get(specialty);
    if (!set) x.set(specialty, (set = new Set()));
    set.add(healer);
  };
  for (const role of roles) {
    const healer = role.practitioner?.reference ?? `PractitionerRole/${role.id}`;
    const codes = (role.specialty ?? []).flatMap((c) => c.coding ?? []).filter((c) => c.system === SPECIALTY && c.code && specialties.includes(c.code)).map((c) => c.code!);
    for (const ref of role.location ?? []) {
      const place = places.get((ref.reference ?? '').slice('Location/'.length));
      const district = place && districtOf(place);
      if (!place || !district || !inScope.has(district)) continue;
      for (const code of codes) {
        add(byDistrict, district, code, healer);
        add(byPlace, place.id!, code, healer);
      }
    }
  }

  const count = (m: Map<string, Set<string>> | undefined, code: string): number => m?.get(code)?.size ?? 0;
  const rows: ParametersParameter[] = districts.map((d) => ({
    name: 'district',
    part: [
      { name: 'district', valueCoding: { system: DISTRICT, code: d.code, display: d.display } },
      { name: 'department', valueCode: departmentOf(d) },
      ...specialties.map((code) => ({ name: 'specialty', part: [{ name: 'code', valueCoding: { system: SPECIALTY, code } }, { name: 'healers', valueInteger: count(byDistrict.get(d.code), code) }] })),
      { name: 'covered', valueBoolean: specialties.some((code) => count(byDistrict.get(d.code), code) > 0) },
    ],
  }));
  const features = [...byPlace].flatMap(([id, m]) => {
    const place = places.get(id)!;
    if (place.position?.latitude === undefined || place.position?.longitude === undefined) return [];
    return [{
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [place.position.longitude, place.position.latitude] },
      properties: { location: `Location/${id}`, name: place.name, district: districtOf(place), healers: Object.fromEntries([...m].map(([code, set]) => [code, set.size])) },
    }];
  });
  const geojson = JSON.stringify({ type: 'FeatureCollection', features });
  const body: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      ...rows,
      { name: 'uncovered', part: specialties.map((code) => ({ name: code, valueString: districts.filter((d) => count(byDistrict.get(d.code), code) === 0).map((d) => d.code).join(',') })) },
      { name: 'geojson', valueAttachment: { contentType: 'application/geo+json', data: Buffer.from(geojson).toString('base64') } },
    ],
  };
  return { status: 200, headers: {}, body: new RawJson(JSON.stringify(body)) };
}
