import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { definitionsGeneration, getIndexedParams, getResourceTypes } from '../../fhir/definitions.js';
import { SUPPORTED_MODIFIERS, supportedParam } from '../../search/query.js';
import type { Services } from '../services.js';

/**
 * The CapabilityStatement, generated from what the server really implements: the interactions dispatch
 * routes, and for search exactly the parameters the query engine accepts (supportedParam), with the
 * modifiers it implements.
 */
let cached: { base: string; generation: number; cs: CapabilityStatement } | undefined;

export function capabilityStatement(s: Services, ctx: RequestContext): CapabilityStatement {
  if (cached?.base === ctx.baseUrl && cached.generation === definitionsGeneration()) return cached.cs;
  const resource: CapabilityStatementRestResource[] = getResourceTypes().map((type) => ({
    type: type as CapabilityStatementRestResource['type'],
    interaction: ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'].map((code) => ({
      code: code as 'read',
    })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalRead: 'not-supported',
    conditionalUpdate: true,
    conditionalDelete: 'single',
    referencePolicy: ['literal', 'local', 'enforced'],
    searchParam: [
      { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
      { name: '_lastUpdated', type: 'date', definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated' },
      ...getIndexedParams(type)
        .filter((p) => p.code !== '_id' && p.code !== '_lastUpdated' && supportedParam(type, p.code))
        .map((p) => ({
          name: p.code,
          type: p.type as 'token',
          ...(p.definition.url ? { definition: p.definition.url } : {}),
          documentation: `Modifiers: ${(SUPPORTED_MODIFIERS[p.type] ?? []).map((m) => ':' + m).join(', ') || 'none'}`,
        })),
    ],
  }));
  const cs: CapabilityStatement = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'HMS-OPS',
    kind: 'instance',
    software: { name: 'HMS-OPS', version: '0.1.0' },
    implementation: { description: 'HMS-OPS FHIR R4 operations server', url: ctx.baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
      },
    ],
  };
  cached = { base: ctx.baseUrl, generation: definitionsGeneration(), cs };
  void s;
  return cs;
}
