import type { CodeableConcept, CodeSystem, Coding, ConceptMap, Parameters, ParametersParameter, Resource, ValueSet } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Queryable } from '../db/database.js';
import { formatMessage, type MessageKey } from '../fhir/messages.js';
import { FhirError } from '../fhir/outcome.js';
import { assertValidInput, defineOperation, type OperationCall } from '../operations/registry.js';
import type { FhirResponse } from '../rest/request.js';
import type { Services } from '../rest/services.js';
import type { StoreTransaction } from '../store/store.js';
import { indexCodeSystem } from './codesystem.js';
import { checkExpandable, computeExpansion, renderExpansion, type Computed } from './expand.js';
import { lookup, subsumes } from './lookup.js';
import { find, readStored, splitCanonical, type TermResource, type TermType } from './sources.js';
import { translate, translated } from './translate.js';
import { type CodeVerdict, validateCodeInIndex, validateInCodeSystem, validateInValueSet } from './validate.js';

/**
 * The terminology operations, at type level (GET with query parameters or POST with Parameters) and at
 * instance level on stored resources. Inputs and outputs follow the R4 OperationDefinitions.
 */
const SPEC = 'http://hl7.org/fhir/OperationDefinition/';

/** Typed access to the input Parameters (GET values arrive as strings). */
class Inputs {
  constructor(
    private readonly params: Parameters,
    private readonly body?: Resource,
  ) {}

  private all(name: string): ParametersParameter[] {
    return (this.params.parameter ?? []).filter((p) => p.name === name);
  }

  private raw(name: string): ParametersParameter | undefined {
    const list = this.all(name);
    if (list.length > 1) throw bad('conflictingParams', [`${name} (given ${list.length} times)`]);
    return list[0];
  }

  str(name: string): string | undefined {
    const p = this.raw(name);
    if (!p) return undefined;
    for (const [k, v] of Object.entries(p)) if (k.startsWith('value') && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return String(v);
    throw bad('badParam', [name, JSON.stringify(p)]);
  }

  strs(name: string): string[] {
    return this.all(name).flatMap((p) => Object.entries(p).filter(([k, v]) => k.startsWith('value') && typeof v === 'string').flatMap(([, v]) => (v as string).split(',')));
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw bad('badParam', [name, v]);
    return v === 'true';
  }

  int(name: string): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw bad('badParam', [name, v]);
    return Number(v);
  }

  /** A Coding: valueCoding (POST) or "system|code" (GET). */
  coding(name: string): Coding | undefined {
    const p = this.raw(name);
    if (!p) return undefined;
    if (p.valueCoding) return p.valueCoding;
    const s = p.valueString ?? p.valueCode ?? p.valueUri;
    if (typeof s === 'string') {
      const i = s.lastIndexOf('|');
      return i < 0 ? { code: s } : { system: s.slice(0, i) || undefined, code: s.slice(i + 1) };
    }
    throw bad('badParam', [name, JSON.stringify(p)]);
  }

  codeableConcept(name: string): CodeableConcept | undefined {
    const p = this.raw(name);
    if (!p) return undefined;
    if (p.valueCodeableConcept) return p.valueCodeableConcept;
    throw bad('badParam', [name, JSON.stringify(p)]);
  }

  resource<T extends Resource>(name: string, type: string): T | undefined {
    const p = this.raw(name);
    // POST with the resource itself as the body (not wrapped in Parameters) counts as that parameter.
    const r = p?.resource ?? (this.body?.resourceType === type ? this.body : undefined);
    if (!r) return undefined;
    if (r.resourceType !== type) throw bad('badParam', [name, `expected a ${type}, got ${r.resourceType}`]);
    assertValidInput(r);
    return r as T;
  }
}

function bad(key: string, params: (string | number)[]): FhirError {
  return new FhirError(400, 'invalid', `terminology.${key}`, params);
}

function ok(body: Resource): FhirResponse {
  return { status: 200, headers: {}, body };
}

function out(parameter: (ParametersParameter | undefined)[]): Parameters {
  return { resourceType: 'Parameters', parameter: parameter.filter((p): p is ParametersParameter => !!p && Object.keys(p).length > 1) };
}

async function stored<T extends TermResource>(q: Queryable, type: TermType, id: string): Promise<T> {
  const r = await readStored<T>(q, type, id);
  if (!r) throw new FhirError(404, 'not-found', 'notFound', [`${type}/${id}`]);
  return r;
}

/**
 * Checks a ValueSet, CodeSystem or ConceptMap a type-level operation found by its URL as a read of it would
 * be checked: one carrying a protected security label the requester may not read is not found (404). Labelled
 * resources only (terminology normally carries none), so other lookups cost nothing. What a ValueSet includes
 * from other ValueSets and CodeSystems is checked the same way (guardContents), and $translate without a url
 * searches only the ConceptMaps the requester may read.
 */
type Guard = (type: TermType, r: TermResource | undefined, url: string) => Promise<void>;
const NOT_FOUND: Record<TermType, MessageKey> = { ValueSet: 'terminology.valueSetNotFound', CodeSystem: 'terminology.codeSystemNotFound', ConceptMap: 'terminology.conceptMapNotFound', NamingSystem: 'notFound' };

function labelGuard(s: Services, ctx: RequestContext, t?: StoreTransaction): Guard {
  return async (type, r, url) => {
    if (!r?.meta?.security?.length || !r.id) return;
    const readable = await s.store.readable(ctx, [{ type, id: r.id, content: JSON.stringify(r) }], t);
    if (readable.length === 0) throw new FhirError(404, 'not-found', NOT_FOUND[type], [url]);
  };
}

/** The guard applied to the resource held under a canonical URL (nothing held: nothing to check). */
async function guardUrl(q: Queryable, guard: Guard, type: TermType, url: string, version?: string): Promise<void> {
  await guard(type, await find<TermResource>(q, type, url, version), url);
}

/** The guard as a test: false where it answers 404 (any other error is thrown). */
function passes(check: Promise<void>): Promise<boolean> {
  return check.then(
    () => true,
    (err: unknown) => {
      if (err instanceof FhirError && err.status === 404) return false;
      throw err;
    },
  );
}

/**
 * An expansion (or a validation against it) answers only when the requester may read every CodeSystem and
 * ValueSet it drew codes from: one carrying a protected label the requester lacks answers as if not held (404).
 */
async function guardContents(q: Queryable, computed: Computed, guard: Guard): Promise<void> {
  for (const used of computed.usedSystems) await guardUrl(q, guard, 'CodeSystem', ...splitCanonical(used));
  for (const url of computed.usedValueSets) await guardUrl(q, guard, 'ValueSet', url);
}

/** The ValueSet an operation works on: instance, posted valueSet, or url (+ valueSetVersion). */
async function targetValueSet(q: Queryable, call: OperationCall, p: Inputs, guard: Guard): Promise<ValueSet> {
  if (call.level === 'instance') return stored<ValueSet>(q, 'ValueSet', call.id as string);
  const posted = p.resource<ValueSet>('valueSet', 'ValueSet');
  if (posted) return posted;
  const url = p.str('url') ?? p.str('valueSet');
  if (!url) throw bad('missingParam', ['url | valueSet']);
  const vs = await find<ValueSet>(q, 'ValueSet', url, p.str('valueSetVersion'));
  if (!vs) throw new FhirError(404, 'not-found', 'terminology.valueSetNotFound', [url]);
  await guard('ValueSet', vs, url);
  return vs;
}

/** The codings to validate: code (+system, display, systemVersion/version), coding, or codeableConcept. */
function codingsToValidate(p: Inputs, defaultSystem?: string): { codings: Coding[] } {
  const code = p.str('code');
  const coding = p.coding('coding');
  const cc = p.codeableConcept('codeableConcept');
  const given = [code, coding, cc].filter((x) => x !== undefined).length;
  if (given === 0) throw bad('missingParam', ['code | coding | codeableConcept']);
  if (given > 1) throw bad('conflictingParams', ['code, coding, codeableConcept']);
  if (cc) return { codings: cc.coding ?? [] };
  const display = p.str('display');
  if (coding) return { codings: [{ ...coding, ...(display ? { display } : {}) }] };
  const system = p.str('system') ?? defaultSystem;
  const version = p.str('systemVersion') ?? p.str('version');
  return { codings: [{ system, code, ...(version ? { version } : {}), ...(display ? { display } : {}) }] };
}

/** One verdict for a CodeableConcept: valid when any coding is valid; unknown when none is valid and one is unknown. */
function combine(verdicts: CodeVerdict[]): CodeVerdict {
  if (verdicts.length === 1) return verdicts[0];
  const valid = verdicts.find((v) => v.result);
  const messages = verdicts.filter((v) => v.message).map((v) => v.message as string);
  const message = messages.length ? messages.join('; ') : undefined;
  if (valid) return { ...valid, message: valid.message };
  const unknown = verdicts.find((v) => !v.known);
  return { result: false, known: !unknown, message, severity: unknown ? 'information' : 'error', unknownSystems: verdicts.flatMap((v) => v.unknownSystems ?? []) };
}

function verdictParameters(v: CodeVerdict): Parameters {
  return out([
    { name: 'result', valueBoolean: v.result },
    v.message ? { name: 'message', valueString: v.message } : undefined,
    v.display ? { name: 'display', valueString: v.display } : undefined,
    ...(v.known ? [] : (v.unknownSystems ?? []).map((s) => ({ name: 'x-caused-by-unknown-system', valueCanonical: s }))),
  ]);
}

async function expandOp(q: Queryable, _ctx: RequestContext, call: OperationCall, guard: Guard): Promise<FhirResponse> {
  const p = new Inputs(call.params, call.resource);
  const vs = await targetValueSet(q, call, p, guard);
  const computed = await computeExpansion(q, vs);
  await guardContents(q, computed, guard);
  checkExpandable(computed, vs.url ?? vs.id ?? '(posted)');
  const excludeNested = p.bool('excludeNested');
  return ok(
    renderExpansion(vs, computed, {
      filter: p.str('filter'),
      offset: p.int('offset'),
      count: p.int('count'),
      displayLanguage: p.str('displayLanguage'),
      includeDesignations: p.bool('includeDesignations'),
      activeOnly: p.bool('activeOnly'),
      nested: excludeNested === false || p.bool('hierarchies') === true,
    }),
  );
}

async function valueSetValidateOp(q: Queryable, ctx: RequestContext, call: OperationCall, guard: Guard): Promise<FhirResponse> {
  const p = new Inputs(call.params, call.resource);
  const vs = await targetValueSet(q, call, p, guard);
  const { codings } = codingsToValidate(p);
  const computed = await computeExpansion(q, vs);
  await guardContents(q, computed, guard);
  const opts = { lang: ctx.lang, displayLanguage: p.str('displayLanguage') };
  const verdicts: CodeVerdict[] = [];
  for (const c of codings) verdicts.push(await validateInValueSet(q, vs, computed, c, opts));
  if (!verdicts.length) verdicts.push({ result: false, known: true, message: formatMessage('terminology.codeRequired', [], ctx.lang) });
  return ok(verdictParameters(combine(verdicts)));
}

async function codeSystemValidateOp(q: Queryable, ctx: RequestContext, call: OperationCall, guard: Guard): Promise<FhirResponse> {
  const p = new Inputs(call.params, call.resource);
  let codeSystem: CodeSystem | undefined;
  if (call.level === 'instance') codeSystem = await stored<CodeSystem>(q, 'CodeSystem', call.id as string);
  else codeSystem = p.resource<CodeSystem>('codeSystem', 'CodeSystem');
  const system = codeSystem?.url ?? p.str('url');
  const { codings } = codingsToValidate(p, system);
  const opts = { lang: ctx.lang, displayLanguage: p.str('displayLanguage'), version: p.str('version') };
  const verdicts: CodeVerdict[] = [];
  for (const c of codings) {
    const coding = { ...c, system: c.system ?? system };
    if (codeSystem && (!coding.system || coding.system === codeSystem.url)) {
      verdicts.push(validateCodeInIndex(indexCodeSystem(codeSystem), { ...coding, system: codeSystem.url }, opts));
    } else {
      if (!coding.system) throw bad('missingParam', ['url | system']);
      await guardUrl(q, guard, 'CodeSystem', coding.system);
      verdicts.push(await validateInCodeSystem(q, coding, opts));
    }
  }
  if (!verdicts.length) throw bad('missingParam', ['code | coding | codeableConcept']);
  return ok(verdictParameters(combine(verdicts)));
}

async function lookupOp(q: Queryable, _ctx: RequestContext, call: OperationCall, guard: Guard): Promise<FhirResponse> {
  const p = new Inputs(call.params, call.resource);
  const coding = p.coding('coding');
  const code = coding?.code ?? p.str('code');
  let system = coding?.system ?? p.str('system');
  let codeSystem;
  if (call.level === 'instance') {
    const cs = await stored<CodeSystem>(q, 'CodeSystem', call.id as string);
    codeSystem = indexCodeSystem(cs);
    system = cs.url;
  }
  if (!code) throw bad('missingParam', ['code | coding']);
  if (!system) throw bad('missingParam', ['system']);
  if (!codeSystem) await guardUrl(q, guard, 'CodeSystem', system);
  const r = await lookup(q, { system, code, version: coding?.version ?? p.str('version'), displayLanguage: p.str('displayLanguage'), properties: p.strs('property'), codeSystem });
  return ok(
    out([
      { name: 'name', valueString: r.name },
      r.version ? { name: 'version', valueString: r.version } : undefined,
      { name: 'display', valueString: r.display ?? code },
      ...r.designation.map((d) => ({
        name: 'designation',
        part: [
          ...(d.language ? [{ name: 'language', valueCode: d.language }] : []),
          ...(d.use ? [{ name: 'use', valueCoding: d.use }] : []),
          { name: 'value', valueString: d.value },
        ] as ParametersParameter[],
      })),
      r.definition ? { name: 'property', part: [{ name: 'code', valueCode: 'definition' }, { name: 'value', valueString: r.definition }] } : undefined,
      ...r.property.map((prop) => {
        const value = Object.entries(prop).find(([k]) => k.startsWith('value'));
        return { name: 'property', part: [{ name: 'code', valueCode: prop.code }, ...(value ? [{ name: 'value', [value[0]]: value[1] } as ParametersParameter] : [])] };
      }),
    ]),
  );
}

async function subsumesOp(q: Queryable, _ctx: RequestContext, call: OperationCall, guard: Guard): Promise<FhirResponse> {
  const p = new Inputs(call.params, call.resource);
  const codingA = p.coding('codingA');
  const codingB = p.coding('codingB');
  const codeA = codingA?.code ?? p.str('codeA');
  const codeB = codingB?.code ?? p.str('codeB');
  let system = p.str('system') ?? codingA?.system ?? codingB?.system;
  let codeSystem;
  if (call.level === 'instance') {
    const cs = await stored<CodeSystem>(q, 'CodeSystem', call.id as string);
    codeSystem = indexCodeSystem(cs);
    system = cs.url;
  }
  if (!codeA || !codeB) throw bad('missingParam', ['codeA / codeB | codingA / codingB']);
  if (!system) throw bad('missingParam', ['system']);
  for (const c of [codingA, codingB]) if (c?.system && c.system !== system) throw bad('badParam', ['codingA / codingB', `${c.system} is not ${system}`]);
  if (!codeSystem) await guardUrl(q, guard, 'CodeSystem', system);
  const outcome = await subsumes(q, { system, version: p.str('version') ?? codingA?.version, codeA, codeB, codeSystem });
  return ok(out([{ name: 'outcome', valueCode: outcome }]));
}

async function translateOp(q: Queryable, ctx: RequestContext, call: OperationCall, guard: Guard): Promise<FhirResponse> {
  const p = new Inputs(call.params, call.resource);
  let conceptMap: ConceptMap | undefined;
  if (call.level === 'instance') conceptMap = await stored<ConceptMap>(q, 'ConceptMap', call.id as string);
  else conceptMap = p.resource<ConceptMap>('conceptMap', 'ConceptMap');
  const url = p.str('url');
  if (!conceptMap && url) {
    conceptMap = await find<ConceptMap>(q, 'ConceptMap', url, p.str('conceptMapVersion'));
    if (!conceptMap) throw new FhirError(404, 'not-found', 'terminology.conceptMapNotFound', [url]);
    await guard('ConceptMap', conceptMap, url);
  }
  const coding = p.coding('coding');
  const cc = p.codeableConcept('codeableConcept');
  const code = p.str('code');
  const codings: Coding[] = cc ? (cc.coding ?? []) : coding ? [coding] : code ? [{ system: p.str('system'), code, version: p.str('version') }] : [];
  if (!codings.length) throw bad('missingParam', ['code + system | coding | codeableConcept']);
  const reverse = p.bool('reverse') ?? false;
  // without a map named: only the ConceptMaps the requester may read are searched
  const allowed = (cm: ConceptMap): Promise<boolean> => passes(guard('ConceptMap', cm, cm.url ?? ''));
  // a target's display is filled in from its CodeSystem only when the requester may read that CodeSystem
  const systemAllowed = (system: string): Promise<boolean> => passes(guardUrl(q, guard, 'CodeSystem', system));
  const matches = [];
  for (const c of codings) {
    matches.push(...(await translate(q, { coding: c, conceptMap, allowed, systemAllowed, source: p.str('source'), target: p.str('target'), targetSystem: p.str('targetsystem') ?? p.str('targetSystem'), reverse })));
  }
  const label = codings.map((c) => `${c.system ?? ''}#${c.code}`).join(', ');
  const result = translated(matches);
  return ok(
    out([
      { name: 'result', valueBoolean: result },
      { name: 'message', valueString: formatMessage(result ? 'terminology.mappings' : 'terminology.noMapping', result ? [matches.length, label] : [label], ctx.lang) },
      ...matches.map((m) => ({
        name: 'match',
        part: [{ name: 'equivalence', valueCode: m.equivalence }, ...(m.concept ? [{ name: 'concept', valueCoding: m.concept }] : []), ...(m.source ? [{ name: 'source', valueUri: m.source }] : [])],
      })),
    ]),
  );
}

type Handler = (q: Queryable, ctx: RequestContext, call: OperationCall, guard: Guard) => Promise<FhirResponse>;

/** Inside a batch or transaction bundle the operation reads on the bundle's connection (PGlite has only one). */
function onConnection(h: Handler): (s: Services, ctx: RequestContext, call: OperationCall, t?: StoreTransaction) => Promise<FhirResponse> {
  return async (s, ctx, call, t) => {
    if (!t) return h(s.db, ctx, call, labelGuard(s, ctx));
    await t.flush();
    return h(t.tx, ctx, call, labelGuard(s, ctx, t));
  };
}

let registered = false;

export function registerTerminologyOperations(): void {
  if (registered) return;
  registered = true;
  const common = { levels: ['type', 'instance'] as ('type' | 'instance')[], affectsState: false };
  defineOperation({ ...common, name: 'expand', types: ['ValueSet'], definition: `${SPEC}ValueSet-expand`, documentation: 'Expands a ValueSet the server holds (filter, count/offset, displayLanguage, includeDesignations, activeOnly, excludeNested=false)', handler: onConnection(expandOp) });
  defineOperation({ ...common, name: 'validate-code', types: ['ValueSet'], definition: `${SPEC}ValueSet-validate-code`, handler: onConnection(valueSetValidateOp) });
  defineOperation({ ...common, name: 'validate-code', types: ['CodeSystem'], definition: `${SPEC}CodeSystem-validate-code`, handler: onConnection(codeSystemValidateOp) });
  defineOperation({ ...common, name: 'lookup', types: ['CodeSystem'], definition: `${SPEC}CodeSystem-lookup`, handler: onConnection(lookupOp) });
  defineOperation({ ...common, name: 'subsumes', types: ['CodeSystem'], definition: `${SPEC}CodeSystem-subsumes`, handler: onConnection(subsumesOp) });
  defineOperation({ ...common, name: 'translate', types: ['ConceptMap'], definition: `${SPEC}ConceptMap-translate`, handler: onConnection(translateOp) });
}
