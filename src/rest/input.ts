import { markDuplicates } from '../fhir/json-duplicates.js';
import { FhirError } from '../fhir/outcome.js';
import type { SearchLimits } from '../search/parse.js';

/**
 * The input guard: everything a client sends is decoded and checked here before any other code reads it —
 * the path and the query string (strict percent-decoding, UTF-8, no control characters, a bounded number of
 * parameters) and bodies (UTF-8, JSON depth, width, string length, elements per resource, entries
 * per bundle, and the JSON types of the elements the server itself reads before validation). The HTTP adapter
 * and the bundle processor (for each entry's url) both come through here, so a bundle entry is checked like a
 * request. Every failure is a FhirError: 400 for malformed input, 413 `too-long` past a size limit, 400
 * `too-costly` past a work limit, each naming the limit and its value.
 */
export interface InputLimits {
  /** Most parameters in one query string (names repeated count each time). */
  maxParams: number;
  maxJsonDepth: number;
  /** Most members of one JSON object or items of one array. */
  maxJsonWidth: number;
  /** Longest string (characters); FHIR R4 caps a string at 1 MB. base64Binary `data` is bounded by the body limit. */
  maxStringLength: number;
  /** Most JSON values in one resource (a contained or bundled resource counts on its own). */
  maxResourceElements: number;
  maxBundleEntries: number;
  /** A client's searches (SEARCH_MAX_VALUES, SEARCH_MAX_CHAIN_DEPTH, SEARCH_MAX_INCLUDES). */
  search: SearchLimits;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxParams: 50,
  maxJsonDepth: 100,
  maxJsonWidth: 10_000,
  maxStringLength: 1_048_576,
  maxResourceElements: 100_000,
  maxBundleEntries: 10_000,
  search: { maxValues: 500, maxChainDepth: 3, maxIncludes: 10 },
};

let limits: InputLimits = DEFAULT_INPUT_LIMITS;

/** Set once at start from the configuration. */
export function setInputLimits(l: InputLimits): void {
  limits = l;
}

export function searchLimits(): SearchLimits {
  return limits.search;
}

/** C0 control characters other than tab, line feed and carriage return, and DEL: never part of FHIR text. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

const invalid = (key: 'invalidEncoding' | 'controlCharacter', where: string, value: string): FhirError =>
  new FhirError(400, 'invalid', key, [where, printable(value)]);

/** A value shown in a message: control characters escaped, cut at 100 characters. */
export function printable(value: string): string {
  const cut = value.length > 100 ? `${value.slice(0, 100)}…` : value;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001F\u007F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Strict percent-decoding: a malformed escape or a byte sequence that is not UTF-8 (overlong forms too) is a 400. */
export function decodeComponent(raw: string, where: string): string {
  let decoded = raw;
  if (raw.includes('%')) {
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw invalid('invalidEncoding', where, raw);
    }
  }
  if (CONTROL.test(decoded)) throw invalid('controlCharacter', where, decoded);
  return decoded;
}

/** The path below the FHIR base, decoded. */
export function decodePath(rawPath: string): string {
  return decodeComponent(rawPath.replace(/^\/+/, ''), 'URL');
}

/**
 * A query string (application/x-www-form-urlencoded, as in a URL or a POST _search body), decoded strictly;
 * URLSearchParams alone would keep a bad escape as it is and turn bad UTF-8 into U+FFFD.
 */
export function parseQuery(raw: string, into = new URLSearchParams()): URLSearchParams {
  const query = into;
  if (raw.length === 0) return query;
  // Parameters already in `into` (a POST _search body adds to the URL's) count towards the limit.
  let count = query.size;
  for (const pair of raw.split('&')) {
    if (pair.length === 0) continue;
    if (++count > limits.maxParams) throw new FhirError(400, 'too-costly', 'tooManyParams', [limits.maxParams, 'SEARCH_MAX_PARAMS']);
    const eq = pair.indexOf('=');
    const rawName = (eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
    const rawValue = (eq < 0 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' ');
    const name = decodeComponent(rawName, 'parameter name');
    query.append(name, decodeComponent(rawValue, name));
  }
  return query;
}

/** A URL as a bundle entry or a client writes it relative to the base: its decoded path and query. */
export function parseRelativeUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return { path: decodePath(q >= 0 ? url.slice(0, q) : url), query: parseQuery(q >= 0 ? url.slice(q + 1) : '') };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A body's bytes as text: UTF-8 only (the charset parameter may say nothing else), and valid UTF-8. */
export function decodeBody(bytes: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw new FhirError(415, 'not-supported', 'unsupportedCharset', [charset]);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new FhirError(400, 'invalid', 'invalidUtf8', []);
  }
}

/**
 * JSON.parse after a cheap scan of the text for depth and width, so that absurd nesting or a huge array never
 * reaches the parser (a 30 MB array of numbers would take some hundred MB once parsed), then checkJson. The same
 * scan notes a property repeated in one object, which JSON.parse would drop silently (the last value wins): the
 * parsed object is marked with it (fhir/json-duplicates.ts), and validation reports it as an error.
 */
export function parseJson(text: string): unknown {
  let depth = 0;
  let inString = false;
  const items: number[] = [0];
  // per open container (depth 1 is the body itself): the property names met so far when it is an object, the
  // current property name, and how it is reached from its parent (a property name or an array index)
  const names: (Set<string> | undefined)[] = [undefined];
  const current: string[] = [''];
  const step: (string | number)[] = [0];
  let expectName = false;
  let start = 0;
  let duplicates: { at: (string | number)[]; name: string }[] | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) {
        inString = false;
        const seen = names[depth];
        if (expectName && seen) {
          expectName = false;
          let name = text.slice(start, i);
          if (name.includes('\\')) {
            try {
              name = JSON.parse(`"${name}"`) as string;
            } catch {
              // a bad escape: JSON.parse below refuses the body
            }
          }
          if (seen.has(name)) {
            if ((duplicates ??= []).length < 100) duplicates.push({ at: step.slice(2, depth + 1), name });
          } else seen.add(name);
          current[depth] = name;
        }
      }
    } else if (c === 34) {
      inString = true;
      start = i + 1;
    } else if (c === 44) {
      if (++items[depth] >= limits.maxJsonWidth) throw tooLong('tooWide', limits.maxJsonWidth, 'MAX_JSON_WIDTH', `character ${i}`);
      expectName = names[depth] !== undefined;
    } else if (c === 123 || c === 91) {
      const via = names[depth] ? current[depth] : items[depth];
      if (++depth > limits.maxJsonDepth) throw tooLong('tooDeep', limits.maxJsonDepth, 'MAX_JSON_DEPTH');
      items[depth] = 0;
      step[depth] = via;
      names[depth] = c === 123 ? new Set() : undefined;
      expectName = c === 123;
    } else if (c === 125 || c === 93) {
      names[depth] = undefined;
      depth = Math.max(0, depth - 1);
      expectName = false;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FhirError(400, 'invalid', 'invalidJson', [(err as Error).message]);
  }
  checkJson(value);
  for (const d of duplicates ?? []) {
    let holder: unknown = value;
    for (const k of d.at) holder = holder && typeof holder === 'object' ? (holder as Record<string | number, unknown>)[k] : undefined;
    if (holder && typeof holder === 'object' && !Array.isArray(holder)) markDuplicates(holder, [d.name]);
  }
  return value;
}

const tooLong = (key: 'tooDeep' | 'tooWide' | 'stringTooLong' | 'tooManyElements' | 'tooManyEntries', limit: number, setting: string, where = ''): FhirError =>
  new FhirError(413, 'too-long', key, [limit, setting, where]);

/**
 * Walks a parsed body once (its depth and width were checked on the text): string length, control characters
 * and unpaired surrogates (in keys and values), null in arrays, elements per resource and entries per bundle,
 * and the JSON types of what the server reads before a resource is validated (resourceType, id, meta, Bundle
 * entries and requests, Parameters).
 */
export function checkJson(root: unknown): void {
  // Elements of the resource being walked; a nested resource (contained, entry.resource) starts its own count.
  const counts: number[] = [0];
  const walk = (v: unknown, path: string, key: string): void => {
    if (++counts[counts.length - 1] > limits.maxResourceElements) throw tooLong('tooManyElements', limits.maxResourceElements, 'MAX_RESOURCE_ELEMENTS', path);
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength && key !== 'data') throw tooLong('stringTooLong', limits.maxStringLength, 'MAX_STRING_LENGTH', path);
      checkText(v, path);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`, key);
      return;
    }
    const o = v as Record<string, unknown>;
    const isResource = 'resourceType' in o;
    if (isResource) {
      checkEnvelope(o, path);
      counts.push(1);
    }
    for (const k of Object.keys(o)) {
      checkText(k, path);
      const v = o[k];
      // FHIR JSON has null in an array only to align a primitive array with its `_name` twin (json.html#primitive).
      if (Array.isArray(v) && !k.startsWith('_') && !(`_${k}` in o) && v.includes(null)) {
        throw new FhirError(400, 'structure', 'nullInArray', [path ? `${path}.${k}` : k]);
      }
      walk(v, path ? `${path}.${k}` : k, k);
    }
    if (isResource) counts.pop();
  };
  const rootType = isObject(root) && typeof root.resourceType === 'string' ? root.resourceType : '';
  walk(root, rootType, '');
}

function checkText(s: string, path: string): void {
  if (CONTROL.test(s)) throw new FhirError(400, 'invalid', 'controlCharacter', [path || 'body', printable(s)]);
  if (!s.isWellFormed()) throw new FhirError(400, 'invalid', 'invalidUtf8', []);
}

const wrongType = (path: string, expected: string): FhirError => new FhirError(400, 'structure', 'wrongJsonType', [path, expected]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function expectString(o: Record<string, unknown>, k: string, path: string): void {
  if (o[k] !== undefined && typeof o[k] !== 'string') throw wrongType(`${path}.${k}`, 'string');
}
function expectArrayOf(o: Record<string, unknown>, k: string, path: string, item: (v: unknown, p: string) => void): void {
  const v = o[k];
  if (v === undefined) return;
  if (!Array.isArray(v)) throw wrongType(`${path}.${k}`, 'array');
  v.forEach((x, i) => item(x, `${path}.${k}[${i}]`));
}
const objectItem = (v: unknown, p: string): void => {
  if (!isObject(v)) throw wrongType(p, 'object');
};
const stringItem = (v: unknown, p: string): void => {
  if (typeof v !== 'string') throw wrongType(p, 'string');
};
const codingItem = (v: unknown, p: string): void => {
  objectItem(v, p);
  for (const k of ['system', 'version', 'code', 'display']) expectString(v as Record<string, unknown>, k, p);
};

/**
 * The elements of a resource that the server reads before validating it (routing, access control, bundle
 * processing, meta handling, operation parameters): their JSON types, so no reader meets a type it does not
 * expect. Everything else is checked by the validator.
 */
function checkEnvelope(r: Record<string, unknown>, at: string): void {
  const path = at || (typeof r.resourceType === 'string' ? r.resourceType : 'resource');
  if (typeof r.resourceType !== 'string') throw wrongType(`${path}.resourceType`, 'string');
  expectString(r, 'id', path);
  if (r.meta !== undefined) {
    if (!isObject(r.meta)) throw wrongType(`${path}.meta`, 'object');
    const meta = r.meta;
    for (const k of ['versionId', 'lastUpdated', 'source']) expectString(meta, k, `${path}.meta`);
    expectArrayOf(meta, 'profile', `${path}.meta`, stringItem);
    expectArrayOf(meta, 'security', `${path}.meta`, codingItem);
    expectArrayOf(meta, 'tag', `${path}.meta`, codingItem);
  }
  if (r.text !== undefined) {
    if (!isObject(r.text)) throw wrongType(`${path}.text`, 'object');
    expectString(r.text, 'status', `${path}.text`);
    expectString(r.text, 'div', `${path}.text`);
  }
  expectArrayOf(r, 'contained', path, objectItem);
  for (const k of ['extension', 'modifierExtension']) {
    expectArrayOf(r, k, path, (v, p) => {
      objectItem(v, p);
      expectString(v as Record<string, unknown>, 'url', p);
    });
  }
  if (r.resourceType === 'Bundle') {
    expectString(r, 'type', path);
    if (Array.isArray(r.entry) && r.entry.length > limits.maxBundleEntries) throw tooLong('tooManyEntries', limits.maxBundleEntries, 'MAX_BUNDLE_ENTRIES', `${path}.entry`);
    expectArrayOf(r, 'entry', path, (e, p) => {
      objectItem(e, p);
      const entry = e as Record<string, unknown>;
      expectString(entry, 'fullUrl', p);
      if (entry.resource !== undefined && !isObject(entry.resource)) throw wrongType(`${p}.resource`, 'object');
      if (entry.request !== undefined) {
        if (!isObject(entry.request)) throw wrongType(`${p}.request`, 'object');
        for (const k of ['method', 'url', 'ifNoneMatch', 'ifModifiedSince', 'ifMatch', 'ifNoneExist']) expectString(entry.request, k, `${p}.request`);
      }
    });
  }
  if (r.resourceType === 'Parameters') {
    const parameter = (v: unknown, p: string): void => {
      objectItem(v, p);
      const o = v as Record<string, unknown>;
      if (typeof o.name !== 'string') throw wrongType(`${p}.name`, 'string');
      if (o.resource !== undefined && !isObject(o.resource)) throw wrongType(`${p}.resource`, 'object');
      expectArrayOf(o, 'part', p, parameter);
    };
    expectArrayOf(r, 'parameter', path, parameter);
  }
}
