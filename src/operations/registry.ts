import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { CapabilityStatementRestResourceOperation, OperationOutcomeIssue, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { errors, FhirError, outcomeFromIssues } from '../fhir/outcome.js';
import type { FhirRequest, FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import type { StoreTransaction } from '../store/store.js';

/**
 * FHIR operations ($name): each feature registers its own with defineOperation; dispatch routes
 * `[base]/$name`, `[base]/Type/$name` and `[base]/Type/id/$name` here, and the CapabilityStatement lists
 * exactly what is registered.
 */
export type OperationLevel = 'system' | 'type' | 'instance';

export interface OperationCall {
  level: OperationLevel;
  type?: string;
  id?: string;
  /** Input parameters: the query string for GET, the body's Parameters for POST (query parameters appended). */
  params: Parameters;
  /** The POST body when it is not a Parameters resource (e.g. $validate with a bare resource). */
  resource?: Resource;
  req: FhirRequest;
}

export interface OperationDef {
  /** Without the $. */
  name: string;
  levels: OperationLevel[];
  /** Resource types at type/instance level; '*' for every type. */
  types: string[] | '*';
  /** Canonical URL of the OperationDefinition (listed in the CapabilityStatement). */
  definition: string;
  /** false: also callable with GET (the operation does not change state). */
  affectsState: boolean;
  documentation?: string;
  handler(s: Services, ctx: RequestContext, call: OperationCall, t?: StoreTransaction): Promise<FhirResponse>;
}

const operations = new Map<string, OperationDef[]>();

export function defineOperation(op: OperationDef): void {
  const list = operations.get(op.name) ?? [];
  list.push(op);
  operations.set(op.name, list);
}

export function listOperations(): OperationDef[] {
  return [...operations.values()].flat();
}

/** Operations offered on a resource type (for the CapabilityStatement). */
export function operationsForType(type: string): CapabilityStatementRestResourceOperation[] {
  return listOperations()
    .filter((op) => op.levels.some((l) => l !== 'system') && (op.types === '*' || op.types.includes(type)))
    .map((op) => ({ name: op.name, definition: op.definition, ...(op.documentation ? { documentation: op.documentation } : {}) }));
}

export function systemOperations(): CapabilityStatementRestResourceOperation[] {
  return listOperations()
    .filter((op) => op.levels.includes('system'))
    .map((op) => ({ name: op.name, definition: op.definition, ...(op.documentation ? { documentation: op.documentation } : {}) }));
}

function find(name: string, level: OperationLevel, type?: string): OperationDef | undefined {
  return operations.get(name)?.find((op) => op.levels.includes(level) && (level === 'system' || op.types === '*' || (type !== undefined && op.types.includes(type))));
}

/** Runs the operation named by path segment `$name` at the given level; 404 when none is registered. */
export async function invokeOperation(
  s: Services,
  ctx: RequestContext,
  req: FhirRequest,
  segment: string,
  level: OperationLevel,
  type: string | undefined,
  id: string | undefined,
  t?: StoreTransaction,
): Promise<FhirResponse> {
  const name = segment.slice(1);
  const op = find(name, level, type);
  if (!op) throw new FhirError(404, 'not-supported', 'unknownOperation', [segment, [type, id].filter(Boolean).join('/') || '(system)']);
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (method !== 'POST' && (method !== 'GET' || op.affectsState)) throw new FhirError(405, 'not-supported', 'methodNotAllowed', [req.method, '/' + req.path]);
  const params: Parameters = { resourceType: 'Parameters', parameter: [] };
  let resource: Resource | undefined;
  const body = req.body as Resource | undefined;
  if (method === 'POST' && body !== undefined) {
    if (typeof body !== 'object' || Array.isArray(body) || typeof (body as Resource).resourceType !== 'string') throw errors.badRequest('notAResource');
    if (body.resourceType === 'Parameters') {
      checkParameters(body as Parameters);
      params.parameter = [...((body as Parameters).parameter ?? [])];
    }
    else resource = body;
  }
  for (const [k, v] of req.query) {
    if (k.startsWith('_') && (k === '_format' || k === '_pretty')) continue;
    params.parameter!.push({ name: k, valueString: v });
  }
  return op.handler(s, ctx, { level, type, id, params, resource, req }, t);
}

/**
 * A posted Parameters must be valid R4 (value[x] types, one of value, resource or part) before any operation
 * reads it: 400 with every issue otherwise. A parameter's `resource` is the operation's to judge (`$validate`
 * answers for an invalid one), so it is checked here as a placeholder only.
 */
function checkParameters(p: Parameters): void {
  const shape = (list: ParametersParameter[]): ParametersParameter[] =>
    list.map((x) => ({ ...x, ...(x.resource ? { resource: { resourceType: 'Basic', code: { text: 'resource' } } as Resource } : {}), ...(Array.isArray(x.part) ? { part: shape(x.part) } : {}) }));
  assertValidInput({ ...p, parameter: shape(p.parameter ?? []) } as Parameters);
}

/** A resource an operation is given must be valid R4 (as a stored one is) before it is read: 400 with every issue otherwise. */
export function assertValidInput(r: Resource): void {
  let issues: OperationOutcomeIssue[];
  try {
    issues = validateResource(r).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  } catch (err) {
    issues = err instanceof OperationOutcomeError ? (err.outcome.issue ?? []) : [{ severity: 'error', code: 'invalid', diagnostics: (err as Error).message }];
  }
  if (issues.length) throw outcomeFromIssues(400, issues);
}

/** Helpers for handlers reading Parameters. */
export function paramValue(params: Parameters, name: string): unknown {
  const p = params.parameter?.find((x) => x.name === name);
  if (!p) return undefined;
  if (p.resource) return p.resource;
  for (const [k, v] of Object.entries(p)) if (k.startsWith('value')) return v;
  return p.part ?? undefined;
}

export function paramString(params: Parameters, name: string): string | undefined {
  const v = paramValue(params, name);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw errors.badRequest('invalidParam', name, JSON.stringify(v));
}

/**
 * Every value of a repeating parameter: one per part (a reference's `reference`, a Coding as `system|code`, a
 * primitive as text), and the comma-separated values of a query parameter; 400 for any other type.
 */
export function paramValues(params: Parameters, name: string): string[] {
  const out: string[] = [];
  for (const p of params.parameter ?? []) {
    if (p.name !== name) continue;
    const v: unknown = p.valueReference?.reference ?? (p.valueCoding ? `${p.valueCoding.system}|${p.valueCoding.code}` : paramValue({ resourceType: 'Parameters', parameter: [p] }, name));
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw errors.badRequest('invalidParam', name, JSON.stringify(v));
    out.push(...String(v).split(',').filter((x) => x !== ''));
  }
  return out;
}

