import type { HealthcareService, Location, Organization, PractitionerRole } from '@medplum/fhirtypes';
import { refKey } from '../fhir/references.js';
import type { StoreTransaction } from '../store/store.js';

const REGION_EXT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-region-sanitaria';

/** The facility (Organization id) of a reference: an Organization, a PractitionerRole's, a Location's or a HealthcareService's. */
export async function facilityOf(t: StoreTransaction, key: string | undefined): Promise<string | undefined> {
  if (!key) return undefined;
  const [type, id] = key.split('/');
  if (type === 'Organization') return id;
  if (type !== 'PractitionerRole' && type !== 'Location' && type !== 'HealthcareService') return undefined;
  const row = await t.read(type, id);
  if (!row?.content || row.deleted) return undefined;
  const r = JSON.parse(row.content) as PractitionerRole | Location | HealthcareService;
  const org = type === 'PractitionerRole' ? (r as PractitionerRole).organization : type === 'Location' ? (r as Location).managingOrganization : (r as HealthcareService).providedBy;
  return refKey(org, 'Organization')?.slice('Organization/'.length);
}

/**
 * Where a referral starts or ends, as `Type/id`: the facility (Organization) of the reference, or the
 * reference itself when it has none (a traditional healer's Practitioner, a Practitioner without a role).
 */
export async function placeOf(t: StoreTransaction, key: string | undefined): Promise<string | undefined> {
  const org = await facilityOf(t, key);
  return org ? `Organization/${org}` : key;
}

/** The health region (py-region-sanitaria code) of an Organization (`Organization/id`). */
export async function regionOf(t: StoreTransaction, key: string | undefined): Promise<string | undefined> {
  if (!key?.startsWith('Organization/')) return undefined;
  const row = await t.read('Organization', key.slice('Organization/'.length));
  if (!row?.content || row.deleted) return undefined;
  const org = JSON.parse(row.content) as Organization;
  return org.extension?.find((e) => e.url === REGION_EXT)?.valueCoding?.code;
}
