import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { formatMessage, type Lang, type MessageKey } from './messages.js';

export type IssueCode = OperationOutcomeIssue['code'];

/** A FHIR error: an HTTP status plus the OperationOutcome issues to answer with (texts rendered per language). */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    readonly key: MessageKey,
    readonly params: readonly (string | number)[] = [],
    readonly extraIssues: OperationOutcomeIssue[] = [],
    readonly expression?: string[],
  ) {
    super(formatMessage(key, params, 'en'));
  }

  toOutcome(lang: Lang): OperationOutcome {
    return {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: this.code, diagnostics: formatMessage(this.key, this.params, lang), ...(this.expression ? { expression: this.expression } : {}) },
        ...this.extraIssues,
      ],
    };
  }
}

export const errors = {
  badRequest: (key: MessageKey, ...params: (string | number)[]) => new FhirError(400, 'invalid', key, params),
  notFound: (key: MessageKey, ...params: (string | number)[]) => new FhirError(404, 'not-found', key, params),
  gone: (ref: string) => new FhirError(410, 'deleted', 'gone', [ref]),
  conflict: (key: MessageKey, ...params: (string | number)[]) => new FhirError(409, 'conflict', key, params),
  preconditionFailed: (key: MessageKey, ...params: (string | number)[]) => new FhirError(412, 'conflict', key, params),
  unprocessable: (key: MessageKey, ...params: (string | number)[]) => new FhirError(422, 'processing', key, params),
};

export function informational(key: MessageKey, params: (string | number)[], lang: Lang): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics: formatMessage(key, params, lang) }],
  };
}

export function outcomeFromIssues(status: number, issues: OperationOutcomeIssue[]): FhirError {
  const first = issues[0];
  return new FhirError(status, first?.code ?? 'invalid', 'invalidResource', [first?.diagnostics ?? first?.details?.text ?? 'invalid'], issues.slice(1), first?.expression);
}
