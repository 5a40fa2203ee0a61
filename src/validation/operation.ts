import type { OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import { errors, FhirError } from '../fhir/outcome.js';
import { defineOperation, paramString, paramValue } from '../operations/registry.js';
import type { Services } from '../rest/services.js';
import { getStructureDefinition } from '../conformance/index.js';
import type { ProfileValidator } from './policy.js';
import { formatMessage } from '../fhir/messages.js';

/**
 * `$validate` (http://hl7.org/fhir/OperationDefinition/Resource-validate) at type and instance level.
 * Inputs: `resource` (or a bare resource as the body), `mode` (create | update | delete), `profile`.
 * Answers 200 with an OperationOutcome listing every issue (or one information issue when all is well);
 * a 4xx means the validation itself could not be done (unknown profile, missing resource, wrong type).
 */
export function registerValidateOperation(validator: ProfileValidator): void {
  defineOperation({
    name: 'validate',
    levels: ['type', 'instance'],
    types: '*',
    definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
    affectsState: false,
    documentation: 'Validates a resource against the R4 base definitions, its meta.profile claims, the profile parameter and the REQUIRED_PROFILES of its type.',
    async handler(s, ctx, call) {
      const type = call.type as string;
      const mode = paramString(call.params, 'mode');
      if (mode !== undefined && !['create', 'update', 'delete'].includes(mode)) throw new FhirError(400, 'invalid', 'validation.invalidMode', [mode]);
      if ((mode === 'update' || mode === 'delete') && call.level !== 'instance') throw new FhirError(400, 'invalid', 'validation.modeNeedsId', [mode]);
      const profile = paramString(call.params, 'profile');
      if (profile !== undefined && !getStructureDefinition(profile)) throw new FhirError(400, 'not-found', 'validation.profileNotFound', [profile]);
      const given = call.resource ?? (paramValue(call.params, 'resource') as Resource | undefined);
      if (mode === 'delete') return ok(await deleteIssues(s, ctx, type, call.id as string), ctx);
      const resource = given ?? (call.level === 'instance' ? await stored(s, ctx, type, call.id as string) : undefined);
      if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') throw new FhirError(400, 'required', 'validation.resourceRequired');
      if (resource.resourceType !== type) throw errors.badRequest('typeMismatch', resource.resourceType, type);
      const issues: OperationOutcomeIssue[] = [];
      if (mode === 'update' && resource.id !== call.id) {
        issues.push({ severity: 'error', code: 'invalid', diagnostics: formatMessage(resource.id === undefined ? 'idRequired' : 'idMismatch', [String(resource.id), String(call.id)], ctx.lang), expression: [`${type}.id`] });
      }
      issues.push(...(await validator.validate(resource, ctx, { profile, base: true, errorsOnly: false })));
      return ok(issues, ctx);
    },
  });
}

async function stored(s: Services, ctx: RequestContext, type: string, id: string): Promise<Resource> {
  const r = await s.store.read(ctx, type, id);
  if (!r || r.deleted || !r.content) throw r?.deleted ? errors.gone(`${type}/${id}`) : errors.notFound('notFound', `${type}/${id}`);
  return JSON.parse(r.content) as Resource;
}

/** mode=delete: the server allows deleting any existing resource (no referential-integrity rule blocks it). */
async function deleteIssues(s: Services, ctx: RequestContext, type: string, id: string): Promise<OperationOutcomeIssue[]> {
  await stored(s, ctx, type, id);
  return [];
}

function ok(issues: OperationOutcomeIssue[], ctx: RequestContext): { status: number; headers: Record<string, string>; body: OperationOutcome } {
  const body: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: issues.length ? issues : [{ severity: 'information', code: 'informational', diagnostics: formatMessage('validation.allOk', [], ctx.lang) }],
  };
  return { status: 200, headers: {}, body };
}
