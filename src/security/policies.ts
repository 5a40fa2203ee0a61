/**
 * Access policies, declared per resource type as FHIR search criteria: a requester bound to a facility
 * (an Organization id) or a subsystem sees and writes only resources matching them. The criteria are
 * compiled into the search (see access.ts), so they run in SQL like any other search parameter.
 * {facility} is replaced by the requester's facility.
 */
export const FACILITY_POLICIES: Record<string, string> = {
  Patient: 'organization=Organization/{facility}',
  Encounter: 'service-provider=Organization/{facility}',
  EpisodeOfCare: 'organization=Organization/{facility}',
  Appointment: 'location.organization=Organization/{facility}',
  PractitionerRole: 'organization=Organization/{facility}',
  Practitioner: '_has:PractitionerRole:practitioner:organization=Organization/{facility}',
  Observation: 'encounter.service-provider=Organization/{facility}',
  Condition: 'encounter.service-provider=Organization/{facility}',
  Procedure: 'encounter.service-provider=Organization/{facility}',
  DiagnosticReport: 'encounter.service-provider=Organization/{facility}',
  ServiceRequest: 'encounter.service-provider=Organization/{facility}',
  MedicationRequest: 'encounter.service-provider=Organization/{facility}',
  Immunization: 'location.organization=Organization/{facility}',
  SupplyDelivery: 'supplier=Organization/{facility}',
};

/** Subsystem of a resource: a meta.tag of this system (MSPBS, IPS, military, police, private …). */
export const SUBSYSTEM_TAG_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/subsistema';

/**
 * Catalogue and reference data shared by every facility and subsystem (read and written under scopes only).
 * Every other type without a facility policy is denied to a facility- or subsystem-bound requester.
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
