/**
 * Properties a JSON object of a request body repeated (R4 json.html: a property appears once in an object).
 * JSON.parse keeps the last value and says nothing, so the input guard (rest/input.ts) finds them on the text
 * and marks the parsed object that held them; validation (validation/json.ts) reports them wherever that object
 * is validated ($validate, a write, a bundle entry). The mark is an enumerable symbol property: copies of the
 * object made by spreading (meta stamping, id assignment) keep it, JSON.stringify leaves it out.
 */
const DUPLICATES = Symbol('duplicateJsonProperties');

export function markDuplicates(obj: object, names: string[]): void {
  const o = obj as Record<symbol, string[] | undefined>;
  o[DUPLICATES] = [...(o[DUPLICATES] ?? []), ...names];
}

/** The properties the object had more than once in the body it was parsed from (none when it has no mark). */
export function duplicatesOf(obj: object): readonly string[] {
  return (obj as Record<symbol, string[] | undefined>)[DUPLICATES] ?? [];
}
