import { evalFhirPathTyped, toTypedValue, type TypedValue } from '@medplum/core';
import type { ElementDefinitionType, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { getBaseDefinition, getStructureDefinition } from '../conformance/index.js';
import { isResourceType } from '../fhir/definitions.js';
import type { Lang } from '../fhir/messages.js';
import { checkBinding, type CodeValidator } from './bindings.js';
import { compile, typeFor, type CompiledDefinition, type ElementNode } from './elements.js';
import { NATIVE_INVARIANTS } from './invariants.js';
import { checkBundle } from './bundle.js';
import { checkQuestionnaireResponse, type QuestionnaireLookup } from './questionnaire-response.js';
import { DATATYPE_RULES } from './datatypes.js';
import { contextAllows } from './extension-context.js';
import { baseErrorConstraintKeys } from './keys.js';
import { checkLimits } from './limits.js';
import { matchSlice, type Located } from './slicing.js';

/**
 * The profile walker: validates a resource against a StructureDefinition snapshot, element by element, with
 * what @medplum/core's validator leaves out: slice contents and closed slicing, extensions against their own
 * definitions, terminology bindings of every strength (in the profile and inside datatypes), invariants at
 * every level and severity, fixed/pattern values anywhere, and targetProfile of references. Base-definition
 * cardinalities and error invariants are left to @medplum/core (see validator.ts), so nothing is reported twice.
 */
export interface Finding {
  severity: 'error' | 'warning' | 'information';
  code: OperationOutcomeIssue['code'];
  key: string;
  params: (string | number)[];
  expression: string;
}

export interface WalkOptions {
  codes: CodeValidator;
  /** Reads a referenced resource ("Patient/1") for targetProfile checks; absent: stored targets are not checked. */
  resolve?: (reference: string) => Promise<Resource | undefined>;
  /** Finds a Questionnaire by canonical (a QuestionnaireResponse is checked against it); absent: not checked. */
  questionnaire?: QuestionnaireLookup;
  /** Skip everything that can only produce warnings (writes only need errors). */
  errorsOnly: boolean;
  lang?: Lang;
}

export class Walker {
  readonly findings: Finding[] = [];
  private readonly codeCache = new Map<string, Promise<{ result: boolean; known: boolean; message?: string }>>();
  private depth = 0;

  constructor(
    private readonly root: Resource,
    readonly opts: WalkOptions,
  ) {}

  readonly reportFn = this.report.bind(this);

  report(severity: Finding['severity'], code: Finding['code'], key: string, params: (string | number)[], expression: string): void {
    if (severity !== 'error' && this.opts.errorsOnly) return;
    this.findings.push({ severity, code, key, params, expression });
  }

  codes: CodeValidator = (args) => {
    const k = `${args.valueSet}|${args.system ?? ''}|${args.code}`;
    let p = this.codeCache.get(k);
    if (!p) {
      p = this.opts.codes(args);
      this.codeCache.set(k, p);
    }
    return p;
  };

  /** Validates a value (resource or datatype) against a whole StructureDefinition. */
  async walkDefinition(sd: StructureDefinition, value: unknown, type: string, path: string): Promise<void> {
    if (this.depth > 24) return;
    this.depth++;
    try {
      const def = compile(sd, baseErrorConstraintKeys());
      await this.value(def, def.root, { value, type, path });
    } finally {
      this.depth--;
    }
  }

  /** Values of one element (all repetitions): cardinality, slicing, then each value. */
  private async element(def: CompiledDefinition, node: ElementNode, values: Located[], parentPath: string): Promise<void> {
    const el = node.el;
    if (!def.isBase && node.ownCardinality && (values.length < (el.min ?? 0) || values.length > node.max)) {
      this.report('error', 'structure', 'cardinality', [el.id ?? el.path, el.min ?? 0, el.max ?? '*', values.length], `${parentPath}.${node.name.replace('[x]', '')}`);
    }
    if (values.length === 0) return;
    if (el.slicing && node.slices.length) {
      const matched = new Map<ElementNode, Located[]>();
      const unmatched: Located[] = [];
      for (const v of values) {
        const slice = await matchSlice(this, def, node, v);
        if (slice) matched.set(slice, [...(matched.get(slice) ?? []), v]);
        else unmatched.push(v);
      }
      for (const slice of node.slices) {
        const got = matched.get(slice) ?? [];
        if (got.length < (slice.el.min ?? 0) || got.length > slice.max) {
          this.report('error', 'structure', 'sliceCardinality', [slice.el.sliceName ?? slice.name, el.id ?? el.path, slice.el.min ?? 0, slice.el.max ?? '*', got.length], `${parentPath}.${node.name.replace('[x]', '')}`);
        }
        for (const v of got) await this.value(def, slice, v, node);
      }
      for (const v of unmatched) {
        if (el.slicing.rules === 'closed') this.report('error', 'structure', 'closedSlicing', [v.path], v.path);
        else if (def.sd.type === 'Extension' && v.type === 'Extension' && isSubExtension(v.value)) {
          // an extension's definition lists its sub-extensions (relative urls) as slices: any other is not allowed
          this.report('error', 'structure', 'unknownSubExtension', [(v.value as { url: string }).url, def.sd.url], v.path);
        }
        await this.value(def, node, v);
      }
      return;
    }
    for (const v of values) await this.value(def, node, v);
  }

  /** One value: type, fixed/pattern, binding, invariants, then its children (from the profile or its type's definition). */
  async value(def: CompiledDefinition, node: ElementNode, v: Located, slicedFrom?: ElementNode): Promise<void> {
    const el = node.el;
    const types = el.type ?? [];
    if (types.length > 1 || el.path.endsWith('[x]')) {
      if (types.length && !types.some((t) => t.code === v.type)) {
        this.report('error', 'structure', 'typeNotAllowed', [v.type, types.map((t) => t.code).join(', '), el.id ?? el.path], v.path);
        return;
      }
    }
    const typeDef = typeFor(el, v.type);
    if (v.value === undefined) return;
    if (node.fixed) this.checkFixed(node.fixed, v, el.id ?? el.path);
    // the spec's rules of the type that no invariant carries (datatypes.ts, bundle.ts, questionnaire-response.ts)
    if (v.type === 'Bundle') checkBundle(v.value, v.path, this.reportFn);
    else if (v.type === 'QuestionnaireResponse' && node === def.root) await checkQuestionnaireResponse(v.value, v.path, this.reportFn, this.opts.questionnaire);
    else DATATYPE_RULES.get(v.type)?.(v.value, v.path, this.reportFn);
    if (el.maxLength !== undefined && typeof v.value === 'string' && v.value.length > el.maxLength) this.report('error', 'too-long', 'maxLength', [el.maxLength, v.value.length], v.path);
    const outside = checkLimits(el, v.value);
    if (outside) this.report('error', 'value', outside.bound === 'min' ? 'minValue' : 'maxValue', [outside.limit, JSON.stringify(v.value)], v.path);
    if (el.binding?.valueSet && el.binding.strength !== 'example') await checkBinding(this, el.binding.strength, el.binding.valueSet, v);
    const target = el.contentReference ? def.byId.get(el.contentReference.slice(el.contentReference.indexOf('#') + 1)) : undefined;
    this.constraints(node, v);
    // an element defined by reference (Questionnaire.item.item) has the invariants of the element it names
    if (target) this.constraints(target, v);
    if (v.value === null || typeof v.value !== 'object') return;
    if (v.type === 'Reference' && typeDef?.targetProfile?.length) await this.reference(typeDef, v);

    const children = node.children.length ? node.children : (target?.children ?? slicedFrom?.children ?? []);
    if (children.length) {
      this.extensionContexts(el.path, v);
      for (const child of children) await this.element(def, child, childValues(v, child), v.path);
      // an element typed by a profile (an extension slice whose snapshot only fixes its url) is also checked against that profile
      if (typeDef?.profile?.length) await this.byType(typeDef, v);
      return;
    }
    await this.byType(typeDef, v);
  }

  /** Each extension of the value (whose definition is held) is allowed in its context (extension-context.ts). */
  private extensionContexts(elementPath: string, v: Located): void {
    const obj = v.value as { extension?: unknown; modifierExtension?: unknown; url?: unknown };
    for (const key of ['extension', 'modifierExtension'] as const) {
      const list = obj[key];
      if (!Array.isArray(list)) continue;
      list.forEach((x: { url?: unknown }, i) => {
        if (typeof x?.url !== 'string' || !x.url.includes(':')) return;
        const sd = getStructureDefinition(x.url);
        if (!sd || sd.type !== 'Extension') return;
        if (!contextAllows(sd, v.type, elementPath, v.path, typeof obj.url === 'string' ? obj.url : undefined)) {
          this.report('error', 'structure', 'extensionContext', [x.url, plainPath(v.path), (sd.context ?? []).map((c) => c.expression).join(', ')], `${v.path}.${key}[${i}]`);
        }
      });
    }
  }

  /** A value whose element the profile does not open up: validate it against its type's profile or base definition. */
  private async byType(typeDef: ElementDefinitionType | undefined, v: Located): Promise<void> {
    const obj = v.value as Record<string, unknown>;
    const profiles = typeDef?.profile ?? [];
    if (profiles.length) {
      const sd = profiles.map((p) => getStructureDefinition(p)).find((x) => x?.snapshot);
      if (!sd) {
        this.report('warning', 'not-found', 'unknownProfile', [profiles.join(', ')], v.path);
        return;
      }
      await this.walkDefinition(sd, obj, v.type, v.path);
      return;
    }
    if (v.type === 'Extension') {
      const url = typeof obj.url === 'string' ? obj.url : '';
      const sd = url ? getStructureDefinition(url) : undefined;
      if (sd?.snapshot && sd.type === 'Extension') await this.walkDefinition(sd, obj, 'Extension', v.path);
      // (a relative url is a sub-extension: its parent's definition decides, see element())
      else if (url.includes(':')) this.report('warning', 'not-found', 'unknownExtension', [url], v.path);
      return;
    }
    if (v.type === 'BackboneElement' || v.type === 'Element') return;
    if (isResourceType(v.type)) {
      // a contained or bundled resource: checked against the profiles it claims that are held here, else its base definition
      const claimed = ((obj.meta as { profile?: string[] } | undefined)?.profile ?? []).map((p) => getStructureDefinition(p)).filter((sd) => sd?.snapshot && sd.type === v.type);
      for (const sd of claimed) await this.walkDefinition(sd as StructureDefinition, obj, v.type, v.path);
      if (claimed.length) return;
    }
    const base = getBaseDefinition(v.type);
    if (base?.snapshot && base.kind !== 'primitive-type') await this.walkDefinition(base, obj, v.type, v.path);
  }

  private checkFixed(f: NonNullable<ElementNode['fixed']>, v: Located, elementId: string): void {
    const ok = f.kind === 'fixed' ? deepEqual(f.value, v.value) : matchesPattern(f.value, v.value);
    if (!ok) this.report('error', 'value', f.kind === 'fixed' ? 'fixedValue' : 'patternValue', [JSON.stringify(f.value), JSON.stringify(v.value), elementId], v.path);
  }

  private constraints(node: ElementNode, v: Located): void {
    for (const c of node.constraints) {
      // @medplum/core evaluates the base definitions' error invariants on the base structure.
      if (c.base && c.severity === 'error') continue;
      if (c.severity === 'warning' && this.opts.errorsOnly) continue;
      const native = NATIVE_INVARIANTS.get(c.key);
      if (native) {
        if (!native(v.value)) this.report(c.severity, 'invariant', 'constraint', [c.key, c.human], v.path);
        continue;
      }
      if (!c.atom) {
        this.report('warning', 'invariant', 'constraintError', [c.key, 'unparsable expression'], v.path);
        continue;
      }
      let ok: boolean;
      try {
        const input: TypedValue = { type: v.type, value: v.value };
        const vars: Record<string, TypedValue> = { '%context': input, '%resource': toTypedValue(this.root), '%rootResource': toTypedValue(this.root), '%ucum': { type: 'string', value: 'http://unitsofmeasure.org' } };
        const out = evalFhirPathTyped(c.atom, [input], vars);
        ok = out.length === 0 || (out.length === 1 && out[0].value === true) || out.every((o) => o.value === true);
      } catch (err) {
        this.report('warning', 'invariant', 'constraintError', [c.key, (err as Error).message], v.path);
        continue;
      }
      if (!ok) this.report(c.severity, 'invariant', 'constraint', [c.key, c.human], v.path);
    }
  }

  /** targetProfile: the referenced resource's type must be allowed; local profiles are checked on contained or stored targets. */
  private async reference(typeDef: ElementDefinitionType, v: Located): Promise<void> {
    const ref = (v.value as { reference?: unknown }).reference;
    if (typeof ref !== 'string') return;
    const targets = (typeDef.targetProfile ?? []).map((p) => ({ url: p, sd: getStructureDefinition(p) }));
    const allowedTypes = new Set(targets.map((t) => t.sd?.type ?? t.url.split('/').pop() ?? ''));
    if (allowedTypes.has('Resource')) return;
    let target: Resource | undefined;
    let type: string | undefined;
    if (ref.startsWith('#')) {
      target = ((this.root as { contained?: Resource[] }).contained ?? []).find((r) => r.id === ref.slice(1));
      type = target?.resourceType;
    } else {
      const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
      if (!m || !isResourceType(m[1]) || (ref.includes('://') && !ref.includes('/fhir/'))) return;
      type = m[1];
      if (!allowedTypes.has(type)) {
        this.report('error', 'structure', 'referenceType', [ref, [...allowedTypes].join(', ')], `${v.path}.reference`);
        return;
      }
      const profiled = targets.filter((t) => t.sd && t.sd.derivation === 'constraint' && t.sd.type === type);
      if (profiled.length === 0 || !this.opts.resolve) return;
      target = await this.opts.resolve(`${m[1]}/${m[2]}`);
    }
    if (!target || !type) return;
    if (!allowedTypes.has(type)) {
      this.report('error', 'structure', 'referenceType', [ref, [...allowedTypes].join(', ')], `${v.path}.reference`);
      return;
    }
    const profiled = targets.filter((t) => t.sd && t.sd.derivation === 'constraint' && t.sd.type === type);
    if (profiled.length === 0) return;
    const claimed = new Set(target.meta?.profile ?? []);
    if (profiled.some((t) => claimed.has(t.url))) return;
    for (const t of profiled) {
      if (await conforms(this, t.sd as StructureDefinition, target)) return;
    }
    this.report('error', 'structure', 'referenceProfile', [ref, profiled.map((t) => t.url).join(', ')], `${v.path}.reference`);
  }
}

function plainPath(path: string): string {
  return path.replace(/\[\d+\]/g, '');
}

function isSubExtension(value: unknown): boolean {
  const url = (value as { url?: unknown } | null)?.url;
  return typeof url === 'string' && !url.includes(':');
}

/** Does the value have no error against the definition? (Used by profile discriminators and targetProfile.) */
export async function conforms(parent: Walker, sd: StructureDefinition, value: unknown, type?: string): Promise<boolean> {
  const w = new Walker((value as Resource) ?? parent, { ...parent.opts, errorsOnly: true });
  const t = type ?? (value as Resource).resourceType;
  await w.walkDefinition(sd, value, t, t);
  return !w.findings.some((f) => f.severity === 'error');
}

/** The JSON values of a child element, with their types and FHIRPath expressions (`Patient.name[0]`, `Observation.value.ofType(Quantity)`). */
export function childValues(parent: Located, child: ElementNode): Located[] {
  const obj = parent.value as Record<string, unknown>;
  const out: Located[] = [];
  const name = child.name;
  if (name.endsWith('[x]')) {
    const prefix = name.slice(0, -3);
    for (const key of Object.keys(obj)) {
      if (key.length <= prefix.length || !key.startsWith(prefix)) continue;
      const c = key.charCodeAt(prefix.length);
      if (c < 65 || c > 90) continue;
      const suffix = key.slice(prefix.length);
      const type = PRIMITIVES.has(suffix[0].toLowerCase() + suffix.slice(1)) ? suffix[0].toLowerCase() + suffix.slice(1) : suffix;
      push(out, obj[key], type, `${parent.path}.${prefix}.ofType(${type})`);
    }
    // a primitive carried only by its extensions (`_performedDateTime` with data-absent-reason) is present
    for (const key of Object.keys(obj)) {
      if (!key.startsWith(`_${prefix}`) || key.length <= prefix.length + 1 || obj[key.slice(1)] !== undefined) continue;
      const suffix = key.slice(prefix.length + 1);
      out.push({ value: undefined, type: suffix[0].toLowerCase() + suffix.slice(1), path: `${parent.path}.${prefix}` });
    }
    return out;
  }
  const raw = obj[name];
  if (raw === undefined) {
    if (obj[`_${name}`] !== undefined) out.push({ value: undefined, type: child.el.type?.[0]?.code ?? 'Element', path: `${parent.path}.${name}` });
    return out;
  }
  const t = child.el.type ?? [];
  const single = t.length === 1 ? t[0].code : undefined;
  if (Array.isArray(raw)) raw.forEach((item, i) => push(out, item, typeOf(item, single), `${parent.path}.${name}[${i}]`));
  else push(out, raw, typeOf(raw, single), `${parent.path}.${name}`);
  return out;
}

function push(out: Located[], value: unknown, type: string, path: string): void {
  if (Array.isArray(value)) value.forEach((item, i) => out.push({ value: item, type, path: `${path}[${i}]` }));
  else if (value !== undefined && value !== null) out.push({ value, type, path });
}

function typeOf(value: unknown, declared: string | undefined): string {
  if (value && typeof value === 'object' && typeof (value as Resource).resourceType === 'string' && (declared === 'Resource' || declared === undefined || isResourceType(declared)))
    return (value as Resource).resourceType;
  if (declared && declared.startsWith('http://hl7.org/fhirpath/System.')) return 'string';
  return declared ?? 'Element';
}

const PRIMITIVES = new Set([
  'boolean', 'integer', 'string', 'decimal', 'uri', 'url', 'canonical', 'base64Binary', 'instant', 'date', 'dateTime',
  'time', 'code', 'oid', 'id', 'markdown', 'unsignedInt', 'positiveInt', 'uuid', 'xhtml',
]);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** FHIR pattern semantics: every property of the pattern is present with a matching value; each pattern array item matches some item. */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return pattern === value;
  if (Array.isArray(pattern)) {
    const items = Array.isArray(value) ? value : [value];
    return pattern.every((p) => items.some((v) => matchesPattern(p, v)));
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(pattern).every(([k, p]) => matchesPattern(p, (value as Record<string, unknown>)[k]));
}
