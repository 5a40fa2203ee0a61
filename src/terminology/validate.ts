import type { Coding, ValueSet } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import { formatMessage, type Lang } from '../fhir/messages.js';
import { allDisplays, type CodeSystemIndex, displayIn, getConcept } from './codesystem.js';
import { type Computed, computeByUrl, findCodeSystem } from './expand.js';
import { preferredSystem } from './sources.js';

/**
 * Code validation against a ValueSet or a CodeSystem. `known` is false when the answer depends on something
 * the server does not hold (the ValueSet, or a code system such as SNOMED CT or LOINC): then `result` is false
 * and the message says the code could not be checked, never that it is invalid.
 */
export interface CodeVerdict {
  result: boolean;
  known: boolean;
  message?: string;
  /** 'error' when invalid, 'warning' for a valid code with a remark (wrong display, inactive), 'information' for "not known here". */
  severity?: 'error' | 'warning' | 'information';
  display?: string;
  system?: string;
  code?: string;
  version?: string;
  inactive?: boolean;
  /** Code systems whose absence made the verdict unknown. */
  unknownSystems?: string[];
}

const t = (key: string, params: (string | number)[], lang: Lang): string => formatMessage(`terminology.${key}`, params, lang);

/** A code system the server does not hold: it can say nothing about the code. */
function notHeld(coding: Coding, lang: Lang): CodeVerdict {
  return {
    result: false,
    known: false,
    severity: 'information',
    message: t('systemNotHeld', [coding.system ?? '', coding.code ?? ''], lang),
    system: coding.system,
    code: coding.code,
    unknownSystems: coding.system ? [coding.system] : [],
  };
}

function checkDisplay(v: CodeVerdict, given: string | undefined, concept: { display?: string; designation?: { value?: string }[] }, lang: Lang): CodeVerdict {
  if (!given || !v.result) return v;
  const texts = allDisplays(concept as { display?: string });
  if (texts.length === 0 || texts.some((x) => x.trim().toLowerCase() === given.trim().toLowerCase())) return v;
  return { ...v, severity: 'warning', message: t('wrongDisplay', [given, v.code ?? '', texts.map((x) => `"${x}"`).join(', ')], lang) };
}

/** Validates one coding against a held code system (or says it is not held). */
export async function validateInCodeSystem(q: Queryable, coding: Coding, opts: { displayLanguage?: string; lang: Lang; version?: string }): Promise<CodeVerdict> {
  const system = coding.system ? preferredSystem(coding.system) : undefined;
  if (!system || !coding.code) return { result: false, known: true, severity: 'error', message: t('codeRequired', [], opts.lang) };
  const cs = await findCodeSystem(q, system, opts.version ?? coding.version);
  if (!cs) return notHeld({ ...coding, system }, opts.lang);
  return validateCodeInIndex(cs, { ...coding, system }, opts);
}

export function validateCodeInIndex(cs: CodeSystemIndex, coding: Coding, opts: { displayLanguage?: string; lang: Lang }): CodeVerdict {
  const concept = getConcept(cs, coding.code as string);
  if (!concept) {
    if (!cs.complete) return { ...notHeld(coding, opts.lang), message: t('fragmentNotHeld', [coding.code ?? '', cs.url], opts.lang) };
    return { result: false, known: true, severity: 'error', message: t('unknownCode', [coding.code ?? '', cs.url], opts.lang), system: cs.url, code: coding.code };
  }
  const v: CodeVerdict = {
    result: true,
    known: true,
    system: cs.url,
    code: concept.code,
    version: cs.version,
    display: displayIn(cs, concept, opts.displayLanguage),
    ...(concept.inactive ? { inactive: true, severity: 'warning' as const, message: t('inactive', [concept.code, cs.url], opts.lang) } : {}),
  };
  return checkDisplay(v, coding.display, concept, opts.lang);
}

/** Validates one coding against a computed ValueSet expansion. */
export async function validateInValueSet(q: Queryable, vs: ValueSet, computed: Computed, coding: Coding, opts: { displayLanguage?: string; lang: Lang }): Promise<CodeVerdict> {
  const label = vs.url ?? vs.id ?? '(posted)';
  if (!coding.code) return { result: false, known: true, severity: 'error', message: t('codeRequired', [], opts.lang) };
  const system = coding.system ? preferredSystem(coding.system) : undefined;
  const direct = system ? computed.byKey.get(`${system}|${coding.code}`) : undefined;
  const matches = direct ? [direct] : system ? [] : computed.items.filter((i) => i.code === coding.code);
  const folded = matches.length ? matches : computed.items.filter((i) => i.cs?.folded && i.code.toLowerCase() === (coding.code as string).toLowerCase() && (!system || i.system === system));
  if (folded.length === 1 || (folded.length > 1 && system)) {
    const item = folded[0];
    if (item.cs) {
      const v = validateCodeInIndex(item.cs, { ...coding, system: item.system }, opts);
      return { ...v, display: displayIn(item.cs, item, opts.displayLanguage) ?? v.display, ...(v.result ? {} : { message: v.message }) };
    }
    const v: CodeVerdict = { result: true, known: true, system: item.system, code: item.code, display: item.display };
    return checkDisplay(v, coding.display, item, opts.lang);
  }
  if (folded.length > 1) return { result: false, known: true, severity: 'error', message: t('ambiguous', [coding.code, label], opts.lang) };
  const missingVs = [...computed.missingValueSets];
  if (missingVs.length) return { result: false, known: false, severity: 'information', message: t('valueSetNotHeld', [missingVs.join(', ')], opts.lang), code: coding.code, system };
  if (system && computed.unknownSystems.has(system)) return notHeld({ ...coding, system }, opts.lang);
  if (!system && computed.unknownSystems.size) {
    return { result: false, known: false, severity: 'information', message: t('systemNotHeld', [[...computed.unknownSystems].join(', '), coding.code], opts.lang), code: coding.code, unknownSystems: [...computed.unknownSystems] };
  }
  // Not in the value set: say why when the code is not even in its code system.
  if (system) {
    const cs = await findCodeSystem(q, system, coding.version);
    if (cs && cs.complete && !getConcept(cs, coding.code)) {
      return { result: false, known: true, severity: 'error', system, code: coding.code, message: `${t('unknownCode', [coding.code, system], opts.lang)}; ${t('notInValueSet', [`${system}#${coding.code}`, label], opts.lang)}` };
    }
  }
  return { result: false, known: true, severity: 'error', system, code: coding.code, message: t('notInValueSet', [`${system ?? ''}#${coding.code}`, label], opts.lang) };
}

/** The agreed interface for the validator: a code against a ValueSet by canonical URL. */
export async function validateCode(
  q: Queryable,
  args: { valueSet: string; system?: string; code: string; display?: string; lang?: Lang; displayLanguage?: string },
): Promise<{ result: boolean; known: boolean; message?: string; display?: string }> {
  const lang = args.lang ?? 'en';
  const found = await computeByUrl(q, args.valueSet);
  if (!found) return { result: false, known: false, message: t('valueSetNotHeld', [args.valueSet], lang) };
  const v = await validateInValueSet(q, found.vs, found.computed, { system: args.system, code: args.code, display: args.display }, { lang, displayLanguage: args.displayLanguage });
  return { result: v.result, known: v.known, ...(v.message ? { message: v.message } : {}), ...(v.display ? { display: v.display } : {}) };
}

