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
 *
 * Syntax of one alternative: `cond&cond&path`. The conditions (`param=value`, e.g. `encounter:missing=true`)
 * are AND-ed to the path's criterion as they are; the path is the one part without `=`. A path may end in a
 * type modifier (`performer:Organization`): the facility criterion drops it (`performer=Organization/F`), the
 * region chain keeps it (`performer:Organization.region-sanitaria=…`). The empty path is the Organization
 * itself (`_id=F`, `region-sanitaria=…`). An alternative made of conditions only (no path) admits every
 * resource that meets them, whatever the binding.
 */
export interface TypePolicy {
  /** Alternatives for every access (read, search, create, update, delete). */
  paths: string[];
  /** Further alternatives for read and search only; `*` = everything is readable (directory data). */
  read?: string[];
}

/** The encounter's facility (its service provider, or a Location of the facility), else `others` when the resource has no encounter. */
const byEncounter = (encounter: string, ...others: string[]): string[] => [
  `${encounter}.service-provider`,
  `${encounter}.location.organization`,
  ...others.map((o) => `${encounter}:missing=true&${o}`),
];
/** An Organization, or the organization of a PractitionerRole, named by a reference parameter. */
const party = (param: string): string[] => [`${param}:Organization`, `${param}:PractitionerRole.organization`];

/** A stock movement belongs to the facility of its store (a Location) and to the facility that supplies it (partOf). */
function store(param: string): string[] {
  return [`${param}.organization`, `${param}.organization.partof`];
}

export const POLICIES: Record<string, TypePolicy> = {
  // --- Directory data: everyone reads it, only the facility (region, subsystem) it belongs to writes it.
  Organization: { paths: ['', 'partof'], read: ['*'] },
  Location: { paths: ['organization'], read: ['*'] },
  HealthcareService: { paths: ['organization', 'location.organization'], read: ['*'] },
  Endpoint: { paths: ['organization'], read: ['*'] },
  // A device attached to a patient follows its owner, location or patient; other devices are readable by all.
  Device: { paths: ['organization', 'location.organization', 'patient.organization'], read: ['patient:missing=true'] },
  PractitionerRole: { paths: ['organization', 'location.organization'] },
  Practitioner: { paths: ['_has:PractitionerRole:practitioner:organization'] },

  // --- Patients and their care.
  Patient: { paths: ['organization', 'general-practitioner:Organization', 'general-practitioner:PractitionerRole.organization'] },
  Encounter: { paths: ['service-provider', 'location.organization'] },
  EpisodeOfCare: { paths: ['organization'] },
  Observation: { paths: byEncounter('encounter', ...party('performer'), 'patient.organization') },
  Condition: { paths: byEncounter('encounter', 'patient.organization') },
  Procedure: { paths: byEncounter('encounter', 'location.organization', ...party('performer'), 'patient.organization') },
  DiagnosticReport: { paths: byEncounter('encounter', ...party('performer'), 'patient.organization') },
  AllergyIntolerance: { paths: ['patient.organization'] }, // no encounter parameter in R4
  CarePlan: { paths: byEncounter('encounter', 'patient.organization') },
  CareTeam: { paths: byEncounter('encounter', 'patient.organization') },
  Goal: { paths: ['patient.organization'] },
  ClinicalImpression: { paths: byEncounter('encounter', 'patient.organization') },
  RiskAssessment: { paths: byEncounter('encounter', 'patient.organization') },
  Specimen: { paths: ['patient.organization'] },
  ImagingStudy: { paths: byEncounter('encounter', 'patient.organization') },
  QuestionnaireResponse: { paths: byEncounter('encounter', ...party('author'), 'patient.organization') },
  Immunization: { paths: ['location.organization', ...party('performer').map((x) => `location:missing=true&${x}`), 'location:missing=true&patient.organization'] },
  Consent: { paths: ['organization', 'organization:missing=true&patient.organization'] },
  // A Flag about a store (a stock alert, supply) also belongs to the store's facility and to the one that supplies it.
  Flag: { paths: byEncounter('encounter', 'author:Organization', 'patient.organization', ...store('subject:Location')) },
  List: { paths: byEncounter('encounter', 'patient.organization', 'subject:Location.organization') },
  Composition: { paths: byEncounter('encounter', ...party('author'), 'patient.organization') },
  DocumentReference: { paths: ['encounter:Encounter.service-provider', 'encounter:Encounter.location.organization', 'custodian', 'encounter:missing=true&custodian:missing=true&patient.organization'] },
  Communication: { paths: ['encounter.service-provider', ...party('sender'), ...party('recipient')] },
  Group: { paths: party('managing-entity') },
  Coverage: { paths: ['patient.organization', 'payor:Organization'] },

  // --- Orders, medication, scheduling, supply.
  // A request belongs to the encounter's facility, to its requester and to whom it asks to act (performer, owner, dispenser, supplier).
  ServiceRequest: { paths: [...byEncounter('encounter', 'patient.organization'), ...party('requester'), ...party('performer')] },
  MedicationRequest: { paths: [...byEncounter('encounter', 'patient.organization'), ...party('requester'), 'intended-dispenser'] },
  // A dispense also belongs to the store it leaves (location: the stock ledger), and to the facility that supplies that store's.
  MedicationDispense: { paths: ['context:Encounter.service-provider', ...party('performer'), 'destination.organization', ...store('location')] },
  MedicationAdministration: { paths: ['context:Encounter.service-provider', 'context:Encounter.location.organization', 'context:missing=true&patient.organization', 'performer:PractitionerRole.organization'] },
  // A Task belongs to its encounter's facility, its owner and requester, and to the facilities of the
  // ServiceRequest it acts on (focus: a referral's Task is seen by both ends even when it names neither).
  Task: {
    paths: [
      ...byEncounter('encounter'), ...party('owner'), ...party('requester'),
      'focus:ServiceRequest.encounter.service-provider', ...party('focus:ServiceRequest.requester'), ...party('focus:ServiceRequest.performer'),
    ],
  },
  // An Appointment belongs to the facility of its place and slots, and to the origin of the referral it is
  // based on (which books it into the destination's schedule once the destination accepted it: referrals).
  Appointment: { paths: ['location.organization', 'slot.schedule.actor:Location.organization', ...party('based-on:ServiceRequest.requester')] },
  Schedule: { paths: ['actor:Location.organization'] },
  Slot: { paths: ['schedule.actor:Location.organization'] },
  SupplyRequest: { paths: [...party('requester'), 'supplier:Organization'] },
  // A delivery belongs to its supplier and receiver and to the stores it enters and leaves (the stock ledger's
  // destination and a transfer's origin, py-origen), and to the facilities that supply them.
  SupplyDelivery: { paths: ['supplier:Organization', 'supplier:PractitionerRole.organization', 'receiver:PractitionerRole.organization', ...store('destination'), ...store('origen')] },
  // Stock adjustments and counts (py-movimiento-stock): the store where they happen. Other Basics have no facility.
  Basic: { paths: store('ubicacion') },
  NutritionOrder: { paths: byEncounter('encounter', 'patient.organization') },
  VisionPrescription: { paths: byEncounter('encounter', 'patient.organization') },
  DeviceRequest: { paths: [...byEncounter('encounter', 'patient.organization'), ...party('requester'), ...party('performer')] },
  DeviceUseStatement: { paths: ['patient.organization'] },

  // --- People around the patient, and the record of what was done.
  RelatedPerson: { paths: ['patient.organization'] },
  Person: { paths: ['organization'] },
  // Where the activity took place, or the organization that acted.
  Provenance: { paths: ['location.organization', ...party('agent')] },

  // --- Financial: the facility that provides or bills, or the Organization that pays (an insurer bound to it).
  Claim: { paths: ['facility.organization', ...party('provider')] },
  ExplanationOfBenefit: { paths: ['facility.organization', ...party('provider')] },
  CoverageEligibilityRequest: { paths: ['facility.organization', ...party('provider')] },
  ClaimResponse: { paths: [...party('requestor'), 'insurer'] },
  CoverageEligibilityResponse: { paths: [...party('requestor'), 'insurer'] },
  PaymentNotice: { paths: party('provider') },
  PaymentReconciliation: { paths: ['payment-issuer', ...party('requestor')] },
  Invoice: { paths: ['issuer'] },
  Account: { paths: ['owner'] },
  ChargeItem: { paths: ['performing-organization', 'requesting-organization', 'context:Encounter.service-provider'] },
};

/**
 * Owner of a Subscription written by a bound requester: meta.tags of this system, `facility:<id>`,
 * `region:<code>`, `subsystem:<code>` (one per binding), set by the server. A bound requester reads and writes
 * the Subscriptions carrying the tags of all its bindings.
 */
export const SUBSCRIPTION_OWNER_TAG_SYSTEM = 'urn:hms-ops:subscription-owner';

/** Subsystem of a resource: a meta.tag of this system (MSPBS, IPS, military, police, private …). */
export const SUBSYSTEM_TAG_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/subsistema';

/** Health region of a facility: the py-region-sanitaria extension of its Organization (PYOrganization). */
export const REGION_SYSTEM = 'https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria';
/**
 * Extension of AuditEvent.agent recording the health region a requester is bound to (valueCoding of
 * REGION_SYSTEM); the facility goes to agent.location. The guide's py-region-sanitaria extension is defined
 * for Organization and Location only, hence a server extension.
 */
export const AGENT_REGION_EXT = 'urn:hms-ops:extension:agent-region';
/** The search parameter of the Paraguay guide over that extension (Organization and Location). */
export const REGION_PARAM = 'region-sanitaria';

/**
 * Catalogue and reference data shared by every facility and subsystem (read and written under scopes only).
 * Every other type without a policy is denied to a facility-, region- or subsystem-bound requester.
 */
export const SHARED_TYPES = new Set([
  'Medication', 'Substance', 'DeviceDefinition',
  'ValueSet', 'CodeSystem', 'ConceptMap', 'NamingSystem', 'StructureDefinition', 'SearchParameter', 'OperationDefinition',
  'Questionnaire', 'PlanDefinition', 'ActivityDefinition', 'Library', 'Measure',
]);

/** The guide's label of protected traditional knowledge (a healer who marks it, and the healer's roles: referrals). */
export const PROTECTED_KNOWLEDGE_LABEL = { system: 'https://fhir.mspbs.gov.py/CodeSystem/py-security-label', code: 'conocimiento-protegido' };

/** Security labels that need a matching permission scope (hms/label.<code>) to be read or written. */
export const PROTECTED_LABELS: { system: string; code: string }[] = [
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' },
  PROTECTED_KNOWLEDGE_LABEL,
];
