import http from 'node:http';

/**
 * A seeded generator of hostile HTTP requests against the FHIR API, and a raw sender for them.
 *
 * Every request is a pure function of (seed, index): request i is made from its own PRNG seeded with both,
 * so one failing request can be replayed alone (HOSTILE_SEED=s HOSTILE_ONLY=i) without generating the
 * others. Requests are sent with node:http so that paths, queries and bodies may carry bytes fetch refuses
 * (raw 0x80-0xFF bytes, bad percent-escapes); Node itself still refuses control characters and spaces in the
 * request line and control characters in header values, so those travel percent-encoded in URLs and are
 * limited to TAB and 0x80-0xFF in headers.
 */

export interface HostileRequest {
  /** The generator class that made it (failures are grouped by it). */
  cls: string;
  method: string;
  /** Raw path from the origin, e.g. "/fhir/Patient?name=%ZZ"; a JS string whose chars are sent as latin1 bytes. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Resource ids the generator may read and write (never the test's known Patient). */
export interface Targets {
  /** An existing Patient with at least two versions. */
  patient: string;
  /** An existing Observation whose subject is `patient`. */
  observation: string;
}

export interface HostileResult {
  status?: number;
  /** A transport problem: timeout ("not answered"), reset, refused. */
  error?: string;
  contentType?: string;
  /** The X-Request-Id the app sets on every reply (absent when Node's HTTP parser answered). */
  requestId?: string;
  etag?: string;
  text: string;
  ms: number;
}

// ---------------------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: a tiny 32-bit seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = mulberry32(seed);
  }
  next(): number {
    return this.r();
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
}

/** One PRNG per request: seed and index mixed (splitmix-like) so neighbouring indices are unrelated. */
export function requestRng(seed: number, index: number): Rng {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return new Rng((h ^ (h >>> 16)) >>> 0);
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks

const B = '/fhir';
const FHIR = { 'Content-Type': 'application/fhir+json' };
const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };

/** Bad percent-escapes and escapes of bytes that are not valid UTF-8. */
const BAD_ESCAPES = ['%ZZ', '%', '%C0%AE', '%FF', '%E0%A4', '%ED%A0%80', '%F8%88%80%80%80', '%2', '%G1', '%%', '%C3', '%80'];
/** Control characters, percent-encoded. */
const CONTROLS = ['%00', '%01', '%7F', '%1B', '%0A', '%0D%0A', '%08', '%00%00%00'];
/** Raw bytes that are not valid UTF-8 (as latin1 chars: each char goes out as one byte). */
const RAW_BAD_BYTES = ['\xff', '\xfe\xff', '\xc0\xae', '\xc3', '\xed\xa0\x80', '\x80', '\xf8\x88\x80\x80\x80', '\xe0\xa4'];

function junkString(rng: Rng): string {
  return rng.pick([
    ...BAD_ESCAPES,
    ...CONTROLS,
    ...RAW_BAD_BYTES,
    '',
    '..',
    '.',
    '%2e%2e',
    '%2F',
    '*',
    '$',
    '\\',
    '"\'<>',
    '%22%27%3C%3E',
    'a'.repeat(300),
    'null',
    'undefined',
    '[]',
    '{}',
    '%E2%80%AE',
    '%F0%9F%98%80',
    'é',
    '-1',
    '1e999',
    'NaN',
    '0x10',
  ]);
}

function basePatient(id?: string): Record<string, unknown> {
  return {
    resourceType: 'Patient',
    ...(id ? { id } : {}),
    meta: { profile: ['http://hl7.org/fhir/StructureDefinition/Patient'], tag: [{ system: 'urn:x', code: 'y' }] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
    identifier: [{ system: 'urn:hostile', value: 'h1' }],
    name: [{ family: 'Hostile', given: ['Test'] }],
    gender: 'female',
    birthDate: '1990-01-01',
    managingOrganization: { reference: 'Organization/none' },
  };
}

function baseObservation(t: Targets, id?: string): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    ...(id ? { id } : {}),
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${t.patient}` },
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

function fakeId(rng: Rng): string {
  return `hostile-${rng.int(1e9).toString(36)}`;
}

function deepNest(depth: number, kind: 'array' | 'object' | 'mixed', rng: Rng): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const arr = kind === 'array' || (kind === 'mixed' && rng.chance(0.5));
    open += arr ? '[' : '{"a":';
    close = (arr ? ']' : '}') + close;
  }
  return `${open}1${close}`;
}

// ---------------------------------------------------------------------------------------------------------
// Generator classes

type Gen = (rng: Rng, t: Targets) => { method: string; path: string; headers: Record<string, string | undefined>; body?: string | Buffer };

const malformedJson: Gen = (rng, t) => {
  const valid = JSON.stringify(rng.chance(0.5) ? basePatient() : baseObservation(t));
  const body = rng.pick([
    () => valid.slice(0, 1 + rng.int(valid.length - 2)),
    () => valid + '}',
    () => valid.replace(/,/, ',,'),
    () => valid.replace('"final"', 'final').replace('"female"', 'female'),
    () => `{'resourceType':'Patient'}`,
    () => '{"resourceType":"Patient","active":NaN}',
    () => '{"resourceType":"Patient","active":tru',
    () => '\ufeff{"resourceType":"Patient"}',
    () => '{"resourceType":"Patient",}',
    () => '{"resourceType":"Patient"} {"resourceType":"Patient"}',
    () => '{"resourceType":"Patient","name":[{"family":"\\uD800"}]}',
    () => '{"resourceType":"Patient","name":[{"family":"\\u12"}]}',
    () => '{"resourceType":"Patient","__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}',
    () => 'null',
    () => 'true',
    () => '"Patient"',
    () => '12',
    () => '[]',
    () => '{}',
    () => '{"resourceType":"Patient","resourceType":"Observation"}',
    () => '   \n\t  ',
    () => '{"a":"\u0000"}',
    () => '{"resourceType":"Patient","birthDate":"1990-01-01"'.repeat(3),
  ])();
  const target = rng.pick([
    ['POST', `${B}/Patient`],
    ['PUT', `${B}/Patient/${fakeId(rng)}`],
    ['PUT', `${B}/Patient/${t.patient}`],
    ['POST', `${B}`],
    ['POST', `${B}/Patient/$validate`],
    ['POST', `${B}/ValueSet/$expand`],
    ['PATCH', `${B}/Patient/${t.patient}`],
    ['POST', `${B}/Observation`],
    ['POST', `${B}/Patient/_search`],
  ] as const);
  const headers = target[0] === 'PATCH' && rng.chance(0.5) ? JSON_PATCH : FHIR;
  return { method: target[0], path: target[1], headers, body };
};

const invalidUtf8Body: Gen = (rng, t) => {
  const bad = Buffer.from(rng.pick(RAW_BAD_BYTES), 'latin1');
  const resource = JSON.stringify(rng.chance(0.5) ? basePatient() : baseObservation(t));
  const [before, after] = rng.chance(0.5) ? resource.split('Hostile') : resource.split('8867-4');
  const body = after === undefined ? Buffer.concat([Buffer.from(resource), bad]) : Buffer.concat([Buffer.from(before), bad, Buffer.from(after ?? '')]);
  const ct = rng.pick([
    'application/fhir+json',
    'application/fhir+json; charset=utf-8',
    'application/fhir+json; charset=latin1',
    'application/fhir+json; charset=utf-16',
    'application/fhir+json; charset=junk',
    'application/json; charset=\xff',
  ]);
  const target = rng.pick([`${B}/Patient`, `${B}/Observation`, `${B}/Patient/$validate`, `${B}`]);
  return { method: 'POST', path: target, headers: { 'Content-Type': ct }, body: rng.chance(0.2) ? Buffer.concat([bad, body]) : body };
};

const invalidUtf8Url: Gen = (rng, t) => {
  const bad = rng.pick(RAW_BAD_BYTES);
  const path = rng.pick([
    `${B}/Patient/${bad}`,
    `${B}/Patient/${t.patient}${bad}`,
    `${B}/Patient${bad}`,
    `${B}/${bad}`,
    `${B}/Patient?name=${bad}`,
    `${B}/Patient?name${bad}=x`,
    `${B}/Patient?${bad}=${bad}`,
    `${B}/Observation?subject.name=${bad}`,
    `${B}/Patient/${t.patient}/_history/${bad}`,
    `${B}/Patient?_has:Observation:patient:code=${bad}`,
    `${B}/ValueSet/$expand?url=${bad}`,
    `${B}/Patient?_sort=${bad}`,
    `${B}/Patient?_include=${bad}`,
  ]);
  return { method: rng.chance(0.85) ? 'GET' : 'DELETE', path: path.replace(/^\/fhir\/Patient\?/, rng.chance(0.5) ? '/fhir/Patient?' : '/fhir/Basic?'), headers: {} };
};

const badEscapes: Gen = (rng, t) => {
  const e = rng.pick(BAD_ESCAPES);
  const path = rng.pick([
    `${B}/Patient/${e}`,
    `${B}/Patient/a${e}b`,
    `${B}/${e}`,
    `${B}/Patient${e}`,
    `${B}/Pat${e}ient/${t.patient}`,
    `${B}/Patient/${t.patient}/_history/${e}`,
    `${B}/Patient/${t.patient}/${e}`,
    `${B}/Patient/$valid${e}ate`,
    `${B}/Patient?name=${e}`,
    `${B}/Patient?na${e}me=x`,
    `${B}/Patient?${e}=x`,
    `${B}/Patient?${e}`,
    `${B}/Patient?name=a&${e}&gender=female`,
    `${B}/Patient?_id=${e}`,
    `${B}/Patient?identifier=${e}|${e}`,
    `${B}/Observation?subject=Patient/${e}`,
    `${B}/Observation?subject:Patient.name=${e}`,
    `${B}/Patient?birthdate=${e}`,
    `${B}/Patient?_sort=${e}`,
    `${B}/Patient?_count=${e}`,
    `${B}/Patient?_cursor=${e}`,
    `${B}/Patient?_elements=${e}`,
    `${B}/ValueSet/$expand?url=${e}`,
    `${B}/CodeSystem/$lookup?system=${e}&code=${e}`,
    `${B}/_history?_since=${e}`,
    `${B}/metadata?mode=${e}`,
  ]);
  const method = rng.pick(['GET', 'GET', 'GET', 'HEAD', 'DELETE', 'PUT', 'PATCH', 'POST']);
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE') {
    return { method, path: method === 'DELETE' ? path.replace('/Patient?', '/Basic?').replace(`/Patient/${t.patient}/`, `/Basic/${t.patient}/`) : path, headers: {} };
  }
  return { method, path, headers: FHIR, body: JSON.stringify(basePatient('x')) };
};

const controlChars: Gen = (rng, t) => {
  const c = rng.pick(CONTROLS);
  const kind = rng.int(3);
  if (kind === 0) {
    const path = rng.pick([
      `${B}/Patient/${c}`,
      `${B}/Patient/ab${c}cd`,
      `${B}/Patient/${t.patient}${c}`,
      `${B}/Patient?name=${c}`,
      `${B}/Patient?name:contains=x${c}y`,
      `${B}/Patient?identifier=urn:x${c}|v${c}`,
      `${B}/Observation?subject.name=${c}`,
      `${B}/Observation?subject:Patient.identifier=${c}|${c}`,
      `${B}/Patient?_has:Observation:patient:code=${c}`,
      `${B}/Patient?na${c}me=x`,
      `${B}/Patient?_sort=name${c}`,
      `${B}/Patient?_id=${c}`,
      `${B}/Patient/${t.patient}/_history/1${c}`,
      `${B}/ValueSet/$expand?filter=${c}`,
      `${B}/Patient?_text=${c}`,
      `${B}/Patient?_content=${c}`,
    ]);
    return { method: 'GET', path, headers: {} };
  }
  if (kind === 1) {
    // JSON strings with escaped and raw control characters
    const raw = rng.pick(['\u0000', '\u0001', '\u007f', '\u001b', '\u0008']);
    const body = rng.chance(0.5)
      ? JSON.stringify({ ...basePatient(), id: `a${raw}b`, name: [{ family: `x${raw}y` }] })
      : `{"resourceType":"Patient","name":[{"family":"a${raw}b"}]}`;
    return { method: 'POST', path: `${B}/Patient`, headers: FHIR, body };
  }
  // header values: Node only lets TAB and 0x80-0xFF through
  const v = rng.pick(['\t', '\xff', '\x80\x81', 'a\tb', '\xc0\xae', '\t\t\t']);
  const h = rng.pick(['If-Match', 'If-None-Match', 'If-None-Exist', 'If-Modified-Since', 'Prefer', 'Accept', 'Accept-Language', 'X-Request-Id', 'Content-Type', 'Authorization']);
  const method = rng.pick(['GET', 'PUT', 'POST']);
  if (method === 'GET') return { method, path: `${B}/Patient/${t.patient}`, headers: { [h]: v } };
  if (method === 'PUT') return { method, path: `${B}/Patient/${t.patient}`, headers: { ...FHIR, [h]: v }, body: JSON.stringify(basePatient(t.patient)) };
  return { method, path: `${B}/Patient`, headers: { ...FHIR, [h]: v }, body: JSON.stringify(basePatient()) };
};

const wrongContentType: Gen = (rng, t) => {
  const ct = rng.pick([
    'text/plain',
    'application/xml',
    'application/fhir+xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    '*/*',
    'application/fhir+json;;;',
    'application/fhir+json; charset',
    'application/fhir+json; charset=',
    'application/json-patch+json',
    'application/fhir+json, text/plain',
    'application/',
    ';',
    'application/fhir+json; fhirVersion=9.9',
    '',
  ]);
  const target = rng.pick([
    ['POST', `${B}/Patient`],
    ['PUT', `${B}/Patient/${t.patient}`],
    ['PATCH', `${B}/Patient/${t.patient}`],
    ['POST', `${B}`],
    ['POST', `${B}/Patient/_search`],
    ['POST', `${B}/Patient/$validate`],
  ] as const);
  const body = target[1].endsWith('_search') && rng.chance(0.5) ? 'name=x&gender=female' : JSON.stringify(basePatient(target[0] === 'PUT' ? t.patient : undefined));
  const headers: Record<string, string> = ct === '' ? {} : { 'Content-Type': ct };
  if (rng.chance(0.3)) headers.Accept = rng.pick(['application/xml', 'text/html', 'junk', '*/*;q=junk', 'application/fhir+xml;q=1, application/fhir+json;q=0', '']);
  if (rng.chance(0.2)) return { method: 'GET', path: `${B}/Patient?_format=${rng.pick(['xml', 'junk', '%ZZ', 'text/turtle', ''])}`, headers };
  return { method: target[0], path: target[1], headers, body };
};

const hugeStrings: Gen = (rng, t) => {
  const size = rng.pick([2, 2, 3]) * 1024 * 1024;
  const big = rng.pick(['a', 'é', '\\u0000', ' ']).repeat(size / 2);
  const kind = rng.int(6);
  if (kind === 0) return { method: 'POST', path: `${B}/Patient`, headers: FHIR, body: JSON.stringify({ ...basePatient(), name: [{ family: big }] }) };
  if (kind === 1) return { method: 'POST', path: `${B}/Patient/_search`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `name=${'x'.repeat(size)}` };
  if (kind === 2) return { method: 'PUT', path: `${B}/Patient/${t.patient}`, headers: FHIR, body: JSON.stringify({ ...basePatient(t.patient), text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(size)}</div>` } }) };
  if (kind === 3) return { method: 'POST', path: `${B}/Patient/$validate`, headers: FHIR, body: JSON.stringify({ ...basePatient(), id: 'a'.repeat(size) }) };
  if (kind === 4) {
    // a big body of whitespace around a small resource (some MB)
    return { method: 'POST', path: `${B}/Patient`, headers: FHIR, body: ' '.repeat(size * 2) + JSON.stringify(basePatient()) };
  }
  // a big batch: many small junk entries
  const entry = { request: { method: 'GET', url: 'Patient?name=x%ZZ' } };
  return { method: 'POST', path: `${B}`, headers: FHIR, body: JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: Array(2000).fill(entry) }) };
};

const deepJson: Gen = (rng, t) => {
  const depth = rng.pick([101, 150, 1000, 10_000, 200_000]);
  const nest = deepNest(depth, rng.pick(['array', 'object', 'mixed'] as const), rng);
  const kind = rng.int(5);
  let body: string;
  if (kind === 0) body = nest;
  else if (kind === 1) body = `{"resourceType":"Patient","extension":${nest}}`;
  else if (kind === 2) {
    // FHIR-shaped deep nesting: extension in extension
    let ext = '{"url":"urn:x","valueString":"v"}';
    for (let i = 0; i < Math.min(depth, 5000); i++) ext = `{"url":"urn:x","extension":[${ext}]}`;
    body = `{"resourceType":"Patient","extension":[${ext}]}`;
  } else if (kind === 3) body = `{"resourceType":"Parameters","parameter":[{"name":"resource","part":${nest}}]}`;
  else {
    let part = '{"name":"x","valueString":"v"}';
    for (let i = 0; i < Math.min(depth, 3000); i++) part = `{"name":"p","part":[${part}]}`;
    body = `{"resourceType":"Parameters","parameter":[${part}]}`;
  }
  const target = rng.pick([
    ['POST', `${B}/Patient`],
    ['POST', `${B}`],
    ['POST', `${B}/Patient/$validate`],
    ['PATCH', `${B}/Patient/${t.patient}`],
    ['POST', `${B}/ValueSet/$expand`],
  ] as const);
  return { method: target[0], path: target[1], headers: FHIR, body };
};

const wideJson: Gen = (rng, t) => {
  const n = 100_000;
  const kind = rng.int(5);
  let body: string;
  if (kind === 0) {
    const o: Record<string, number> = { };
    for (let i = 0; i < n; i++) o[`k${i}`] = i;
    body = JSON.stringify({ resourceType: 'Patient', ...o });
  } else if (kind === 1) {
    body = JSON.stringify({ ...basePatient(), identifier: Array.from({ length: n }, (_, i) => ({ system: 'urn:w', value: `v${i}` })) });
  } else if (kind === 2) {
    body = JSON.stringify({ ...basePatient(), name: [{ family: 'W', given: Array(n).fill('g') }] });
  } else if (kind === 3) {
    const ext: Record<string, string> = {};
    for (let i = 0; i < n; i++) ext[`_k${i}`] = 'x';
    body = JSON.stringify({ ...basePatient(), meta: ext });
  } else {
    body = JSON.stringify({ resourceType: 'Parameters', parameter: Array.from({ length: 20_000 }, (_, i) => ({ name: `p${i}`, valueString: 'x' })) });
    return { method: 'POST', path: `${B}/ValueSet/$expand`, headers: FHIR, body };
  }
  return { method: rng.pick(['POST', 'POST', 'PUT']), path: rng.chance(0.7) ? `${B}/Patient` : `${B}/Patient/$validate`, headers: FHIR, body };
};

/** A value of the wrong JSON type for a slot that expects another. */
function wrongValue(rng: Rng): unknown {
  return rng.pick<unknown>([1, -1, 1.5, 1e308, true, false, null, 'str', '', [], [1, {}], [null], {}, { a: 1 }, [[[]]], 'Patient']);
}

const wrongTypes: Gen = (rng, t) => {
  const p = basePatient();
  const o = baseObservation(t);
  const set = (obj: Record<string, unknown>, path: string, v: unknown): Record<string, unknown> => {
    const parts = path.split('.');
    let cur: Record<string, unknown> = obj;
    for (const k of parts.slice(0, -1)) {
      const next = cur[k];
      cur = (Array.isArray(next) ? next[0] : next) as Record<string, unknown>;
    }
    cur[parts[parts.length - 1]] = v;
    return obj;
  };
  const cases: Array<() => { path: string; body: unknown; method?: string; url?: string }> = [
    () => ({ path: 'resourceType', body: set(p, 'resourceType', rng.pick([1, ['Patient'], {}, null, true])) }),
    () => ({ path: 'id', body: set(p, 'id', rng.pick([{}, 1, ['x'], true])) }),
    () => ({ path: 'meta', body: set(p, 'meta', rng.pick(['string', 1, [], true])) }),
    () => ({ path: 'meta.profile', body: set(p, 'meta.profile', rng.pick([[1, {}], 'http://x', [null], {}])) }),
    () => ({ path: 'meta.tag', body: set(p, 'meta.tag', rng.pick(['string', [1], [null], {}])) }),
    () => ({ path: 'meta.security', body: set(p, 'meta.security', rng.pick([[null], 'x', [{ system: 1, code: {} }], {}])) }),
    () => ({ path: 'meta.versionId', body: set(p, 'meta.versionId', rng.pick([1, {}, [], null])) }),
    () => ({ path: 'meta.lastUpdated', body: set(p, 'meta.lastUpdated', rng.pick([1, {}, 'junk', '9999-99-99'])) }),
    () => ({ path: 'text.div', body: set(p, 'text.div', rng.pick([1, {}, [], null, '<div>unclosed', '<script>x</script>'])) }),
    () => ({ path: 'text', body: set(p, 'text', rng.pick(['x', 1, []])) }),
    () => ({ path: 'extension', body: set(p, 'extension', rng.pick([{}, 'x', 1, [1], [{ url: 1 }], [{ url: 'urn:x', valueFoo: 1 }]])) }),
    () => ({ path: 'modifierExtension', body: set(p, 'modifierExtension', rng.pick([{}, [null], [{ url: {} }]])) }),
    () => ({ path: 'contained', body: set(p, 'contained', rng.pick(['string', {}, [1], [{}], [{ resourceType: 1 }], [{ resourceType: 'Patient', contained: [{ resourceType: 'Patient' }] }]])) }),
    () => ({ path: 'name', body: set(p, 'name', rng.pick(['string', 1, {}, [1], [null], [{ family: 1, given: 'x' }], [{ given: [1, {}] }]])) }),
    () => ({ path: 'identifier.system', body: set(p, 'identifier.system', rng.pick([1, {}, [], true])) }),
    () => ({ path: 'identifier', body: set(p, 'identifier', rng.pick(['x', {}, [null], [1], [{ value: {} }]])) }),
    () => ({ path: 'birthDate', body: set(p, 'birthDate', rng.pick([1990, {}, '1990-13-45', 'xx', '', []])) }),
    () => ({ path: 'gender', body: set(p, 'gender', rng.pick([1, {}, ['female'], 'junk', null])) }),
    () => ({ path: 'managingOrganization.reference', body: set(p, 'managingOrganization.reference', rng.pick([1, {}, [], 'Organization/%ZZ', '#', 'urn:uuid:x', ''])) }),
    () => ({ path: 'managingOrganization', body: set(p, 'managingOrganization', rng.pick(['Organization/x', 1, [], { reference: 'x', type: 1 }])) }),
    () => ({ path: 'unknown', body: set(p, rng.pick(['unknownField', '_birthDate', '_gender', 'resourceType2']), wrongValue(rng)) }),
    () => ({ path: 'Obs.subject.reference', body: set(o, 'subject.reference', rng.pick([1, {}, [], null, 'Patient/', 'Patient//x', '/Patient/x'])), url: `${B}/Observation` }),
    () => ({ path: 'Obs.value', body: set(o, 'valueQuantity', rng.pick(['x', 1, { value: 'x' }, { value: {} }, { value: 1e999 }, { value: 1, system: 1 }])), url: `${B}/Observation` }),
    () => ({ path: 'Obs.code', body: set(o, 'code', rng.pick(['x', 1, [], { coding: 'x' }, { coding: [1] }, { coding: [{ system: {} }] }])), url: `${B}/Observation` }),
    () => ({ path: 'Obs.status', body: set(o, 'status', wrongValue(rng)), url: `${B}/Observation` }),
    () => ({ path: 'Bundle.entry', body: { resourceType: 'Bundle', type: rng.pick(['transaction', 'batch']), entry: rng.pick([{}, 'x', 1, [1], [null], [[]]]) }, url: B }),
    () => ({ path: 'Bundle.type', body: { resourceType: 'Bundle', type: wrongValue(rng), entry: [] }, url: B }),
    () => ({ path: 'entry.request', body: { resourceType: 'Bundle', type: rng.pick(['transaction', 'batch']), entry: [{ request: rng.pick(['GET Patient', 1, [], null]) }] }, url: B }),
    () => ({ path: 'entry.request.url', body: { resourceType: 'Bundle', type: rng.pick(['transaction', 'batch']), entry: [{ request: { method: 'GET', url: wrongValue(rng) } }] }, url: B }),
    () => ({ path: 'entry.request.method', body: { resourceType: 'Bundle', type: rng.pick(['transaction', 'batch']), entry: [{ request: { method: wrongValue(rng), url: 'Patient' } }] }, url: B }),
    () => ({
      path: 'entry.fullUrl',
      body: { resourceType: 'Bundle', type: rng.pick(['transaction', 'batch']), entry: [{ fullUrl: wrongValue(rng), resource: basePatient(), request: { method: 'POST', url: 'Patient' } }] },
      url: B,
    }),
    () => ({
      path: 'entry.resource',
      body: { resourceType: 'Bundle', type: rng.pick(['transaction', 'batch']), entry: [{ resource: rng.pick([[basePatient()], 'x', 1, {}, { resourceType: 1 }]), request: { method: 'POST', url: 'Patient' } }] },
      url: B,
    }),
    () => ({ path: 'entry.request.ifMatch', body: { resourceType: 'Bundle', type: 'batch', entry: [{ resource: basePatient(t.patient), request: { method: 'PUT', url: `Patient/${t.patient}`, ifMatch: wrongValue(rng) } }] }, url: B }),
    () => ({ path: 'entry.request.ifNoneExist', body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: basePatient(), request: { method: 'POST', url: 'Patient', ifNoneExist: wrongValue(rng) } }] }, url: B }),
    () => ({ path: 'Parameters.parameter', body: { resourceType: 'Parameters', parameter: rng.pick(['string', 1, {}, [1], [null], [{ name: 1 }], [{ name: 'resource', resource: 'x' }], [{ name: 'url', valueUri: {} }]]) }, url: rng.pick([`${B}/Patient/$validate`, `${B}/ValueSet/$expand`, `${B}/CodeSystem/$lookup`, `${B}/ConceptMap/$translate`, `${B}/ValueSet/$validate-code`, `${B}/CodeSystem/$validate-code`, `${B}/CodeSystem/$subsumes`]) }),
  ];
  const c = rng.pick(cases)();
  const url = c.url ?? rng.pick([`${B}/Patient`, `${B}/Patient`, `${B}/Patient/$validate`]);
  if (url === `${B}/Patient` && rng.chance(0.3)) {
    const id = fakeId(rng);
    const body = c.body as Record<string, unknown>;
    if (c.path !== 'id') body.id = id;
    return { method: 'PUT', path: `${B}/Patient/${id}`, headers: FHIR, body: JSON.stringify(body) };
  }
  return { method: 'POST', path: url, headers: FHIR, body: JSON.stringify(c.body) };
};

const badIds: Gen = (rng) => {
  const id = rng.pick(['a'.repeat(65), 'a'.repeat(1000), 'a'.repeat(8000), 'a$b', 'a_b', '..', '.', '%2e%2e', 'a%20b', 'a%2Fb', '%C3%A9', 'é', '-', '--', 'A.B.C', '_history', '$validate', '*', '~', 'a+b', '1e999', '%00']);
  const method = rng.pick(['GET', 'GET', 'HEAD', 'DELETE', 'PUT', 'PATCH']);
  const path = rng.pick([`${B}/Patient/${id}`, `${B}/Patient/${id}/_history`, `${B}/Patient/${id}/_history/1`, `${B}/Basic/${id}`, `${B}/Patient/${id}/$validate`]);
  if (method === 'PUT') return { method, path: `${B}/Patient/${id}`, headers: FHIR, body: JSON.stringify(basePatient(decodeSafe(id))) };
  if (method === 'PATCH') return { method, path: `${B}/Patient/${id}`, headers: JSON_PATCH, body: '[{"op":"replace","path":"/gender","value":"male"}]' };
  return { method, path: method === 'DELETE' ? path.replace('/Patient/', '/Basic/') : path, headers: {} };
};

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const badVersions: Gen = (rng, t) => {
  const v = rng.pick(['abc', '-1', '0', '99999999999999999999', '1.5', '1e3', '%20', '%ZZ', '01', '+1', '2147483648', '9007199254740993', '1%00', '', '_history', 'NaN', '0x1']);
  const path = rng.pick([`${B}/Patient/${t.patient}/_history/${v}`, `${B}/Observation/${t.observation}/_history/${v}`, `${B}/Patient/${t.patient}/_history/${v}/extra`]);
  return { method: rng.pick(['GET', 'GET', 'HEAD', 'DELETE', 'PUT']), path, headers: {} };
};

const badSearchValues: Gen = (rng) => {
  const q = rng.pick([
    'Patient?birthdate=xx2020',
    'Patient?birthdate=2020-13-45',
    'Patient?birthdate=2020-02-30',
    'Patient?birthdate=gt',
    'Patient?birthdate=eq',
    'Patient?birthdate=ap2020-01-01T25:61:61Z',
    'Patient?birthdate=99999-01-01',
    'Patient?birthdate=-2020',
    'Patient?birthdate=2020-01-01T00:00:00+99:99',
    'Patient?birthdate=ge2020&birthdate=le2019&birthdate=ne',
    'Patient?_lastUpdated=gt',
    'Patient?_lastUpdated=gtnow',
    'Patient?_lastUpdated=lt0000-00-00',
    'Observation?value-quantity=abc',
    'Observation?value-quantity=5||',
    'Observation?value-quantity=5|x|y|z',
    'Observation?value-quantity=gt1e999',
    'Observation?value-quantity=-1e-999|http://unitsofmeasure.org|',
    'Observation?value-quantity=NaN',
    'Observation?value-quantity=Infinity',
    'Encounter?length=1e999',
    'Encounter?length=abc',
    'Encounter?length=gt-',
    'RiskAssessment?probability=1e999',
    'RiskAssessment?probability=xx0.5',
    'RiskAssessment?probability=0x10',
    'Observation?code-value-quantity=http://loinc.org|8867-4$abc',
    'Observation?code-value-quantity=$',
    'Observation?combo-code-value-quantity=$$$',
    'Location?near=junk',
    'Location?near=1|2|3|km|x',
    'Location?near=999|999|1e999|km',
    'Patient?identifier=|||',
    'Patient?identifier=|',
    'Patient?gender=',
    'Patient?name=',
    'Patient?_id=',
    'Patient?_id=,,,,',
    'Patient?_type=Patient',
    '?_type=Spaceship',
    '?_type=',
    '?_type=,,,',
    'Observation?subject=Patient/',
    'Observation?subject=/',
    'Observation?subject=http://other.example/fhir/Patient/x',
    'Observation?subject=Spaceship/1',
    'Observation?date=ge2020-01-01T25:00',
    'Patient?address-postalcode:exact=',
    'Patient?_text=',
    'Patient?_content=(((',
    'Patient?_list=',
    'Patient?_filter=name%20eq%20x',
    'Patient?_query=junk',
    'Patient?_since=junk',
    '_history?_since=junk',
    '_history?_since=2020-13-45',
    '_history?_at=junk',
    'Patient/_history?_count=-5',
    'Patient?_total=junk',
    'Patient?_contained=junk',
    'Patient?_containedType=junk',
    'Patient?_security=|',
    'Patient?_tag:not=',
    'Patient?_profile=%ZZ',
  ]);
  return { method: rng.chance(0.8) ? 'GET' : 'HEAD', path: `${B}/${q}`, headers: {} };
};

const modifiers: Gen = (rng) => {
  const q = rng.pick([
    'Patient?name:foo=x',
    'Patient?name:=x',
    'Patient?:name=x',
    'Patient?:=x',
    'Patient?name::=x',
    'Patient?name:exact:exact=x',
    'Patient?name:missing=maybe',
    'Patient?gender:missing=',
    'Patient?gender:text=x',
    'Patient?gender:not=',
    'Patient?gender:in=junk',
    'Patient?gender:in=%ZZ',
    'Patient?gender:below=x',
    'Patient?gender:above=',
    'Patient?identifier:of-type=x|y',
    'Patient?identifier:of-type=|||',
    'Patient?identifier:of-type=',
    'Patient?identifier:text=',
    'Observation?code:in=http://nonexistent/vs',
    'Observation?code:not-in=',
    'Observation?code:below=http://loinc.org|',
    'Observation?subject:Patient=x',
    'Observation?subject:Spaceship=x',
    'Observation?subject:identifier=|||',
    'Observation?subject:missing=1',
    'Observation?subject:above=x',
    'Patient?birthdate:missing=x',
    'Patient?birthdate:exact=2020',
    'Patient?_id:missing=true',
    'Patient?_id:exact=x',
    'Patient?_lastUpdated:missing=false',
    'Patient?name:contains=',
    'Patient?name:contains=%',
    'Patient?name:contains=_',
    'Patient?name:contains=%25%25%25',
    'Patient?name:text=!!!',
    'Patient?name:iterate=x',
    'Patient?_include:foo=Patient:organization',
    'Patient?_sort:desc=name',
  ]);
  return { method: 'GET', path: `${B}/${q}`, headers: {} };
};

const chainsAndHas: Gen = (rng) => {
  const q = rng.pick([
    'Observation?subject.=x',
    'Observation?subject..name=x',
    'Observation?.name=x',
    'Observation?subject.name.=x',
    'Observation?subject:Foo.name=x',
    'Observation?subject:Patient.=x',
    'Observation?subject.foo=x',
    'Observation?subject.name:foo=x',
    'Observation?code.name=x',
    `Observation?${Array(25).fill('subject').join('.')}.name=x`,
    `Observation?subject:Patient.${Array(12).fill('general-practitioner').join('.')}.name=x`,
    'Observation?subject._has:Observation:patient:code=x',
    'Patient?_has:=x',
    'Patient?_has:Observation=x',
    'Patient?_has:Observation:patient=x',
    'Patient?_has:Observation:patient:=x',
    'Patient?_has:Observation::code=x',
    'Patient?_has::patient:code=x',
    'Patient?_has:Spaceship:patient:code=x',
    'Patient?_has:Observation:foo:code=x',
    'Patient?_has:Observation:patient:foo=x',
    'Patient?_has:Observation:patient:code:foo=x',
    'Patient?_has:Observation:patient:code=',
    'Patient?_has:Observation:subject:subject.name=x',
    `Patient?${Array(20).fill('_has:Observation:patient').join(':')}:code=x`,
    `Patient?${Array(8).fill('_has:Patient:link').join(':')}:name=x`,
    'Patient?_has:Observation:patient:_has:Observation:patient:_has=x',
    'Patient?_has:Observation:patient:code:missing=maybe',
    'Patient?_has:Observation:patient:value-quantity=abc',
    'Patient?_has:Observation:patient:date=xx2020',
    'Patient?_has:Observation:patient:_id=%00',
    '?_has:Observation:patient:code=x',
    'Observation?patient._has:Observation:patient:patient.name=x',
  ]);
  return { method: 'GET', path: `${B}/${q}`, headers: {} };
};

const repeated: Gen = (rng) => {
  const n = 300; // 1000 × gender=female (14 KB URL) holds the PGlite database for minutes: see the report
  const p = rng.pick(['name=', 'name=x', 'gender=female', '_sort=name', '_include=Patient:organization', '_id=a', '_count=1', '_has:Observation:patient:code=x', 'birthdate=ge2020', '_elements=name', 'general-practitioner.name=x', '_revinclude=Observation:subject']);
  const type = p.startsWith('general') ? 'Patient' : rng.pick(['Patient', 'Patient', '']);
  const q = Array(n).fill(p).join('&');
  if (q.length > 14_000) return { method: 'POST', path: `${B}/${type ? `${type}/` : ''}_search`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: q };
  return { method: 'GET', path: `${B}/${type}?${q}`, headers: {} };
};

const paging: Gen = (rng) => {
  const q = rng.pick([
    '_count=-1',
    '_count=99999999999',
    '_count=9007199254740993',
    '_count=abc',
    '_count=1e3',
    '_count=1.5',
    '_count=',
    '_count=0',
    '_count=%00',
    '_count=-0',
    '_count=1&_count=2',
    '_cursor=junk',
    '_cursor=',
    '_cursor=%ZZ',
    '_cursor=eyJ4IjoxfQ',
    `_cursor=${'A'.repeat(5000)}`,
    '_cursor=..%2F..',
    '_offset=-1',
    '_page=-1',
    '_getpages=x',
    '_total=accurate&_count=-1',
    '_summary=count&_count=99999999999',
  ]);
  const type = rng.pick(['Patient', 'Observation', '', 'Patient/_history', '_history']);
  return { method: 'GET', path: `${B}/${type}${type ? '' : ''}?${q}`, headers: {} };
};

const sortInclude: Gen = (rng) => {
  const q = rng.pick([
    '_sort=junk',
    '_sort=',
    '_sort=-',
    '_sort=,,,',
    '_sort=--name',
    '_sort=name,-name,name',
    '_sort=_score',
    '_sort=subject.name',
    '_sort=_has:Observation:patient:code',
    '_sort=%ZZ',
    '_sort=name:exact',
    '_include=junk',
    '_include=',
    '_include=Patient:',
    '_include=:organization',
    '_include=*',
    '_include=*:*',
    '_include=Patient:*',
    '_include=Patient:organization:Spaceship',
    '_include=Patient:name',
    '_include=Spaceship:x',
    '_include:iterate=*',
    '_include:iterate=Patient:link:Patient&_include:iterate=Patient:link',
    '_include:recurse=junk',
    '_include:foo=Patient:organization',
    '_revinclude=junk',
    '_revinclude=Observation:',
    '_revinclude=*',
    '_revinclude=Observation:subject:Spaceship',
    '_revinclude:iterate=Observation:subject',
    '_elements=junk',
    '_elements=',
    '_elements=,,,',
    '_elements=name.family',
    '_elements=*',
    '_elements=-name',
    '_elements=%00',
    '_summary=junk',
    '_summary=',
    '_summary=true&_summary=false',
    '_summary=count&_elements=name',
    '_summary=text&_include=*',
    '_summary=data&_sort=junk',
    '_pretty=junk',
    '_format=junk',
  ]);
  const type = rng.pick(['Patient', 'Observation', '']);
  return { method: 'GET', path: `${B}/${type}?${q}`, headers: {} };
};

const badBundles: Gen = (rng, t) => {
  const type = rng.pick(['transaction', 'batch']);
  const u1 = `urn:uuid:${'1'.repeat(8)}-1111-4111-8111-${rng.int(1e12).toString().padStart(12, '0')}`;
  const u2 = `urn:uuid:${'2'.repeat(8)}-2222-4222-8222-${rng.int(1e12).toString().padStart(12, '0')}`;
  const pat = (extra: Record<string, unknown> = {}) => ({ ...basePatient(), ...extra });
  const cases: Array<() => unknown> = [
    // duplicate fullUrls
    () => ({ resourceType: 'Bundle', type, entry: [0, 1].map(() => ({ fullUrl: u1, resource: pat(), request: { method: 'POST', url: 'Patient' } })) }),
    // entries without request
    () => ({ resourceType: 'Bundle', type, entry: [{ fullUrl: u1, resource: pat() }, { resource: pat() }] }),
    // request.method junk
    () => ({ resourceType: 'Bundle', type, entry: [{ resource: pat(), request: { method: rng.pick(['FOO', 'get', '', 'CONNECT', 'PATCH', 'HEAD', 'OPTIONS']), url: 'Patient' } }] }),
    // request.url junk
    () => ({ resourceType: 'Bundle', type, entry: [{ request: { method: rng.pick(['GET', 'DELETE', 'PUT', 'POST']), url: junkPick(rng, ['', '/', '?', 'Patient/../../x', 'http://evil.example/fhir/Patient/1', 'Patient/%ZZ', 'Patient?name=%ZZ', 'Spaceship/1', '$validate', 'Patient/$validate', 'metadata', '_history', 'Patient/x/_history/abc', `Patient/${t.patient}/_history/-1`, '\u0000', 'Patient?_has:', 'Patient?name:foo=x']) }, ...(rng.chance(0.5) ? { resource: pat() } : {}) }] }),
    // circular references between two new resources
    () => ({
      resourceType: 'Bundle',
      type,
      entry: [
        { fullUrl: u1, resource: pat({ link: [{ other: { reference: u2 }, type: 'seealso' }] }), request: { method: 'POST', url: 'Patient' } },
        { fullUrl: u2, resource: pat({ link: [{ other: { reference: u1 }, type: 'seealso' }] }), request: { method: 'POST', url: 'Patient' } },
      ],
    }),
    // self reference
    () => ({ resourceType: 'Bundle', type, entry: [{ fullUrl: u1, resource: pat({ link: [{ other: { reference: u1 }, type: 'seealso' }] }), request: { method: 'POST', url: 'Patient' } }] }),
    // a batch of batches / transaction in transaction
    () => ({
      resourceType: 'Bundle',
      type,
      entry: [{ resource: { resourceType: 'Bundle', type: rng.pick(['batch', 'transaction']), entry: [{ resource: pat(), request: { method: 'POST', url: 'Patient' } }] }, request: { method: 'POST', url: rng.pick(['', '/', 'Bundle', '.']) } }],
    }),
    // an entry referencing a missing urn:uuid
    () => ({ resourceType: 'Bundle', type, entry: [{ fullUrl: u1, resource: { ...baseObservation(t), subject: { reference: u2 } }, request: { method: 'POST', url: 'Observation' } }] }),
    // a reference to a urn:uuid placed in odd places
    () => ({ resourceType: 'Bundle', type, entry: [{ fullUrl: u1, resource: pat({ managingOrganization: { reference: `${u2}/_history/1` } }), request: { method: 'POST', url: 'Patient' } }] }),
    // fullUrl junk
    () => ({ resourceType: 'Bundle', type, entry: [{ fullUrl: junkPick(rng, ['urn:uuid:', 'urn:uuid:not-a-uuid', 'Patient/x', 'http://x/Patient/%ZZ', 'urn:oid:', '']), resource: pat(), request: { method: 'POST', url: 'Patient' } }] }),
    // PUT with id mismatch, conditional junk
    () => ({ resourceType: 'Bundle', type, entry: [{ resource: pat({ id: 'other' }), request: { method: 'PUT', url: `Basic/${fakeId(rng)}` } }] }),
    () => ({ resourceType: 'Bundle', type, entry: [{ resource: { resourceType: 'Basic', code: { text: 'x' } }, request: { method: rng.pick(['PUT', 'DELETE', 'PATCH']), url: `Basic?${junkPick(rng, ['', '_id=', 'name:foo=x', '_has:', '%ZZ', 'code=%00', '_count=-1'])}` } }] }),
    () => ({ resourceType: 'Bundle', type, entry: [{ resource: pat(), request: { method: 'POST', url: 'Patient', ifNoneExist: junkPick(rng, ['', '%ZZ', 'name:foo=x', '_has:', '=', '&&&', '?', 'identifier=|||', 'birthdate=xx']) } }] }),
    // the same resource touched twice in a transaction
    () => ({ resourceType: 'Bundle', type, entry: [0, 1].map(() => ({ resource: { ...baseObservation(t, t.observation) }, request: { method: 'PUT', url: `Observation/${t.observation}` } })) }),
    () => ({ resourceType: 'Bundle', type, entry: [{ request: { method: 'DELETE', url: `Observation/${fakeId(rng)}` } }, { resource: baseObservation(t), request: { method: 'PUT', url: `Observation/${fakeId(rng)}` } }, { request: { method: 'GET', url: `Observation/${t.observation}/_history/abc` } }] }),
    // patch in a bundle with a junk body
    () => ({ resourceType: 'Bundle', type, entry: [{ resource: rng.pick([{ resourceType: 'Binary', contentType: 'application/json-patch+json', data: 'bm90IGpzb24=' }, { resourceType: 'Parameters', parameter: 'x' }, { resourceType: 'Binary' }]), request: { method: 'PATCH', url: `Observation/${t.observation}` } }] }),
    // type junk
    () => ({ resourceType: 'Bundle', type: rng.pick(['searchset', 'collection', 'document', 'history', 'message', 'junk', '']), entry: [{ resource: pat(), request: { method: 'POST', url: 'Patient' } }] }),
    () => ({ resourceType: 'Bundle', type }),
    () => ({ resourceType: 'Bundle', type, entry: [{}] }),
    () => ({ resourceType: 'Bundle', type, entry: Array(50).fill({ request: { method: 'GET', url: `Patient?_has:Observation:patient:code=${rng.pick(['x', '%ZZ', ''])}` } }) }),
  ];
  const bundle = rng.pick(cases)();
  const prefer = rng.chance(0.3) ? { Prefer: rng.pick(['return=representation', 'return=OperationOutcome', 'return=minimal', 'return=junk']) } : {};
  return { method: 'POST', path: rng.chance(0.9) ? B : `${B}/`, headers: { ...FHIR, ...prefer }, body: JSON.stringify(bundle) };
};

function junkPick(rng: Rng, xs: string[]): string {
  return rng.chance(0.2) ? junkString(rng) : rng.pick(xs);
}

const badPatches: Gen = (rng, t) => {
  const target = rng.pick([`${B}/Patient/${t.patient}`, `${B}/Observation/${t.observation}`, `${B}/Observation?_id=${t.observation}`, `${B}/Observation?code=%ZZ`, `${B}/Patient/${fakeId(rng)}`]);
  const jsonPatches: unknown[] = [
    { op: 'replace', path: '/gender', value: 'male' },
    '[',
    'x',
    [{}],
    [null],
    [1],
    [{ op: 'junk', path: '/gender' }],
    [{ op: 'replace' }],
    [{ op: 'replace', path: 'gender', value: 'male' }],
    [{ op: 'replace', path: '', value: {} }],
    [{ op: 'replace', path: '', value: { resourceType: 'Observation' } }],
    [{ op: 'replace', path: '/name/999/family', value: 'x' }],
    [{ op: 'add', path: '/name/-', value: 'x' }],
    [{ op: 'add', path: '/name/-1', value: {} }],
    [{ op: 'remove', path: '/resourceType' }],
    [{ op: 'replace', path: '/id', value: 'other' }],
    [{ op: 'replace', path: '/resourceType', value: 'Observation' }],
    [{ op: 'replace', path: '/gender', value: 5 }],
    [{ op: 'replace', path: '/status', value: 'junk' }],
    [{ op: 'add', path: '/meta/versionId', value: '999' }],
    [{ op: 'add', path: '/meta', value: 'x' }],
    [{ op: 'add', path: '/__proto__/polluted', value: 1 }],
    [{ op: 'add', path: '/constructor/prototype/x', value: 1 }],
    [{ op: 'move', from: '/name', path: '/name/0' }],
    [{ op: 'copy', from: '/nope', path: '/x' }],
    [{ op: 'test', path: '/gender', value: 'nonsense' }],
    [{ op: 'replace', path: '/~2', value: 1 }],
    [{ op: 'replace', path: '/%ZZ', value: 1 }],
    [{ op: 'add', path: '/extension', value: { url: 1 } }],
    [{ op: 'add', path: '/text/div', value: 1 }],
    [{ op: 'add', path: '/contained', value: [{ resourceType: 'Spaceship' }] }],
    Array(5000).fill({ op: 'add', path: '/name/-', value: { family: 'x' } }),
    Array(2000).fill({ op: 'test', path: '/resourceType', value: 'Patient' }),
  ];
  const fhirpath: unknown[] = [
    { resourceType: 'Parameters' },
    { resourceType: 'Parameters', parameter: 'x' },
    { resourceType: 'Parameters', parameter: [{ name: 'operation' }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: 'x' }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'junk' }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: 'Patient.(' }, { name: 'value', valueString: 'x' }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: 'Patient.gender' }, { name: 'value', valueInteger: 5 }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: 'Patient' }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'resourceType' }, { name: 'value', valueString: 'Observation' }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'id' }, { name: 'value', valueString: 'x' }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'move' }, { name: 'path', valueString: 'Patient.name' }, { name: 'source', valueInteger: 99 }, { name: 'destination', valueInteger: -1 }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'insert' }, { name: 'path', valueString: 'Patient.name' }, { name: 'index', valueInteger: 1e9 }, { name: 'value', valueHumanName: { family: 'x' } }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: "Patient.name.where(family.matches('(((((a+)+)+)+)+$'))" }, { name: 'value', valueString: 'x' }] }] },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: 'Patient.status' }, { name: 'value', valueCode: 'junk' }] }] },
    { resourceType: 'Patient' },
    { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Observation' }, { name: 'name', valueString: 'component' }, { name: 'value', valueString: 'x' }] }] },
  ];
  const useJsonPatch = rng.chance(0.55);
  const doc = useJsonPatch ? rng.pick(jsonPatches) : rng.pick(fhirpath);
  const body = typeof doc === 'string' ? doc : JSON.stringify(doc);
  const headers: Record<string, string> = useJsonPatch ? { ...JSON_PATCH } : { ...FHIR };
  if (rng.chance(0.2)) headers['If-Match'] = rng.pick(['W/"1"', 'W/"abc"', 'junk', 'W/"-1"', '*']);
  return { method: 'PATCH', path: target, headers, body };
};

const badPreconditions: Gen = (rng, t) => {
  const junk = (): string => rng.pick(['junk', 'W/"abc"', 'W/"-1"', 'W/"99999999999999999999"', 'W/"1.5"', 'W/', 'W/""', '""', '"1"', '*', ',', 'W/"1", W/"2"', 'W/"1"W/"2"', '\t', 'W/"\xff"', 'x'.repeat(8000), 'W/"1e3"', 'W/"0"']);
  const kind = rng.int(5);
  if (kind === 0) {
    const id = rng.chance(0.5) ? t.patient : fakeId(rng);
    return { method: 'PUT', path: `${B}/Patient/${id}`, headers: { ...FHIR, 'If-Match': junk() }, body: JSON.stringify(basePatient(id)) };
  }
  if (kind === 1) return { method: rng.pick(['GET', 'HEAD', 'PUT']), path: `${B}/Patient/${t.patient}`, headers: { 'If-None-Match': junk(), ...FHIR }, body: undefined };
  if (kind === 2) {
    const v = rng.pick(['junk', '%ZZ', 'name:foo=x', '_has:', '=', '&&&', '?', 'identifier=|||', 'birthdate=xx', '_count=-1', 'Patient?name=x', 'http://x/fhir/Patient?name=x', '_id=%00', 'x'.repeat(8000), '_sort=junk', '_include=*']);
    return { method: 'POST', path: `${B}/Patient`, headers: { ...FHIR, 'If-None-Exist': v }, body: JSON.stringify(basePatient()) };
  }
  if (kind === 3) {
    const v = rng.pick(['junk', '', 'Mon, 99 Foo 2020 99:99:99 GMT', '0', '-1', '9999999999999', 'Thu, 01 Jan 1970 00:00:00 GMT', 'Sat, 01 Jan 275760 00:00:00 GMT', '2020-13-45', 'NaN', 'x'.repeat(4000)]);
    return { method: 'GET', path: rng.pick([`${B}/Patient/${t.patient}`, `${B}/Patient?name=x`, `${B}/Patient/${t.patient}/_history/1`]), headers: { 'If-Modified-Since': v } };
  }
  return { method: 'DELETE', path: `${B}/Observation/${fakeId(rng)}`, headers: { 'If-Match': junk() } };
};

const operations: Gen = (rng, t) => {
  const get = (): string =>
    rng.pick([
      `/Patient/$validate?mode=junk`,
      `/Patient/${t.patient}/$validate?mode=${rng.pick(['junk', 'delete', 'create', '%ZZ', ''])}&profile=${rng.pick(['junk', '%ZZ', 'http://nonexistent/sd', ''])}`,
      `/Patient/$validate?profile=${junkString(rng)}`,
      `/ValueSet/$expand?url=${junkString(rng)}`,
      `/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&count=${rng.pick(['-1', '99999999999', 'abc', '1e999'])}&offset=${rng.pick(['-1', 'abc', '99999999999'])}`,
      `/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&filter=${junkString(rng)}`,
      `/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&displayLanguage=${junkString(rng)}`,
      `/ValueSet/$expand`,
      `/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&url=http://x`,
      `/ValueSet/${junkString(rng)}/$expand`,
      `/ValueSet/$expand?url=http://loinc.org/vs&filter=%25`,
      `/CodeSystem/$lookup?system=${junkString(rng)}&code=${junkString(rng)}`,
      `/CodeSystem/$lookup?system=http://hl7.org/fhir/administrative-gender`,
      `/CodeSystem/$lookup?code=male`,
      `/CodeSystem/$lookup?system=http://hl7.org/fhir/administrative-gender&code=male&property=${junkString(rng)}&date=junk`,
      `/CodeSystem/$validate-code?url=${junkString(rng)}&code=${junkString(rng)}`,
      `/CodeSystem/$validate-code`,
      `/ValueSet/$validate-code?url=http://hl7.org/fhir/ValueSet/administrative-gender&code=${junkString(rng)}&system=${junkString(rng)}`,
      `/ValueSet/$validate-code?url=http://hl7.org/fhir/ValueSet/administrative-gender&coding=${junkString(rng)}`,
      `/ValueSet/$validate-code?codeableConcept=junk`,
      `/CodeSystem/$subsumes?system=${junkString(rng)}&codeA=${junkString(rng)}&codeB=x`,
      `/CodeSystem/$subsumes?codeA=a`,
      `/ConceptMap/$translate?url=${junkString(rng)}&code=x&system=y`,
      `/ConceptMap/$translate?code=x`,
      `/ConceptMap/$translate?source=${junkString(rng)}&target=${junkString(rng)}&reverse=junk`,
      `/Subscription/${junkString(rng)}/$status`,
      `/Subscription/$status?id=${junkString(rng)}`,
      `/Subscription/${fakeId(rng)}/$events?eventsSinceNumber=${rng.pick(['-1', 'abc', '99999999999999999999'])}&eventsUntilNumber=junk&content=junk`,
      `/Subscription/${fakeId(rng)}/$get-ws-binding-token`,
      `/Subscription/$get-ws-binding-token?id=${junkString(rng)}`,
      `/Patient/${t.patient}/$everything`,
      `/$${junkString(rng)}`,
      `/Patient/$`,
      `/Patient/$$validate`,
      `/$validate`,
      `/$expand`,
    ]);
  if (rng.chance(0.55)) return { method: 'GET', path: `${B}${get()}`, headers: {} };
  const op = rng.pick(['/Patient/$validate', `/Patient/${t.patient}/$validate`, '/ValueSet/$expand', '/CodeSystem/$lookup', '/CodeSystem/$validate-code', '/ValueSet/$validate-code', '/CodeSystem/$subsumes', '/ConceptMap/$translate', `/Subscription/${fakeId(rng)}/$events`, '/Observation/$validate', '/Bundle/$validate']);
  const param = (): unknown =>
    rng.pick<unknown>([
      { name: 'resource', resource: rng.pick<unknown>([{ resourceType: 'Spaceship' }, { resourceType: 'Patient', gender: 1 }, 'x', 1, { resourceType: 'Bundle', type: 'transaction', entry: 'x' }]) },
      { name: 'resource', valueString: 'x' },
      { name: 'mode', valueCode: rng.pick(['junk', 'delete', '', 'update']) },
      { name: 'profile', valueUri: junkString(rng) },
      { name: 'url', valueUri: junkString(rng) },
      { name: 'url', valueString: 1 },
      { name: 'valueSet', resource: { resourceType: 'ValueSet', compose: rng.pick<unknown>(['x', { include: 'x' }, { include: [{ system: 1 }] }, { include: [{ valueSet: ['http://hl7.org/fhir/ValueSet/administrative-gender', 'http://hl7.org/fhir/ValueSet/administrative-gender'] }] }, { include: [{ filter: [{ property: 'concept', op: 'junk', value: 'x' }] }] }]) } },
      { name: 'codeSystem', resource: { resourceType: 'CodeSystem', concept: 'x' } },
      { name: 'coding', valueCoding: rng.pick<unknown>(['x', { system: 1 }, { code: {} }, {}]) },
      { name: 'codeableConcept', valueCodeableConcept: rng.pick<unknown>(['x', { coding: 'x' }, { coding: [null] }]) },
      { name: 'code', valueCode: junkString(rng) },
      { name: 'system', valueUri: junkString(rng) },
      { name: 'count', valueInteger: rng.pick([-1, 1e12, 1.5]) },
      { name: 'offset', valueInteger: -5 },
      { name: 'filter', valueString: '%'.repeat(1000) },
      { name: 'conceptMap', resource: { resourceType: 'ConceptMap', group: 'x' } },
      { name: 'reverse', valueBoolean: 'x' },
      { name: 'x', part: 'x' },
      { name: 'x' },
      { valueString: 'x' },
      null,
      1,
    ]);
  const parameters = { resourceType: 'Parameters', parameter: Array.from({ length: 1 + rng.int(4) }, param) };
  const body = rng.chance(0.85) ? JSON.stringify(parameters) : JSON.stringify(rng.pick<unknown>([{ resourceType: 'Spaceship' }, basePatient(), { resourceType: 'Parameters', parameter: {} }, []]));
  return { method: 'POST', path: `${B}${op}${rng.chance(0.2) ? `?${junkString(rng)}=${junkString(rng)}` : ''}`, headers: FHIR, body };
};

const prefer: Gen = (rng, t) => {
  const p = rng.pick([
    'return=junk',
    'return=',
    'return',
    'handling=strict',
    'handling=junk',
    'respond-async',
    'return=representation; return=minimal',
    'return="representation"',
    'return=OperationOutcome,handling=strict',
    ';;;;',
    '=',
    '\xff\xfe',
    'return=representation'.repeat(200),
    'wait=-1',
    'wait=99999999999',
    'handling=strict, return=junk',
  ]);
  const kind = rng.int(5);
  if (kind === 0) return { method: 'GET', path: `${B}/Patient?name:foo=x&junk=1`, headers: { Prefer: p } };
  if (kind === 1) return { method: 'GET', path: `${B}/Patient/${t.patient}`, headers: { Prefer: p } };
  if (kind === 2) return { method: 'PUT', path: `${B}/Patient/${t.patient}`, headers: { ...FHIR, Prefer: p }, body: JSON.stringify(basePatient(t.patient)) };
  if (kind === 3) return { method: 'POST', path: `${B}/Observation`, headers: { ...FHIR, Prefer: p }, body: JSON.stringify(baseObservation(t)) };
  return { method: 'POST', path: B, headers: { ...FHIR, Prefer: p }, body: JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Patient?name:foo=x' } }] }) };
};

const methods: Gen = (rng, t) => {
  // only methods Node's HTTP parser knows (an unknown method is refused by Node before the app sees it)
  const method = rng.pick(['PROPFIND', 'TRACE', 'OPTIONS', 'MKCOL', 'LOCK', 'UNLOCK', 'PURGE', 'REPORT', 'SEARCH', 'COPY', 'MOVE', 'LINK', 'MERGE', 'HEAD', 'PATCH', 'DELETE', 'POST', 'PUT']);
  const path = rng.pick([B, `${B}/`, `${B}/Patient`, `${B}/Patient/${t.patient}`, `${B}/metadata`, `${B}/Patient/_history`, `${B}/_history`, `${B}/Patient/${t.patient}/_history/1`, `${B}/Patient/$validate`, `${B}/Patient/_search`]);
  // never PUT/DELETE/PATCH/POST the type or the instance without a body aimed somewhere safe
  const safePath = ['DELETE', 'PUT', 'PATCH'].includes(method) ? path.replace(`/Patient/${t.patient}`, `/Observation/${t.observation}`).replace(/\/Patient(?=$|\/|\?)/, '/Basic') : path;
  const body = rng.chance(0.5) ? undefined : rng.pick(['', '{}', '<x/>', JSON.stringify(basePatient())]);
  return { method, path: safePath, headers: body === undefined ? {} : FHIR, body };
};

const longUrls: Gen = (rng, t) => {
  const len = 8000 + rng.int(6000);
  const kind = rng.int(6);
  let path: string;
  if (kind === 0) path = `${B}/Patient/${'a'.repeat(len)}`;
  else if (kind === 1) path = `${B}/Patient?name=${'x'.repeat(len)}`;
  else if (kind === 2) path = `${B}/Patient?${'p'.repeat(len)}=x`;
  else if (kind === 3) path = `${B}/Patient?_id=${Array(Math.floor(len / 10)).fill('abcdefghi').join(',')}`;
  else if (kind === 4) path = `${B}/Patient?name=${'%ZZ'.repeat(Math.floor(len / 3))}`;
  else path = `${B}/Patient/${t.patient}/${'_history/'.repeat(Math.floor(len / 9))}`;
  return { method: rng.chance(0.85) ? 'GET' : 'DELETE', path: path.startsWith(`${B}/Patient/${t.patient}`) ? path : path, headers: {} };
};

/** The classes, with weights (heavy ones rare: each of their requests carries megabytes). */
export const CLASSES: Array<{ name: string; weight: number; gen: Gen }> = [
  { name: 'malformed-json', weight: 8, gen: malformedJson },
  { name: 'invalid-utf8-body', weight: 5, gen: invalidUtf8Body },
  { name: 'invalid-utf8-url', weight: 6, gen: invalidUtf8Url },
  { name: 'bad-percent-escape', weight: 8, gen: badEscapes },
  { name: 'control-chars', weight: 6, gen: controlChars },
  { name: 'wrong-content-type', weight: 5, gen: wrongContentType },
  { name: 'huge-strings', weight: 0.12, gen: hugeStrings },
  { name: 'deep-json', weight: 1, gen: deepJson },
  { name: 'wide-json', weight: 0.25, gen: wideJson },
  { name: 'wrong-json-types', weight: 14, gen: wrongTypes },
  { name: 'bad-ids', weight: 5, gen: badIds },
  { name: 'bad-versions', weight: 4, gen: badVersions },
  { name: 'bad-search-values', weight: 8, gen: badSearchValues },
  { name: 'modifiers', weight: 6, gen: modifiers },
  { name: 'chains-has', weight: 6, gen: chainsAndHas },
  { name: 'repeated-params', weight: 2, gen: repeated },
  { name: 'paging', weight: 4, gen: paging },
  { name: 'sort-include-elements', weight: 6, gen: sortInclude },
  { name: 'bad-bundles', weight: 10, gen: badBundles },
  { name: 'bad-patches', weight: 8, gen: badPatches },
  { name: 'bad-preconditions', weight: 6, gen: badPreconditions },
  { name: 'operations', weight: 10, gen: operations },
  { name: 'prefer', weight: 3, gen: prefer },
  { name: 'methods', weight: 3, gen: methods },
  { name: 'long-urls', weight: 1.5, gen: longUrls },
];

const TOTAL_WEIGHT = CLASSES.reduce((s, c) => s + c.weight, 0);

/** Request `index` of the run with this seed (a pure function of both). */
export function generate(seed: number, index: number, t: Targets): HostileRequest {
  const rng = requestRng(seed, index);
  let x = rng.next() * TOTAL_WEIGHT;
  let cls = CLASSES[CLASSES.length - 1];
  for (const c of CLASSES) {
    if ((x -= c.weight) < 0) {
      cls = c;
      break;
    }
  }
  const r = cls.gen(rng, t);
  const headers = Object.fromEntries(Object.entries(r.headers).filter((e): e is [string, string] => e[1] !== undefined));
  return { cls: cls.name, method: r.method, path: r.path, headers, body: r.body };
}

// ---------------------------------------------------------------------------------------------------------
// Sending

/** Sends one request with node:http, a fresh connection each; a timeout or socket error is an `error`. */
export function send(origin: URL, r: HostileRequest, timeoutMs: number): Promise<HostileResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (x: Omit<HostileResult, 'ms'>): void => {
      if (done) return;
      done = true;
      resolve({ ...x, ms: Date.now() - started });
    };
    const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
    const headers: Record<string, string | number> = { ...r.headers };
    if (body !== undefined) headers['Content-Length'] = body.length;
    let req: http.ClientRequest;
    try {
      req = http.request({ host: origin.hostname, port: origin.port, method: r.method, path: r.path, headers, agent: false });
    } catch (err) {
      // Node refused to send it (a generator bug, not a server failure): reported separately
      finish({ error: `client refused: ${(err as Error).message}`, text: '' });
      return;
    }
    const timer = setTimeout(() => {
      finish({ error: `not answered in ${timeoutMs} ms`, text: '' });
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        finish({ status: res.statusCode, contentType: res.headers['content-type'], requestId: res.headers['x-request-id'] as string | undefined, etag: res.headers.etag, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        finish({ status: res.statusCode, error: `response: ${err.message}`, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      finish({ error: `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`.trim(), text: '' });
    });
    req.end(body);
  });
}

/** Why a reply is unacceptable, or undefined if it is fine: every request answered, no 5xx, every 4xx an OperationOutcome with diagnostics. */
export function judge(r: HostileRequest, res: HostileResult): { kind: string; diagnostics: string } | undefined {
  if (res.error?.startsWith('client refused')) return { kind: 'client-refused', diagnostics: res.error };
  if (res.error || res.status === undefined) return { kind: 'not-answered', diagnostics: res.error ?? 'no status' };
  const oo = outcomeOf(res.text);
  if (res.status >= 500) return { kind: `${res.status}`, diagnostics: oo.diagnostics ?? res.text.slice(0, 160) };
  if (res.status >= 400 && r.method !== 'HEAD') {
    if (!oo.isOutcome) return { kind: `${res.status}-not-OperationOutcome`, diagnostics: res.text.slice(0, 160) || '(empty body)' };
    if (!oo.diagnostics) return { kind: `${res.status}-no-diagnostics`, diagnostics: res.text.slice(0, 160) };
  }
  return undefined;
}

export function outcomeOf(text: string): { isOutcome: boolean; diagnostics?: string } {
  try {
    const j = JSON.parse(text) as { resourceType?: unknown; issue?: Array<{ diagnostics?: unknown }> };
    if (j?.resourceType !== 'OperationOutcome' || !Array.isArray(j.issue)) return { isOutcome: false };
    const d = j.issue.map((i) => i?.diagnostics).find((x) => typeof x === 'string' && x.length > 0) as string | undefined;
    return { isOutcome: true, diagnostics: d };
  } catch {
    return { isOutcome: false };
  }
}

/** Printable form of a raw string: control chars and non-ASCII bytes escaped, cut to `max`. */
export function printable(s: string | Buffer | undefined, max: number): string {
  if (s === undefined) return '';
  const str = typeof s === 'string' ? s : s.toString('latin1');
  const cut = str.length > max ? `${str.slice(0, max)}…(${str.length} chars)` : str;
  return cut.replace(/[^\x20-\x7e]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** One line that says how to send the request again. */
export function describeRequest(r: HostileRequest, index: number): string {
  const headers = Object.entries(r.headers)
    .filter(([k]) => k.toLowerCase() !== 'content-type' || !/^application\/fhir\+json$/.test(r.headers[k]))
    .map(([k, v]) => `${k}: ${printable(v, 60)}`)
    .join('; ');
  const body = r.body === undefined ? '' : ` body=${printable(r.body, 100)}`;
  return `#${index} ${r.method} ${printable(r.path, 160)}${headers ? ` [${headers}]` : ''}${body}`;
}
