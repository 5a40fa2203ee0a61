import type { Lang } from '../fhir/messages.js';
import type { Located } from './slicing.js';
import type { Walker } from './walker.js';

/**
 * Terminology bindings. The validator asks a CodeValidator whether a code is in a ValueSet; `known: false`
 * means the server cannot tell (ValueSet or CodeSystem not held, filters it cannot expand): then a required
 * binding gives a warning, never a false "valid" or "invalid".
 */
export interface CodeCheck {
  valueSet: string;
  system?: string;
  code: string;
  display?: string;
  lang?: Lang;
}
export type CodeValidator = (args: CodeCheck) => Promise<{ result: boolean; known: boolean; message?: string }>;

type Strength = 'required' | 'extensible' | 'preferred' | 'example' | undefined;

/** Codings carried by a value of a bindable type (code, Coding, CodeableConcept, Quantity, string, uri). */
function codings(v: Located): { system?: string; code: string; display?: string }[] | undefined {
  const val = v.value;
  switch (v.type) {
    case 'code':
    case 'string':
    case 'uri':
    case 'canonical':
      return typeof val === 'string' ? [{ code: val }] : [];
    case 'Coding':
    case 'Quantity': {
      const c = val as { system?: string; code?: string; display?: string };
      return typeof c?.code === 'string' ? [{ system: c.system, code: c.code, display: c.display }] : [];
    }
    case 'CodeableConcept': {
      const cc = val as { coding?: { system?: string; code?: string; display?: string }[] };
      return (cc?.coding ?? []).filter((c) => typeof c.code === 'string').map((c) => ({ system: c.system, code: c.code as string, display: c.display }));
    }
    default:
      return undefined;
  }
}

export async function checkBinding(w: Walker, strength: Strength, valueSet: string, v: Located): Promise<void> {
  const list = codings(v);
  if (!list) return;
  const required = strength === 'required';
  if (!required && w.opts.errorsOnly) return;
  if (list.length === 0) {
    if (required && v.type === 'CodeableConcept') w.report('error', 'code-invalid', 'noCode', [valueSet], v.path);
    return;
  }
  let anyKnown = false;
  let message: string | undefined;
  for (const c of list) {
    const r = await w.codes({ valueSet, ...c, lang: w.opts.lang });
    if (r.result) return;
    if (r.known) anyKnown = true;
    else message ??= r.message;
  }
  const shown = list.map((c) => (c.system ? `${c.system}#${c.code}` : c.code)).join(', ');
  if (anyKnown) w.report(required ? 'error' : 'warning', 'code-invalid', 'notInValueSet', [shown, strength ?? '', valueSet], v.path);
  else if (required) w.report('warning', 'not-supported', 'bindingUnchecked', [shown, valueSet, message ?? 'unknown value set'], v.path);
}
