import type { ConceptMap, DetectedIssue } from '@medplum/fhirtypes';
import { systemContext } from '../context.js';
import type { Queryable } from '../db/database.js';
import { FhirError } from '../fhir/outcome.js';
import { update } from '../interactions/write.js';
import type { Services } from '../rest/services.js';
import { find } from '../terminology/sources.js';
import './care-plans-messages.js';

/**
 * The rule table of therapeutic conflicts (the guide's ConceptMap py-conflictos-terapeuticos): each element
 * `code` → `target.code` with equivalence `disjoint` is a pair of treatments that must not be combined in one
 * care plan (either way round); `target.comment` says why; `target.product` gives the DetectedIssue's severity
 * (property …DetectedIssue#DetectedIssue.severity: high, moderate, low; moderate when absent) and code
 * (property …DetectedIssue#DetectedIssue.code, v3 ActCode; DRG when absent). Other equivalences are not rules.
 */
export const RULES_ID = 'py-conflictos-terapeuticos';
export const RULES_URL = `https://fhir.mspbs.gov.py/ConceptMap/${RULES_ID}`;
/** Most rules one table may hold (a write of a larger one is a 422). */
export const MAX_RULES = 5000;

const SEVERITY_PROPERTY = 'http://hl7.org/fhir/StructureDefinition/DetectedIssue#DetectedIssue.severity';
const CODE_PROPERTY = 'http://hl7.org/fhir/StructureDefinition/DetectedIssue#DetectedIssue.code';
const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const SEVERITIES = new Set(['high', 'moderate', 'low']);

export interface ConflictRule {
  severity: NonNullable<DetectedIssue['severity']>;
  /** DetectedIssue.code (v3 ActCode). */
  kind: { system: string; code: string };
  reason: string;
}

/** `system|code` → `system|code` → rule, both ways round. */
export type RuleIndex = Map<string, Map<string, ConflictRule>>;

/**
 * The rules of a table. strict (a write of the table): a group without its code systems, a bad severity or
 * more than MAX_RULES rules is a 422; otherwise (reading it for a plan) what is unusable is skipped.
 */
export function compileRules(cm: ConceptMap | undefined, strict: boolean): RuleIndex {
  const index: RuleIndex = new Map();
  const add = (a: string, b: string, rule: ConflictRule): void => {
    let m = index.get(a);
    if (!m) index.set(a, (m = new Map()));
    if (!m.has(b)) m.set(b, rule);
  };
  let count = 0;
  (Array.isArray(cm?.group) ? cm.group : []).forEach((group, g) => {
    const elements = Array.isArray(group?.element) ? group.element : [];
    if (!group?.source || !group.target) {
      if (strict && elements.length > 0) throw new FhirError(422, 'business-rule', 'referrals.carePlanRuleNoSystem', [RULES_URL, g + 1]);
      return;
    }
    for (const element of elements) {
      for (const target of Array.isArray(element?.target) ? element.target : []) {
        if (!element.code || !target?.code || target.equivalence !== 'disjoint') continue;
        const a = `${group.source}|${element.code}`;
        const b = `${group.target}|${target.code}`;
        const products = Array.isArray(target.product) ? target.product : [];
        const severity = products.find((p) => p?.property === SEVERITY_PROPERTY)?.value ?? 'moderate';
        if (!SEVERITIES.has(severity)) {
          if (strict) throw new FhirError(422, 'business-rule', 'referrals.carePlanRuleBadSeverity', [RULES_URL, a, b, severity]);
          continue;
        }
        const kind = products.find((p) => p?.property === CODE_PROPERTY);
        if (++count > MAX_RULES) {
          if (strict) throw new FhirError(422, 'too-costly', 'referrals.carePlanRulesTooMany', [RULES_URL, MAX_RULES]);
          return;
        }
        const rule: ConflictRule = {
          severity: severity as ConflictRule['severity'],
          kind: { system: kind?.value ? (kind.system ?? ACT_CODE) : ACT_CODE, code: kind?.value ?? 'DRG' },
          reason: target.comment ?? '',
        };
        add(a, b, rule);
        add(b, a, rule);
      }
    }
  });
  return index;
}

let compiled: { key: string; rules: RuleIndex } | undefined;

/**
 * The rule table in force, read from the store by its url at each call (so a PUT of the ConceptMap takes effect
 * on the next plan written, in every process): the stored one, else the guide's. Compiled once per version.
 */
export async function readRules(q: Queryable): Promise<RuleIndex> {
  const cm = await find<ConceptMap>(q, 'ConceptMap', RULES_URL);
  const key = cm ? `${cm.id ?? ''}/${cm.meta?.versionId ?? ''}/${cm.meta?.lastUpdated ?? ''}/${cm.meta?.source ?? ''}` : '';
  if (compiled?.key !== key) compiled = { key, rules: compileRules(cm, false) };
  return compiled.rules;
}

/**
 * Puts the guide's rule table in the store (ConceptMap/py-conflictos-terapeuticos) when the store never held
 * one with its id or url, so operators read it and change it there (PUT): the stored copy takes the id of the
 * guide's read-only one (which the server serves until then). Under the ConceptMap's lock: with
 * several processes starting together, one stores it. A table an operator changed or deleted is left alone.
 */
export async function storeGuideConflictRules(s: Services): Promise<void> {
  const ctx = systemContext('referrals', s.store.baseUrl, s.log);
  await s.store.transaction(ctx, async (t) => {
    await t.lock([`ConceptMap/${RULES_ID}`]);
    if (await t.read('ConceptMap', RULES_ID)) return;
    const { rows } = await t.tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM resource r JOIN sp_uri u ON u.res_id = r.res_id AND u.res_type = r.res_type
       WHERE u.res_type = 'ConceptMap' AND u.code = 'url' AND u.value = $1 AND NOT r.deleted`,
      [RULES_URL],
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    const guide = await find<ConceptMap>(t.tx, 'ConceptMap', RULES_URL);
    if (!guide) return;
    const { meta, ...rest } = guide;
    await update(t, 'ConceptMap', RULES_ID, { ...rest, id: RULES_ID, ...(meta?.source ? { meta: { source: meta.source } } : {}) }, { storeCopy: true });
  });
}
