/**
 * Access policies, declared per resource type: the reference paths (FHIR search parameter names, chained with
 * `.` or reversed with `_has`) from a resource to the Organization of the facility it belongs to. Several
 * paths are alternatives (a resource belongs to a facility when any of them leads there). A requester bound
 *   - to a facility (an Organization id) sees and writes the resources whose path leads to that Organization
 *     (`<path>=Organization/<facility>`);
 *   - to a health region (a code of py-region-sanitaria) those whose path leads to an Organization of that
 *     region (`<path>.region-sanitaria=<system>|<region>`, the PYOrganization extension py-region-sanitaria);
 *   - to a subsystem those tagged with it (`_tag=<subsistema>|<subsystem>`).
 * The criteria are compiled into the search (see access.ts), so they run in SQL like any other parameter.
 */
export const FACILITY_PATHS: Record<string, string[]> = {
  Patient: ['organization'],
  Encounter: ['service-provider'],
  EpisodeOfCare: ['organization'],
  // a Location participant of the facility, or a Slot of a Schedule of one of its Locations
  Appointment: ['location.organization', 'slot.schedule.actor:Location.organization'],
  Schedule: ['actor:Location.organization'],
  Slot: ['schedule.actor:Location.organization'],
  PractitionerRole: ['organization'],
  Practitioner: ['_has:PractitionerRole:practitioner:organization'],
  Observation: ['encounter.service-provider'],
  Condition: ['encounter.service-provider'],
  Procedure: ['encounter.service-provider'],
  DiagnosticReport: ['encounter.service-provider'],
  ServiceRequest: ['encounter.service-provider'],
  MedicationRequest: ['encounter.service-provider'],
  Immunization: ['location.organization'],
  SupplyDelivery: ['supplier'],
};

/** Subsystem of a resource: a meta.tag of this system (MSPBS, IPS, military, police, private …). */
export const SUBSYSTEM_TAG_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/subsistema';

/** Health region of a facility: the py-region-sanitaria extension of its Organization (PYOrganization). */
export const REGION_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria';
/** The search parameter of the Paraguay guide over that extension (Organization and Location). */
export const REGION_PARAM = 'region-sanitaria';

/**
 * Catalogue and reference data shared by every facility and subsystem (read and written under scopes only).
 * Every other type without a facility policy is denied to a facility-, region- or subsystem-bound requester.
 */
export const SHARED_TYPES = new Set([
  'Organization', 'Location', 'HealthcareService', 'Endpoint', 'Medication', 'Substance', 'Device', 'DeviceDefinition',
  'ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem', 'StructureDefinition', 'SearchParameter', 'OperationDefinition',
  'Questionnaire', 'PlanDefinition', 'ActivityDefinition', 'Library', 'Measure',
]);

/** Security labels that need a matching permission scope (hms/label.<code>) to be read or written. */
export const PROTECTED_LABELS: { system: string; code: string }[] = [
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' },
  { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-security-label', code: 'conocimiento-protegido' },
];
