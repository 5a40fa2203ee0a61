import type { Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { QRS_2 } from './invariants.js';
import type { Report } from './json.js';

/**
 * A QuestionnaireResponse against the Questionnaire it answers (R4 questionnaireresponse.html, "Questionnaire
 * and QuestionnaireResponse"), when `questionnaire` names one the server holds (contained, stored, by canonical):
 * - every item's linkId is an item of the Questionnaire at that place in the tree (the children of a group or of
 *   a question, answered below the item or below its answers);
 * - a display or group item has no answer; an item that does not repeat has at most one;
 * - an answer's value[x] is of the type the item's type takes (boolean → valueBoolean, string and text →
 *   valueString, url → valueUri, choice → valueCoding or the type of its answerOptions, open-choice also
 *   valueString, …), and a choice answer is one of the item's answerOptions when it lists them;
 * - in a `completed` response every `required` item the Questionnaire always asks (no enableWhen) is answered.
 * A questionnaire the server does not hold is a warning: the response is checked against its base definition only.
 * The invariant qrs-2, which the base definitions read here leave out (invariants.ts), is checked on every response.
 */
export type QuestionnaireLookup = (canonical: string) => Promise<Questionnaire | undefined>;

const ANSWER_TYPES: Record<string, string[]> = {
  boolean: ['boolean'],
  decimal: ['decimal'],
  integer: ['integer'],
  date: ['date'],
  dateTime: ['dateTime'],
  time: ['time'],
  string: ['string'],
  text: ['string'],
  url: ['uri'],
  choice: ['Coding'],
  'open-choice': ['Coding', 'string'],
  attachment: ['Attachment'],
  reference: ['Reference'],
  quantity: ['Quantity'],
};

interface ResponseItem {
  linkId?: unknown;
  answer?: unknown;
  item?: unknown;
}

export async function checkQuestionnaireResponse(value: unknown, path: string, report: Report, lookup?: QuestionnaireLookup): Promise<void> {
  const qr = (value ?? {}) as { questionnaire?: unknown; status?: unknown; item?: unknown; contained?: unknown };
  if (!QRS_2.holds(qr)) report('error', 'invariant', 'constraint', [QRS_2.key, QRS_2.human], path);
  if (typeof qr.questionnaire !== 'string') return;
  const canonical = qr.questionnaire;
  let q: Questionnaire | undefined;
  if (canonical.startsWith('#')) {
    q = (Array.isArray(qr.contained) ? qr.contained : []).find((r: { resourceType?: unknown; id?: unknown }) => r?.resourceType === 'Questionnaire' && r.id === canonical.slice(1)) as Questionnaire | undefined;
  } else q = await lookup?.(canonical).catch(() => undefined);
  if (!q) {
    report('warning', 'not-found', 'questionnaireNotFound', [canonical], `${path}.questionnaire`);
    return;
  }
  items(list(qr.item), q.item ?? [], path, qr.status === 'completed', canonical, report);
}

function list(x: unknown): ResponseItem[] {
  return Array.isArray(x) ? (x.filter((i) => i && typeof i === 'object') as ResponseItem[]) : [];
}

/** The response items below one place of the tree against the Questionnaire items defined there. */
function items(given: ResponseItem[], defined: QuestionnaireItem[], at: string, completed: boolean, canonical: string, report: Report): void {
  const byLinkId = new Map(defined.map((d) => [d.linkId, d]));
  given.forEach((item, i) => {
    const p = `${at}.item[${i}]`;
    const def = typeof item.linkId === 'string' ? byLinkId.get(item.linkId) : undefined;
    if (!def) {
      if (typeof item.linkId === 'string') report('error', 'structure', 'qrItemUnknown', [item.linkId, canonical], `${p}.linkId`);
      return;
    }
    const answers = list(item.answer);
    if (answers.length && (def.type === 'display' || def.type === 'group')) report('error', 'structure', 'qrAnswerNotAllowed', [def.linkId, def.type], `${p}.answer`);
    else if (answers.length > 1 && !def.repeats) report('error', 'structure', 'qrAnswerRepeats', [def.linkId, answers.length], `${p}.answer`);
    answers.forEach((a, j) => {
      answer(a as Record<string, unknown>, def, `${p}.answer[${j}]`, report);
      items(list(a.item), def.item ?? [], `${p}.answer[${j}]`, completed, canonical, report);
    });
    items(list(item.item), def.item ?? [], p, completed, canonical, report);
  });
  if (!completed) return;
  for (const d of defined) {
    if (!d.required || d.enableWhen?.length || d.type === 'display') continue;
    const found = given.filter((g) => g.linkId === d.linkId);
    const answered = d.type === 'group' ? found.length > 0 : found.some((g) => list(g.answer).length > 0);
    if (!answered) report('error', 'required', 'qrRequired', [d.linkId], at);
  }
}

function answer(a: Record<string, unknown>, def: QuestionnaireItem, p: string, report: Report): void {
  const key = Object.keys(a).find((k) => k.length > 5 && k.startsWith('value') && k.charCodeAt(5) >= 65 && k.charCodeAt(5) <= 90);
  if (!key) return;
  const suffix = key.slice(5);
  const type = COMPLEX.has(suffix) ? suffix : suffix[0].toLowerCase() + suffix.slice(1);
  const options = def.answerOption ?? [];
  const optionTypes = options.map((o) => optionType(o as Record<string, unknown>)).filter((t): t is string => !!t);
  const base = ANSWER_TYPES[def.type];
  if (!base) return;
  const allowed = def.type === 'choice' || def.type === 'open-choice' ? [...new Set([...base, ...optionTypes])] : base;
  if (!allowed.includes(type)) {
    report('error', 'structure', 'qrAnswerType', [def.linkId, def.type, key, allowed.map(valueName).join(', ')], `${p}.value.ofType(${type})`);
    return;
  }
  // a choice answer is one of the options; an open-choice one may also be free text (valueString), or a Coding outside them
  if (def.type !== 'choice' || options.length === 0) return;
  const v = a[key];
  const listed = options.some((o) => {
    const ok = Object.keys(o).find((k) => k.startsWith('value'));
    if (!ok || ok !== key) return false;
    const ov = (o as Record<string, unknown>)[ok];
    if (type === 'Coding') {
      const x = v as { system?: unknown; code?: unknown };
      const y = ov as { system?: unknown; code?: unknown };
      return x?.code === y?.code && (x?.system === y?.system || x?.system === undefined || y?.system === undefined);
    }
    if (type === 'Reference') return (v as { reference?: unknown })?.reference === (ov as { reference?: unknown })?.reference;
    return v === ov;
  });
  if (!listed) report('error', 'value', 'qrAnswerOption', [def.linkId, describe(v)], `${p}.value.ofType(${type})`);
}

const COMPLEX = new Set(['Coding', 'Attachment', 'Reference', 'Quantity']);

function optionType(o: Record<string, unknown>): string | undefined {
  const k = Object.keys(o).find((x) => x.startsWith('value') && x.length > 5);
  if (!k) return undefined;
  const s = k.slice(5);
  return COMPLEX.has(s) ? s : s[0].toLowerCase() + s.slice(1);
}

function valueName(type: string): string {
  return `value${type[0].toUpperCase()}${type.slice(1)}`;
}

function describe(v: unknown): string {
  if (v && typeof v === 'object') {
    const c = v as { system?: unknown; code?: unknown; reference?: unknown };
    if (c.code !== undefined) return `${typeof c.system === 'string' ? c.system : ''}#${String(c.code)}`;
    if (c.reference !== undefined) return String(c.reference);
    return JSON.stringify(v);
  }
  return String(v);
}
