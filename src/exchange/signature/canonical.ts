/**
 * FHIR canonical JSON, `http://hl7.org/fhir/canonicalization/json` (FHIR R4 JSON format, §2.6.2.6 "Canonical
 * JSON"): the bytes a signature is computed over. The R4 text has two rules, applied here exactly:
 *
 *   1. "No whitespace other than single spaces in property values and in the xhtml in the Narrative": nothing
 *      between tokens; the content of strings (the narrative's xhtml included) is written as it is — the rule
 *      forbids formatting whitespace, it does not rewrite values.
 *   2. "Order properties alphabetically": the members of every object, at every depth, sorted by name. Names
 *      are compared by UTF-16 code units, the order of RFC 8785 (JCS), which FHIR R5 names for this method; FHIR
 *      property names are ASCII, where every alphabetical order agrees. Array order is kept.
 *
 * Primitives are written as ECMAScript's JSON.stringify writes them, which is the serialization RFC 8785
 * prescribes: strings with the minimal escapes (`"`, `\`, control characters as \b \f \n \r \t or \u00xx, all
 * other characters as UTF-8), numbers in their shortest round-trip form (a FHIR decimal `1.50` is `1.5`),
 * `true`, `false`, `null`. The narrative is kept (the variant `#data` would drop Resource.text); the
 * caller removes what is not signed (Bundle.signature) before calling.
 */
export function canonicalJson(value: unknown): string {
  // Fast path: the native JSON.stringify writes every primitive; the replacer hands it each object as a copy
  // with its members in sorted order (twice as fast as writing token by token). An object keeps integer-like
  // names ("10", "9") in numeric order whatever the insertion order, so a value with such a name (never a FHIR
  // element name) takes the slow path, which writes the sorted order itself.
  let integerName = false;
  const text = JSON.stringify(value, function (_key, v: unknown) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError('canonical JSON: a number that is not finite');
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(obj).sort()) {
      if (INTEGER_NAME.test(k)) integerName = true;
      sorted[k] = obj[k];
    }
    return sorted;
  });
  if (text === undefined) throw new TypeError(`canonical JSON: a value of type ${typeof value}`);
  if (!integerName) return text;
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

const INTEGER_NAME = /^(?:0|[1-9][0-9]*)$/;

/** The canonical form as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function write(v: unknown, out: string[]): void {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') {
    out.push(JSON.stringify(v));
    return;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError('canonical JSON: a number that is not finite');
    out.push(JSON.stringify(v));
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i] === undefined ? null : v[i], out);
    }
    out.push(']');
    return;
  }
  if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(obj[k], out);
    });
    out.push('}');
    return;
  }
  throw new TypeError(`canonical JSON: a value of type ${typeof v}`);
}
