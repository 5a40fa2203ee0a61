import type { ElementDefinitionSlicingDiscriminator } from '@medplum/fhirtypes';
import { getStructureDefinition } from '../conformance/index.js';
import type { CompiledDefinition, ElementNode } from './elements.js';
import { conforms, deepEqual, matchesPattern, type Walker } from './walker.js';

/** A value found in the resource: its JSON, its FHIR type and its FHIRPath expression. */
export interface Located {
  value: unknown;
  type: string;
  path: string;
}

/**
 * Which slice a value belongs to, by the slicing's discriminators (value, pattern, type, exists, profile).
 * An extension slice typed by profile (how SUSHI writes them) has no `url` child: its URL is the profile's.
 */
export async function matchSlice(w: Walker, def: CompiledDefinition, node: ElementNode, v: Located): Promise<ElementNode | undefined> {
  const discriminators = node.el.slicing?.discriminator ?? [];
  if (!discriminators.length) return undefined;
  for (const slice of node.slices) {
    let all = true;
    for (const d of discriminators) {
      if (!(await matches(w, def, slice, d, v))) {
        all = false;
        break;
      }
    }
    if (all) return slice;
  }
  return undefined;
}

async function matches(w: Walker, def: CompiledDefinition, slice: ElementNode, d: ElementDefinitionSlicingDiscriminator, v: Located): Promise<boolean> {
  const path = (d.path ?? '$this').replace(/^\$this\.?/, '');
  const actual = navigate(v.value, path);
  switch (d.type) {
    case 'value':
    case 'pattern': {
      const expected = expectedValue(def, slice, path);
      if (expected === undefined) return false;
      return actual.some((a) => (expected.kind === 'fixed' && d.type === 'value' ? deepEqual(expected.value, a) : matchesPattern(expected.value, a)));
    }
    case 'exists': {
      const target = path ? def.byId.get(`${slice.id}.${path}`) : slice;
      if (!target) return true;
      if (target.el.max === '0') return actual.length === 0;
      if ((target.el.min ?? 0) > 0) return actual.length > 0;
      return true;
    }
    case 'type': {
      const target = path ? def.byId.get(`${slice.id}.${path}`) : slice;
      const codes = (target?.el.type ?? []).map((t) => t.code);
      if (!codes.length) return true;
      if (!path) return codes.includes(v.type);
      return actual.some((a) => codes.includes(typeOfJson(a)));
    }
    case 'profile': {
      const target = path ? def.byId.get(`${slice.id}.${path}`) : slice;
      const profiles = (target?.el.type ?? []).flatMap((t) => t.profile ?? []);
      for (const p of profiles) {
        const sd = getStructureDefinition(p);
        if (!sd?.snapshot) continue;
        for (const a of actual) if (await conforms(w, sd, a, path ? typeOfJson(a) : v.type)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

/** The fixed or pattern value the slice demands at a path: on the element itself, or inside an ancestor's pattern. */
function expectedValue(def: CompiledDefinition, slice: ElementNode, path: string): ElementNode['fixed'] | undefined {
  const parts = path ? path.split('.') : [];
  for (let n = parts.length; n >= 0; n--) {
    const id = n === 0 ? slice.id : `${slice.id}.${parts.slice(0, n).join('.')}`;
    const node = def.byId.get(id);
    if (!node) continue;
    if (node.fixed) {
      let value: unknown = node.fixed.value;
      for (const p of parts.slice(n)) value = Array.isArray(value) ? value[0]?.[p] : (value as Record<string, unknown> | undefined)?.[p];
      return value === undefined ? undefined : { kind: node.fixed.kind, value };
    }
    // an extension slice typed by profile: the url is the profile's canonical
    if (n === parts.length - 1 && parts[n] === 'url') {
      const profile = node.el.type?.find((t) => t.code === 'Extension')?.profile?.[0];
      if (profile) return { kind: 'fixed', value: profile.split('|')[0] };
    }
    if (n === 0 && parts.length === 1 && parts[0] === 'url') {
      const profile = slice.el.type?.find((t) => t.code === 'Extension')?.profile?.[0];
      if (profile) return { kind: 'fixed', value: profile.split('|')[0] };
    }
  }
  return undefined;
}

/** Follows a dotted path through JSON (arrays flattened); supports `resolve()`-free discriminator paths and ofType(). */
function navigate(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  if (!path) return current;
  for (const raw of path.split('.')) {
    const seg = raw.replace(/\.?ofType\(([^)]+)\)$/, '');
    const next: unknown[] = [];
    for (const c of current) {
      if (!c || typeof c !== 'object') continue;
      const obj = c as Record<string, unknown>;
      let v = obj[seg];
      if (v === undefined && seg.endsWith('[x]')) {
        const prefix = seg.slice(0, -3);
        const key = Object.keys(obj).find((k) => k.startsWith(prefix) && k.length > prefix.length && /[A-Z]/.test(k[prefix.length]));
        v = key ? obj[key] : undefined;
      }
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined) next.push(v);
    }
    current = next;
  }
  return current;
}

function typeOfJson(a: unknown): string {
  if (a && typeof a === 'object' && typeof (a as { resourceType?: unknown }).resourceType === 'string') return (a as { resourceType: string }).resourceType;
  if (typeof a === 'boolean') return 'boolean';
  if (typeof a === 'number') return Number.isInteger(a) ? 'integer' : 'decimal';
  return typeof a === 'string' ? 'string' : 'Element';
}
