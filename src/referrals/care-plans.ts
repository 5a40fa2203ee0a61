import { createHash } from 'node:crypto';
import type { CarePlan, CarePlanActivity, CodeableConcept, Coding, ConceptMap, DetectedIssue, Reference } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/outcome.js';
import { refKey } from '../fhir/references.js';
import { update } from '../interactions/write.js';
import { executeSearch } from '../search/engine.js';
import { parseSearch } from '../search/parse.js';
import type { PendingWrite, StoreTransaction } from '../store/store.js';
import './care-plans-messages.js';
import { compileRules, readRules, RULES_URL, type ConflictRule, type RuleIndex } from './conflict-rules.js';

/** Most activities of one plan checked (every pair of them); past it, 422. */
export const MAX_ACTIVITIES = 100;
/** Most distinct conflicting pairs one plan may combine (one DetectedIssue each); past it, 422. */
export const MAX_CONFLICTS = 100;
/** DetectedIssue.identifier.system of a plan's conflict; its value is `<CarePlan id>:<code>:<code>` (codes sorted). */
export const CONFLICT_SID = 'https://fhir.mspbs.gov.py/sid/conflicto-plan';
const PRACTICE_EXT = 'https://fhir.mspbs.gov.py/StructureDefinition/py-tipo-atencion';
/** Activities no longer carried out: they conflict with nothing. */
const ENDED = new Set(['cancelled', 'stopped', 'entered-in-error']);
/** Plans no longer in force: none of their activities conflicts. */
const PLAN_ENDED = new Set(['revoked', 'entered-in-error']);
/** R4's DetectedIssue.status is an ObservationStatus: `cancelled` is one (@medplum/fhirtypes' type follows a later edition). */
const CANCELLED = 'cancelled';

/**
 * Combined care plans (py-combined-care-plan): on every create and update of a CarePlan (POST, PUT, PATCH, a
 * bundle entry), in the same transaction, every pair of its activities in force is compared with the rule table
 * (conflict-rules.ts, read from the store once per write) and each conflicting pair of codes gets one
 * DetectedIssue (status final, the rule's severity and code, its reason in detail, implicated = the plan and the
 * activities' products); writing the plan again does not repeat it, and a conflict gone from the plan (or from the
 * rules) turns its DetectedIssue cancelled. A write of the rule table itself is checked (422 when unusable).
 */
export async function carePlanDerivation(t: StoreTransaction, changes: readonly PendingWrite[]): Promise<void> {
  let plans: PendingWrite[] | undefined;
  let staged: ConceptMap | undefined;
  for (const c of changes) {
    if (c.method === 'DELETE' || !c.resource) continue;
    if (c.type === 'CarePlan') (plans ??= []).push(c);
    else if (c.type === 'ConceptMap' && (c.resource as ConceptMap).url === RULES_URL) {
      compileRules(c.resource as ConceptMap, true);
      staged = c.resource as ConceptMap;
    }
  }
  if (!plans) return;
  // The table as this transaction sees it: one staged beside the plan (not flushed yet), else the store's.
  const rules = staged ? compileRules(staged, false) : await readRules(t.tx);
  for (const c of plans) await followPlan(t, c, rules);
}

interface Item {
  /** 1-based position in CarePlan.activity: the order of the plan. */
  position: number;
  practice?: string;
  codings: Coding[];
  products: Reference[];
}

interface Conflict {
  key: string;
  rule: ConflictRule;
  a: { item: Item; coding: Coding };
  b: { item: Item; coding: Coding };
}

const keyOf = (c: Coding): string => `${c.system}|${c.code}`;
const codingsOf = (cc: CodeableConcept | undefined): Coding[] =>
  (Array.isArray(cc?.coding) ? cc.coding : []).filter((c) => typeof c?.system === 'string' && typeof c.code === 'string');

function itemOf(a: CarePlanActivity, i: number): Item | undefined {
  const d = a?.detail;
  if (!d || ENDED.has(d.status)) return undefined;
  const codings = [...codingsOf(d.code), ...codingsOf(d.productCodeableConcept)];
  if (codings.length === 0) return undefined;
  const practice = (Array.isArray(a.extension) ? a.extension : []).find((e) => e?.url === PRACTICE_EXT)?.valueCoding?.code;
  return { position: i + 1, practice, codings, products: d.productReference?.reference ? [{ reference: d.productReference.reference }] : [] };
}

/** The conflicting pairs of codes of a plan: every pair of activities, every pair of their codes, one per pair of codes. */
function conflictsOf(planId: string, plan: CarePlan, rules: RuleIndex): Map<string, Conflict> {
  const found = new Map<string, Conflict>();
  if (PLAN_ENDED.has(plan.status) || rules.size === 0) return found;
  const items = (Array.isArray(plan.activity) ? plan.activity : []).map(itemOf).filter((x): x is Item => !!x);
  for (let i = 0; i < items.length; i++) {
    for (const ca of items[i].codings) {
      const against = rules.get(keyOf(ca));
      if (!against) continue;
      for (let j = i + 1; j < items.length; j++) {
        for (const cb of items[j].codings) {
          const rule = against.get(keyOf(cb));
          if (!rule) continue;
          const key = `${planId}:${[ca.code!, cb.code!].sort().join(':')}`;
          if (found.has(key)) continue;
          if (found.size === MAX_CONFLICTS) throw new FhirError(422, 'too-costly', 'referrals.carePlanTooManyConflicts', [planId, MAX_CONFLICTS, RULES_URL]);
          found.set(key, { key, rule, a: { item: items[i], coding: ca }, b: { item: items[j], coding: cb } });
        }
      }
    }
  }
  return found;
}

/** A conflict's DetectedIssue has a stable id of its own: the same plan and codes find it again, in any process. */
const issueId = (key: string): string => `conflicto-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

const describe = (x: { item: Item; coding: Coding }): string =>
  `actividad ${x.item.position} (${x.coding.display ?? x.coding.code}${x.item.practice ? `, ${x.item.practice}` : ''})`;

function issueFor(planId: string, plan: CarePlan, c: Conflict, identified: string): DetectedIssue {
  const patient = refKey(plan.subject, 'Patient');
  const concept = (x: Coding): CodeableConcept => ({ coding: [{ system: x.system, code: x.code, ...(x.display ? { display: x.display } : {}) }] });
  const implicated = [{ reference: `CarePlan/${planId}` }, ...c.a.item.products, ...c.b.item.products].filter((r, i, all) => all.findIndex((x) => x.reference === r.reference) === i);
  const detail = `${describe(c.a)} y ${describe(c.b)}: ${c.rule.reason}`;
  return {
    resourceType: 'DetectedIssue',
    identifier: [{ system: CONFLICT_SID, value: c.key }],
    status: 'final',
    code: { coding: [{ system: c.rule.kind.system, code: c.rule.kind.code }] },
    severity: c.rule.severity,
    ...(patient ? { patient: { reference: patient } } : {}),
    identifiedDateTime: identified,
    implicated,
    evidence: [{ code: [concept(c.a.coding), concept(c.b.coding)] }],
    detail: detail.charAt(0).toUpperCase() + detail.slice(1),
    reference: RULES_URL,
  };
}

async function followPlan(t: StoreTransaction, c: PendingWrite, rules: RuleIndex): Promise<void> {
  const plan = c.resource as CarePlan;
  const n = Array.isArray(plan.activity) ? plan.activity.length : 0;
  if (n > MAX_ACTIVITIES) throw new FhirError(422, 'too-costly', 'referrals.carePlanTooManyActivities', [c.id, n, MAX_ACTIVITIES]);
  const now = conflictsOf(c.id, plan, rules);
  // What this plan had before: its conflicts' DetectedIssues (none for a plan never stored). Read as the server
  // (not as the requester, who may not see DetectedIssues): the plan's own consequences.
  const before = c.isNew ? [] : await issuesOf(t, c.id);
  const ids = new Map([...now.values()].map((x) => [issueId(x.key), x]));
  const stale = before.filter((d) => !ids.has(d.id!) && (d.status as string) !== CANCELLED);
  if (ids.size === 0 && stale.length === 0) return;
  await t.lock([...ids.keys(), ...stale.map((d) => d.id!)].map((id) => `DetectedIssue/${id}`));
  const existing = await t.readMany('DetectedIssue', [...ids.keys()]);
  const identified = new Date().toISOString();
  for (const [id, conflict] of ids) {
    const row = existing.get(id);
    const old = row?.content && !row.deleted ? (JSON.parse(row.content) as DetectedIssue) : undefined;
    // Still the same finding: it keeps the time it was first identified (no new version when nothing changed).
    const since = old?.status === 'final' && old.identifiedDateTime ? old.identifiedDateTime : identified;
    await update(t, 'DetectedIssue', id, { ...issueFor(c.id, plan, conflict, since), id });
  }
  for (const d of stale) await cancel(t, d);
}

/** Marks a conflict gone: its DetectedIssue becomes `cancelled` (the lock taken). */
async function cancel(t: StoreTransaction, d: DetectedIssue): Promise<void> {
  const row = await t.read('DetectedIssue', d.id!);
  if (!row?.content || row.deleted) return;
  const current = JSON.parse(row.content) as DetectedIssue;
  if ((current.status as string) === CANCELLED) return;
  await update(t, 'DetectedIssue', d.id!, { ...current, status: CANCELLED } as unknown as DetectedIssue);
}

/** The conflict DetectedIssues implicating a plan (at most a few hundred: MAX_CONFLICTS per version of the plan). */
async function issuesOf(t: StoreTransaction, planId: string): Promise<DetectedIssue[]> {
  await t.flush();
  const q = new URLSearchParams({ implicated: `CarePlan/${planId}`, identifier: `${CONFLICT_SID}|`, _count: '1000' });
  const result = await executeSearch(t.tx, parseSearch(['DetectedIssue'], q, { count: 1000, maxCount: 1000 }), t.ctx.baseUrl);
  return result.rows.map((r) => JSON.parse(r.content) as DetectedIssue).filter((d) => d.identifier?.some((i) => i.system === CONFLICT_SID && i.value?.startsWith(`${planId}:`)));
}
