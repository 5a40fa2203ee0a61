import type { ElementDefinition, ElementDefinitionType, StructureDefinition } from '@medplum/fhirtypes';
import { parseFhirPath, type FhirPathAtom } from '@medplum/core';

/**
 * A StructureDefinition snapshot as a tree: each element with its children and its slices (by element id:
 * `Patient.identifier:cedula.value` is the child `value` of the slice `cedula` of `Patient.identifier`).
 */
export interface ElementNode {
  id: string;
  /** The last path segment: `identifier`, `value[x]`. */
  name: string;
  el: ElementDefinition;
  children: ElementNode[];
  slices: ElementNode[];
  /** Constraints to evaluate here, with parsed expressions. */
  constraints: { key: string; severity: 'error' | 'warning'; human: string; atom: FhirPathAtom | undefined; base: boolean }[];
  fixed?: { kind: 'fixed' | 'pattern'; value: unknown };
  /** Cardinality differs from the base definition's (the base validator already checks unchanged ones). */
  ownCardinality: boolean;
  max: number;
}

export interface CompiledDefinition {
  sd: StructureDefinition;
  root: ElementNode;
  byId: Map<string, ElementNode>;
  /** A base R4 definition (not a profile): its cardinalities and error invariants are checked by @medplum/core. */
  isBase: boolean;
}

const cache = new WeakMap<StructureDefinition, CompiledDefinition>();

export function compile(sd: StructureDefinition, baseErrorKeys: Set<string>): CompiledDefinition {
  let c = cache.get(sd);
  if (!c) {
    c = build(sd, baseErrorKeys);
    cache.set(sd, c);
  }
  return c;
}

function build(sd: StructureDefinition, baseErrorKeys: Set<string>): CompiledDefinition {
  const elements = sd.snapshot?.element ?? [];
  const byId = new Map<string, ElementNode>();
  let root: ElementNode | undefined;
  for (const el of elements) {
    const id = el.id ?? el.path;
    const node = makeNode(id, el, baseErrorKeys);
    byId.set(id, node);
    if (!root) {
      root = node;
      continue;
    }
    const dot = lastSegmentStart(id);
    const last = id.slice(dot + 1);
    const colon = last.indexOf(':');
    if (colon >= 0 && !last.slice(0, colon).includes('.')) {
      // a slice: `a.b:s` is a slice of `a.b`; a reslice `a.b:s/t` of `a.b:s`
      const sliceName = last.slice(colon + 1);
      const slash = sliceName.lastIndexOf('/');
      const parentId = id.slice(0, dot + 1) + last.slice(0, colon) + (slash >= 0 ? `:${sliceName.slice(0, slash)}` : '');
      byId.get(parentId)?.slices.push(node);
      node.name = last.slice(0, colon);
    } else {
      byId.get(id.slice(0, dot))?.children.push(node);
    }
  }
  if (!root) throw new Error(`StructureDefinition ${sd.url} has no snapshot`);
  return { sd, root, byId, isBase: sd.derivation !== 'constraint' };
}

/** Index of the dot that starts the last segment (dots inside a slice name after ':' are not separators). */
function lastSegmentStart(id: string): number {
  let i = id.length - 1;
  for (; i >= 0; i--) if (id[i] === '.') break;
  return i;
}

function makeNode(id: string, el: ElementDefinition, baseErrorKeys: Set<string>): ElementNode {
  const dot = lastSegmentStart(id);
  const name = id.slice(dot + 1).split(':')[0];
  const constraints: ElementNode['constraints'] = [];
  for (const c of el.constraint ?? []) {
    if (!c.key || !c.expression || c.key === 'ele-1') continue;
    let atom: FhirPathAtom | undefined;
    try {
      atom = parseFhirPath(c.expression);
    } catch {
      atom = undefined;
    }
    constraints.push({ key: c.key, severity: c.severity === 'warning' ? 'warning' : 'error', human: c.human ?? c.expression, atom, base: baseErrorKeys.has(c.key) });
  }
  let fixed: ElementNode['fixed'];
  for (const k of Object.keys(el)) {
    if (k.startsWith('fixed')) fixed = { kind: 'fixed', value: (el as unknown as Record<string, unknown>)[k] };
    else if (k.startsWith('pattern')) fixed = { kind: 'pattern', value: (el as unknown as Record<string, unknown>)[k] };
  }
  const max = el.max === undefined || el.max === '*' ? Infinity : Number(el.max);
  const ownCardinality = !el.base || el.base.min !== el.min || el.base.max !== el.max;
  return { id, name, el, children: [], slices: [], constraints, fixed, ownCardinality, max };
}

/** The element's type entry for a value of the given type code. */
export function typeFor(el: ElementDefinition, code: string): ElementDefinitionType | undefined {
  return el.type?.find((t) => t.code === code) ?? (el.type?.length === 1 && el.type[0].code === 'Resource' ? el.type[0] : undefined);
}
