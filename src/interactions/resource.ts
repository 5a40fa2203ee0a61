import { randomBytes } from 'node:crypto';
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { isResourceType } from '../fhir/definitions.js';
import { errors, FhirError, outcomeFromIssues } from '../fhir/outcome.js';
import type { StoreTransaction } from '../store/store.js';

/** Shared rules for a resource body: shape, id, type, base R4 validity, and stamping meta. */
export const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * A server-assigned id: a UUID version 7 (RFC 9562: the time in milliseconds, then 74 random bits). Ids made
 * one after another sort one after another, so a new resource's rows go to the end of every index keyed by id
 * (the resource, its history and each search-index table) instead of to a random page of it: large tables
 * take new rows without reading and rewriting pages all over them. The time of creation it shows is in the
 * resource's meta.lastUpdated anyway.
 */
export function newId(): string {
  const b = randomBytes(16);
  const ms = Date.now();
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function assertType(type: string): void {
  if (!isResourceType(type)) throw new FhirError(404, 'not-supported', 'unknownType', [type]);
}

export function assertId(id: string): void {
  if (!ID_RE.test(id)) throw errors.badRequest('invalidId', id);
}

/** The body must be a resource of the URL's type (and, for an update, carry the URL's id). */
export function assertBody(body: unknown, type: string, id?: string): Resource {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('bodyRequired');
  const r = body as Resource;
  if (typeof r.resourceType !== 'string') throw errors.badRequest('notAResource');
  if (r.resourceType !== type) throw errors.badRequest('typeMismatch', r.resourceType, type);
  if (id !== undefined) {
    if (r.id === undefined) throw errors.badRequest('idRequired');
    if (r.id !== id) throw errors.badRequest('idMismatch', String(r.id), id);
  }
  return r;
}

/**
 * Validation a feature adds on top of the base checks (profiles): returns issues already worded in ctx.lang.
 * Issues of severity error or fatal reject the write with 422; others are ignored here. `t` is the write's
 * transaction: database reads during validation must go through it (PGlite has a single connection).
 */
export type ResourceValidator = (resource: Resource, ctx: RequestContext, t?: StoreTransaction) => OperationOutcomeIssue[] | Promise<OperationOutcomeIssue[]>;
const validators: ResourceValidator[] = [];

export function addResourceValidator(v: ResourceValidator): void {
  validators.push(v);
}

/** The base R4 validation of a write: @medplum/core's validateResource; a feature may word its issues (language, element names). */
export type BaseValidation = (resource: Resource, ctx: RequestContext) => OperationOutcomeIssue[];
let baseValidation: BaseValidation = (resource) => {
  try {
    return validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw errors.unprocessable('invalidResource', (err as Error).message);
  }
};

export function setBaseValidation(fn: BaseValidation): void {
  baseValidation = fn;
}

/** Base R4 validation (structure, cardinality, types, invariants with @medplum/core), then registered validators (profiles, bindings: src/validation); 422 with every issue. */
export async function validate(resource: Resource, ctx: RequestContext, t?: StoreTransaction): Promise<void> {
  const issues = baseValidation(resource, ctx).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  for (const v of validators) {
    try {
      issues.push(...(await v(resource, ctx, t)).filter((i) => i.severity === 'error' || i.severity === 'fatal'));
    } catch (err) {
      // A validator may expect the shapes the base definitions describe: on a resource the base check already
      // rejects, its failure adds nothing (the answer is the 422 below, never a 500).
      if (issues.length === 0 || err instanceof FhirError) throw err;
    }
  }
  if (issues.length > 0) throw outcomeFromIssues(422, issues);
}

/** Returns the resource as it will be stored: the given id, and meta.versionId / meta.lastUpdated set. */
export function stamp<T extends Resource>(resource: T, id: string, version: number, lastUpdated: string): T {
  const { resourceType, id: _ignored, meta, ...rest } = resource as Resource & Record<string, unknown>;
  const newMeta = { ...(meta ?? {}), versionId: String(version), lastUpdated };
  return { resourceType, id, meta: newMeta, ...rest } as unknown as T;
}

/** True when two versions differ only in meta.versionId / meta.lastUpdated (an update that changes nothing). */
export function sameContent(a: Resource, b: Resource): boolean {
  const strip = (r: Resource): string => {
    const { meta, ...rest } = r;
    const { versionId: _v, lastUpdated: _l, ...m } = meta ?? {};
    return stableStringify({ ...rest, meta: Object.keys(m).length ? m : undefined });
  };
  return strip(a) === strip(b);
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** If-None-Match on a write: `*`, or a list of entity tags ("W/\"3\", W/\"4\""). */
export function parseIfNoneMatch(value: string): '*' | number[] {
  if (value.trim() === '*') return '*';
  return value.split(',').map((part) => {
    const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(part.trim());
    if (!m) throw errors.badRequest('ifNoneMatchInvalid', value);
    return Number(m[1]);
  });
}

/** Parses "W/\"3\"" or "3" into a version number. */
export function parseEtag(value: string): number {
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value.trim());
  if (!m) throw errors.badRequest('ifMatchInvalid', value);
  return Number(m[1]);
}
