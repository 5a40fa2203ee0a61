import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { definitionsGeneration, getIndexedParams, getResourceTypes } from '../../fhir/definitions.js';
import { operationsForType, systemOperations } from '../../operations/registry.js';
import { MODIFIERS } from '../../search/parse.js';
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
    searchInclude: ['*', ...getIndexedParams(type).filter((p) => p.type === 'reference').map((p) => `${type}:${p.code}`)],
    searchRevInclude: ['*'],
    interaction: ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'].map((code) => ({
      code: code as 'read',
    })),
    ...(operationsForType(type).length ? { operation: operationsForType(type) } : {}),
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
      { name: '_text', type: 'string', documentation: 'Every word must occur in the narrative (case-insensitive).' },
      { name: '_content', type: 'string', documentation: 'Every word must occur in the resource (case-insensitive).' },
      { name: '_list', type: 'token', documentation: 'Resources that are items of the List with this id.' },
      ...getIndexedParams(type)
        .filter((p) => p.code !== '_id' && p.code !== '_lastUpdated')
        .map((p) => ({
          name: p.code,
          type: p.type as 'token',
          ...(p.definition.url ? { definition: p.definition.url } : {}),
          documentation: `Modifiers: ${(MODIFIERS[p.type] ?? []).map((m) => ':' + m).join(', ') || 'none'}${p.type === 'special' ? ' (near: latitude|longitude|distance|km)' : ''}`,
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
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }, { code: 'search-system' }],
        searchParam: [
          { name: '_type', type: 'token', documentation: 'Resource types searched at system level; parameters must exist on every type listed.' },
          { name: '_id', type: 'token' },
          { name: '_lastUpdated', type: 'date' },
        ],
        ...(systemOperations().length ? { operation: systemOperations() } : {}),
        documentation: 'Results: _sort (several keys, - for descending), _count, _total (none, estimate, accurate), _summary, _elements, _include/_revinclude (:iterate, *). Paging by keyset links (_cursor). _contained is not supported.',
      },
    ],
  };
  for (const f of s.features) f.capability?.(cs, ctx, s);
  cached = { base: ctx.baseUrl, generation: definitionsGeneration(), cs };
  return cs;
}
