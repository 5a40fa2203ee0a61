import type { AuditEvent, Organization, Reference } from '@medplum/fhirtypes';
import { BUNDLE_SID, EVENT_SYSTEM } from './input.js';

/**
 * The AuditEvent of one exchange (accepted or refused): type DICOM 110107 Import, action C, the partner as the
 * requesting agent (its Organization when known, else the address it claimed), the message by its identifier
 * as the entity, and what was imported (the Task, the Patient) when accepted. Outcome 0 (success) or 4 (the
 * message was refused: a 4xx), with the reason.
 */
export interface ExchangeAudit {
  identifier?: string;
  event?: string;
  source?: string;
  partner?: Organization;
  outcome: 'accepted' | 'refused';
  /** Why it was refused, or what was imported. */
  description: string;
  imported?: Reference[];
}

export function auditEvent(a: ExchangeAudit, now = new Date()): AuditEvent {
  const who: Reference<Organization> = a.partner?.id ? { reference: `Organization/${a.partner.id}`, ...(a.partner.name ? { display: a.partner.name } : {}) } : { display: (a.source ?? 'unknown sender').slice(0, 500) };
  return {
    resourceType: 'AuditEvent',
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110107', display: 'Import' },
    ...(a.event ? { subtype: [{ system: EVENT_SYSTEM, code: a.event }] } : {}),
    action: 'C',
    recorded: now.toISOString(),
    outcome: a.outcome === 'accepted' ? '0' : '4',
    outcomeDesc: a.description.slice(0, 1000),
    agent: [
      {
        type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110153', display: 'Source Role ID' }] },
        who,
        requestor: true,
        ...(a.source ? { network: { address: a.source.slice(0, 500), type: '5' as const } } : {}),
      },
    ],
    source: { observer: { display: 'HMS-OPS' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }] },
    entity: [
      ...(a.identifier ? [{ what: { identifier: { system: BUNDLE_SID, value: a.identifier.slice(0, 200) } }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' }, name: 'message' }] : []),
      ...(a.imported ?? []).map((what) => ({ what, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } })),
    ],
  };
}
