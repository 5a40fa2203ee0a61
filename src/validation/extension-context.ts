import type { StructureDefinition } from '@medplum/fhirtypes';
import { isResourceType } from '../fhir/definitions.js';

/**
 * The context of an extension (StructureDefinition.context, R4 extensibility.html#context): where it may be
 * used. An `element` context names a type (`HumanName`, any ancestor such as `Element`, `Resource`) or an element
 * path (`Patient.birthDate`); an `extension` context names the extension it may be used in. A `fhirpath` context
 * is not evaluated (allowed). `type` is the type of the element carrying the extension, `elementPath` its path in
 * the definition being walked and `valuePath` its FHIRPath in the resource (indexes are ignored).
 */
export function contextAllows(sd: StructureDefinition, type: string, elementPath: string, valuePath: string, parentUrl?: string): boolean {
  const contexts = sd.context ?? [];
  if (contexts.length === 0) return true;
  const names = new Set([type, 'Element', 'Base']);
  if (isResourceType(type)) names.add('Resource').add('DomainResource');
  else if (type === 'BackboneElement' || !/^[A-Z]/.test(type)) names.add('BackboneElement');
  const tails = [tail(elementPath), tail(plain(valuePath))];
  for (const c of contexts) {
    const e = c.expression ?? '';
    if (c.type === 'fhirpath') return true;
    if (c.type === 'extension') {
      if (e === parentUrl) return true;
      continue;
    }
    if (names.has(e) || e === elementPath) return true;
    const t = tail(e);
    if (e.includes('.') && tails.some((x) => x === t || x.endsWith(`.${t}`))) return true;
  }
  return false;
}

/** `Patient.name[0].ofType(HumanName)` → `Patient.name` */
function plain(path: string): string {
  return path.replace(/\[\d+\]/g, '').replace(/\.ofType\([^)]*\)/g, '');
}

/** The path without its first segment (the type or resource it starts from); `[x]` dropped. */
function tail(path: string): string {
  const i = path.indexOf('.');
  return (i < 0 ? '' : path.slice(i + 1)).replace(/\[x\]/g, '');
}
