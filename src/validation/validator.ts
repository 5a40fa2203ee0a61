import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { getBaseDefinition, getStructureDefinition } from '../conformance/index.js';
import { formatMessage, type Lang } from '../fhir/messages.js';
import type { CodeValidator } from './bindings.js';
import { localizeBaseIssues } from './base-messages.js';
import { Walker, type Finding } from './walker.js';
import { checkJson } from './json.js';
import type { QuestionnaireLookup } from './questionnaire-response.js';
import './messages.js';

export interface ValidationOptions {
  /** Profiles the resource must conform to; unknown ones are errors (explicitly asked for). */
  required?: string[];
  /** Profiles the resource claims (meta.profile); unknown ones are warnings. */
  claimed?: string[];
  lang: Lang;
  codes: CodeValidator;
  resolve?: (reference: string) => Promise<Resource | undefined>;
  questionnaire?: QuestionnaireLookup;
  /** Only errors matter (a write): skip warning-only checks. */
  errorsOnly?: boolean;
  /** Also run @medplum/core's base validation (the write path runs it already). */
  base?: boolean;
}

/**
 * Validates a resource: the R4 base structure with @medplum/core (optional), then the walker over each
 * profile (or over the base definition when there is none). Returns every issue with its FHIRPath expression,
 * worded in opts.lang.
 */
export async function validateProfiles(resource: Resource, opts: ValidationOptions): Promise<OperationOutcomeIssue[]> {
  const issues: OperationOutcomeIssue[] = opts.base ? localizeBaseIssues(baseIssues(resource), opts.lang) : [];
  const walker = new Walker(resource, { codes: opts.codes, resolve: opts.resolve, questionnaire: opts.questionnaire, errorsOnly: opts.errorsOnly ?? false, lang: opts.lang });
  checkJson(resource, resource.resourceType, walker.report.bind(walker));
  const profiles: StructureDefinition[] = [];
  const seen = new Set<string>();
  const want = [...(opts.required ?? []).map((url) => ({ url, required: true })), ...(opts.claimed ?? []).map((url) => ({ url, required: false }))];
  for (const { url, required } of want) {
    if (seen.has(url.split('|')[0])) continue;
    seen.add(url.split('|')[0]);
    const sd = getStructureDefinition(url);
    if (!sd) walker.report(required ? 'error' : 'warning', 'not-found', required ? 'profileNotFound' : 'unknownProfile', [url], resource.resourceType);
    else if (!sd.snapshot?.element?.length) walker.report(required ? 'error' : 'warning', 'not-supported', 'profileNoSnapshot', [url], resource.resourceType);
    else if (sd.type !== resource.resourceType) walker.report('error', 'invalid', 'profileWrongType', [url, sd.type, resource.resourceType], resource.resourceType);
    else profiles.push(sd);
  }
  if (profiles.length === 0) {
    const base = getBaseDefinition(resource.resourceType);
    if (base) profiles.push(base);
  }
  for (const sd of profiles) {
    try {
      await walker.walkDefinition(sd, resource, resource.resourceType, resource.resourceType);
    } catch (err) {
      // a definition the walker cannot handle: say so (the resource is not accepted unchecked)
      walker.report('error', 'exception', 'walkerFailed', [sd.url, (err as Error).message], resource.resourceType);
    }
  }
  issues.push(...render(dedupe(walker.findings), opts.lang));
  return issues;
}

/** @medplum/core's base validation (structure, base cardinality, primitive formats, base error invariants). */
export function baseIssues(resource: Resource): OperationOutcomeIssue[] {
  let issues: OperationOutcomeIssue[];
  try {
    issues = validateResource(resource);
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) return [{ severity: 'error', code: 'structure', diagnostics: (err as Error).message }];
    issues = err.outcome.issue ?? [];
  }
  return issues;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.severity}|${f.key}|${f.expression}|${f.params.join('|')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function render(findings: Finding[], lang: Lang): OperationOutcomeIssue[] {
  return findings.map((f) => {
    const text = formatMessage(`validation.${f.key}`, f.params, lang);
    return { severity: f.severity, code: f.code, details: { text }, diagnostics: text, expression: [f.expression] };
  });
}
