import { duplicatesOf } from '../fhir/json-duplicates.js';
import type { Finding } from './walker.js';

/**
 * Rules of the JSON representation (R4 json.html) and of resource ids that @medplum/core's base validation
 * leaves out, checked on every resource in the document (contained, bundled, inside Parameters):
 * - an array is never empty ("an array SHALL NOT be empty"; an absent element is left out);
 * - a resource id follows the `id` rule: 1 to 64 of `A-Z a-z 0-9 - .`;
 * - Resource.id is a FHIRPath System.String, not a FHIR element: it carries no extensions (`_id`);
 * - a property occurs once in an object: a repeated one (which JSON.parse drops silently, keeping the last) is
 *   found on the request body's text by the input guard and reported here, where the object is validated.
 */
export type Report = (severity: Finding['severity'], code: Finding['code'], key: string, params: (string | number)[], expression: string) => void;

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function checkJson(resource: unknown, path: string, report: Report): void {
  visit(resource, path, report, 0);
}

function visit(value: unknown, path: string, report: Report, depth: number): void {
  if (depth > 64 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (value.length === 0) report('error', 'structure', 'emptyArray', [path], path);
    for (let i = 0; i < value.length; i++) visit(value[i], `${path}[${i}]`, report, depth + 1);
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const name of duplicatesOf(obj)) report('error', 'structure', 'duplicateProperty', [name, path], `${path}.${name.startsWith('_') ? name.slice(1) : name}`);
  if (typeof obj.resourceType === 'string') {
    if (typeof obj.id === 'string' && !ID.test(obj.id)) report('error', 'value', 'invalidId', [obj.id, obj.id.length], `${path}.id`);
    if (obj._id !== undefined) report('error', 'structure', 'idExtension', [path], `${path}.id`);
  }
  for (const key of Object.keys(obj)) {
    const child = obj[key];
    if (child !== null && typeof child === 'object') visit(child, `${path}.${key.startsWith('_') ? key.slice(1) : key}`, report, depth + 1);
  }
}
