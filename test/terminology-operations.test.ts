import type { Parameters, ValueSet, ValueSetExpansionContains } from '@medplum/fhirtypes';
import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { bigCodeSystem, CM, DEP, departamentos, dgeecToIso, ISO, servicios, SVC, VS, valueSets } from './terminology-fixtures.js';

/**
 * The terminology operations over HTTP, against answers worked out by hand: base R4 / HL7 terminology
 * (administrative-gender, v3 ActCode and RoleCode hierarchies, the core gender ConceptMap) and the resources of
 * terminology-fixtures.ts POSTed here (Spanish code system with gn/en designations, hierarchy, filters).
 */
let server: TestServer;
let svcId: string;
let clinId: string;
let cmId: string;

const GENDER_VS = 'http://hl7.org/fhir/ValueSet/administrative-gender';
const GENDER = 'http://hl7.org/fhir/administrative-gender';
const ROLE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

async function post(type: string, body: object): Promise<{ id: string }> {
  const r = await request('POST', `${server.base}/${type}`, body);
  if (r.status !== 201) throw new Error(`${type}: ${r.status} ${r.text}`);
  return r.json;
}

beforeAll(async () => {
  server = await startTestServer();
  svcId = (await post('CodeSystem', servicios)).id;
  await post('CodeSystem', bigCodeSystem());
  await post('CodeSystem', departamentos);
  cmId = (await post('ConceptMap', dgeecToIso)).id;
  for (const vs of valueSets) {
    const { id } = await post('ValueSet', vs);
    if (vs.url === VS('clin')) clinId = id;
  }
});
afterAll(async () => {
  await server?.stop();
});

const get = (path: string): Promise<Reply> => request('GET', `${server.base}/${path}`);
const postOp = (path: string, parameter: Parameters['parameter']): Promise<Reply> => request('POST', `${server.base}/${path}`, { resourceType: 'Parameters', parameter });

async function expand(query: string): Promise<ValueSet> {
  const r = await get(`ValueSet/$expand?${query}`);
  expect({ status: r.status, body: r.status === 200 ? 'ok' : r.json }).toEqual({ status: 200, body: 'ok' });
  return r.json as ValueSet;
}
const codes = (vs: ValueSet): string[] => (vs.expansion?.contains ?? []).map((c) => c.code as string);
const param = (p: Parameters, name: string): unknown => {
  const x = p.parameter?.find((q) => q.name === name);
  return x ? Object.entries(x).find(([k]) => k.startsWith('value'))?.[1] : undefined;
};
const u = encodeURIComponent;

describe('ValueSet/$expand', () => {
  test('base R4 administrative-gender: the 4 codes with their displays', async () => {
    const vs = await expand(`url=${u(GENDER_VS)}`);
    expect(vs.expansion?.total).toBe(4);
    expect(vs.expansion?.contains?.map((c) => [c.system, c.code, c.display])).toEqual([
      [GENDER, 'male', 'Male'],
      [GENDER, 'female', 'Female'],
      [GENDER, 'other', 'Other'],
      [GENDER, 'unknown', 'Unknown'],
    ]);
    expect(vs.expansion?.parameter).toContainEqual({ name: 'used-codesystem', valueUri: `${GENDER}|4.0.1` });
    // A version in the canonical (as in bindings) is preferred; the held edition serves when it differs.
    expect((await expand(`url=${u(`${GENDER_VS}|4.0.1`)}`)).expansion?.total).toBe(4);
    expect((await expand(`url=${u(`${GENDER_VS}|9.9.9`)}`)).version).toBe('4.0.1');
    // An explicit valueSetVersion must match.
    expect((await get(`ValueSet/$expand?url=${u(GENDER_VS)}&valueSetVersion=9.9.9`)).status).toBe(404);
  });

  test('HL7 terminology v3 ActEncounterCode (is-a _ActEncounterCode minus itself), nested with excludeNested=false', async () => {
    const url = u('http://terminology.hl7.org/ValueSet/v3-ActEncounterCode');
    const flat = await expand(`url=${url}`);
    expect(codes(flat).sort()).toEqual(['ACUTE', 'AMB', 'EMER', 'FLD', 'HH', 'IMP', 'NONAC', 'OBSENC', 'PRENC', 'SS', 'VR']);
    const nested = await expand(`url=${url}&excludeNested=false`);
    expect(nested.expansion?.total).toBe(11);
    const imp = nested.expansion?.contains?.find((c) => c.code === 'IMP');
    expect(imp?.contains?.map((c) => c.code).sort()).toEqual(['ACUTE', 'NONAC']);
    expect(codes(nested)).not.toContain('ACUTE');
  });

  test('is-a, descendent-of, is-not-a filters follow the hierarchy (nested concepts and parent property)', async () => {
    expect(codes(await expand(`url=${u(VS('clin'))}`))).toEqual(['clin', 'med', 'cardio', 'neumo', 'ped', 'neo']);
    expect(codes(await expand(`url=${u(VS('desc'))}`))).toEqual(['med', 'cardio', 'neumo', 'ped', 'neo']);
    expect(codes(await expand(`url=${u(VS('not-clin'))}`))).toEqual(['quir', 'cirgen', 'trauma', 'urg']);
  });

  test('property =, regex, in, exists filters', async () => {
    expect(codes(await expand(`url=${u(VS('nivel3'))}`))).toEqual(['cardio', 'neumo', 'neo']);
    expect(codes(await expand(`url=${u(VS('regex'))}`))).toEqual(['clin', 'cardio', 'cirgen']);
    expect(codes(await expand(`url=${u(VS('in'))}`))).toEqual(['ped', 'urg']);
    expect(codes(await expand(`url=${u(VS('has-nivel'))}`))).toEqual(['med', 'cardio', 'neumo', 'ped', 'neo', 'cirgen', 'trauma']);
    expect(codes(await expand(`url=${u(VS('no-nivel'))}`))).toEqual(['clin', 'quir', 'urg']);
  });

  test('exclude, nested valueSet (union across includes, intersection within one), concept lists', async () => {
    expect(codes(await expand(`url=${u(VS('clin-but-ped'))}`))).toEqual(['clin', 'med', 'cardio', 'neumo', 'neo']);
    expect(codes(await expand(`url=${u(VS('nested'))}`))).toEqual(['clin', 'med', 'cardio', 'neumo', 'ped', 'neo', 'urg']);
    expect(codes(await expand(`url=${u(VS('intersection'))}`))).toEqual(['cardio', 'neumo', 'neo']);
    // An import cycle (a imports b imports a) ends: each value set counts once.
    expect(codes(await expand(`url=${u(VS('cycle-a'))}`))).toEqual(['cardio', 'urg']);
    expect(codes(await expand(`url=${u(VS('cycle-b'))}`))).toEqual(['urg', 'cardio']);
    const listed = await expand(`url=${u(VS('listed'))}`);
    // no-such-code is not in the (complete) code system, so it is left out; the value set's own display wins.
    expect(listed.expansion?.contains?.map((c) => [c.code, c.display])).toEqual([
      ['urg', 'Guardia'],
      ['cardio', 'Cardiología'],
    ]);
  });

  test('displayLanguage picks the designation (es display, gn and en designations), includeDesignations lists them', async () => {
    const enVs = await expand(`url=${u(VS('clin'))}&displayLanguage=en`);
    expect(enVs.expansion?.contains?.map((c) => c.display)).toEqual(['Clinical', 'Internal medicine', 'Cardiology', 'Pulmonology', 'Pediatrics', 'Neonatology']);
    const gnVs = await expand(`url=${u(VS('clin'))}&displayLanguage=gn`);
    expect(gnVs.expansion?.contains?.slice(0, 3).map((c) => c.display)).toEqual(['Tasyo', 'Pohanohára', 'Cardiología']);
    const es = await expand(`url=${u(VS('clin'))}&displayLanguage=es-PY`);
    expect(es.expansion?.contains?.[0].display).toBe('Clínica');
    const withDesignations = await expand(`url=${u(VS('clin'))}&includeDesignations=true`);
    expect(withDesignations.expansion?.contains?.[0].designation).toEqual([
      { language: 'gn', value: 'Tasyo' },
      { language: 'en', value: 'Clinical' },
    ]);
    expect((await expand(`url=${u(VS('clin'))}`)).expansion?.contains?.[0].designation).toBeUndefined();
  });

  test('filter (text in code, display or designations), count/offset with total, activeOnly, inactive and abstract flags', async () => {
    expect(codes(await expand(`url=${u(VS('all'))}&filter=cardio`))).toEqual(['cardio']);
    expect(codes(await expand(`url=${u(VS('all'))}&filter=${u('cirugía')}`))).toEqual(['cirgen']);
    expect(codes(await expand(`url=${u(VS('all'))}&filter=${u('CIRUGIA gen')}`))).toEqual(['cirgen']);
    expect(codes(await expand(`url=${u(VS('all'))}&filter=${u('cirugia trauma')}`))).toEqual([]);
    expect(codes(await expand(`url=${u(VS('all'))}&filter=surgery`))).toEqual(['cirgen']);
    expect(codes(await expand(`url=${u(VS('all'))}&filter=neo`))).toEqual(['neo']);
    const page = await expand(`url=${u(VS('clin'))}&offset=2&count=2`);
    expect(page.expansion?.total).toBe(6);
    expect(page.expansion?.offset).toBe(2);
    expect(codes(page)).toEqual(['cardio', 'neumo']);
    const big = await expand(`url=${u(VS('big'))}&offset=495&count=10`);
    expect(big.expansion?.total).toBe(500);
    expect(codes(big)).toEqual(['c496', 'c497', 'c498', 'c499', 'c500']);
    const all = await expand(`url=${u(VS('all'))}`);
    expect(all.expansion?.total).toBe(10);
    expect(all.expansion?.contains?.find((c) => c.code === 'neo')?.inactive).toBe(true);
    expect(all.expansion?.contains?.find((c) => c.code === 'quir')?.abstract).toBe(true);
    const active = await expand(`url=${u(VS('all'))}&activeOnly=true`);
    expect(active.expansion?.total).toBe(9);
    expect(codes(active)).not.toContain('neo');
  });

  test('hierarchies: excludeNested=false nests under the nearest ancestor in the expansion', async () => {
    const vs = await expand(`url=${u(VS('all'))}&excludeNested=false`);
    const shape = (list: ValueSetExpansionContains[] | undefined): unknown => (list ?? []).map((c) => (c.contains ? { [c.code as string]: shape(c.contains) } : c.code));
    expect(shape(vs.expansion?.contains)).toEqual([{ clin: [{ med: ['cardio', 'neumo'] }, { ped: ['neo'] }] }, { quir: ['cirgen', 'trauma'] }, 'urg']);
    expect(vs.expansion?.total).toBe(10);
  });

  test('instance level, POST with Parameters and with a posted valueSet', async () => {
    const r = await get(`ValueSet/${clinId}/$expand?count=1`);
    expect(r.status).toBe(200);
    expect(r.json.expansion.total).toBe(6);
    const p = await postOp('ValueSet/$expand', [
      { name: 'url', valueUri: VS('nivel3') },
      { name: 'displayLanguage', valueCode: 'en' },
      { name: 'activeOnly', valueBoolean: true },
    ]);
    expect(p.status).toBe(200);
    expect(p.json.expansion.contains.map((c: { display: string }) => c.display)).toEqual(['Cardiology', 'Pulmonology']);
    const inline = await postOp('ValueSet/$expand', [
      { name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'draft', compose: { include: [{ system: SVC, filter: [{ property: 'concept', op: 'is-a', value: 'quir' }] }] } } },
    ]);
    expect(inline.status).toBe(200);
    expect(inline.json.expansion.contains.map((c: { code: string }) => c.code)).toEqual(['quir', 'cirgen', 'trauma']);
    // The ValueSet itself as the body.
    const bare = await request('POST', `${server.base}/ValueSet/$expand?activeOnly=true`, { resourceType: 'ValueSet', status: 'draft', compose: { include: [{ system: SVC, concept: [{ code: 'neo' }, { code: 'ped' }] }] } });
    expect(bare.status).toBe(200);
    expect(bare.json.expansion.contains.map((c: { code: string }) => c.code)).toEqual(['ped']);
    const wrongType = await postOp('ValueSet/$expand', [{ name: 'valueSet', resource: { resourceType: 'Patient' } }]);
    expect(wrongType.status).toBe(400);
  });

  test('a code system the server does not hold: whole LOINC/SNOMED is too-costly (422), listed codes still expand', async () => {
    const loinc = await get(`ValueSet/$expand?url=${u('http://hl7.org/fhir/ValueSet/observation-codes')}`);
    expect(loinc.status).toBe(422);
    expect(loinc.json.issue[0].code).toBe('too-costly');
    const snomed = await get(`ValueSet/$expand?url=${u(VS('snomed-all'))}`);
    expect(snomed.status).toBe(422);
    expect(snomed.json.issue[0].code).toBe('too-costly');
    // A filter over a system not held cannot be evaluated here: 422 not-found naming the system.
    const findings = await get(`ValueSet/$expand?url=${u('http://hl7.org/fhir/ValueSet/clinical-findings')}`);
    expect(findings.status).toBe(422);
    expect(findings.json.issue[0].code).toBe('not-found');
    expect(findings.json.issue[0].diagnostics).toContain('http://snomed.info/sct');
    const listed = await expand(`url=${u(VS('loinc-listed'))}`);
    expect(listed.expansion?.contains).toEqual([{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }]);
    const missing = await get(`ValueSet/$expand?url=${u(VS('unknown-import'))}`);
    expect(missing.status).toBe(422);
    expect(missing.json.issue[0].diagnostics).toContain('does-not-exist');
  });

  test('errors: no url (400), unknown url (404), unknown instance (404), bad count (400), bad filter op (400)', async () => {
    const none = await get('ValueSet/$expand');
    expect(none.status).toBe(400);
    expect(none.json.resourceType).toBe('OperationOutcome');
    expect((await get(`ValueSet/$expand?url=${u('https://example.org/ValueSet/nope')}`)).status).toBe(404);
    expect((await get('ValueSet/nope-id/$expand')).status).toBe(404);
    expect((await get(`ValueSet/$expand?url=${u(VS('clin'))}&count=abc`)).status).toBe(400);
    const badOp = await postOp('ValueSet/$expand', [{ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'draft', compose: { include: [{ system: SVC, filter: [{ property: 'concept', op: 'sideways' as 'in', value: 'x' }] }] } } }]);
    expect(badOp.status).toBe(400);
    // A posted ValueSet that is not a valid R4 resource is a 400 naming the element, never a 500.
    const malformed = await postOp('ValueSet/$expand', [{ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'draft', compose: { include: [{ system: 5 }] } } as never }]);
    expect(malformed.status).toBe(400);
    expect(malformed.json.issue[0].expression).toEqual(['ValueSet.compose.include[0].system']);
  });
});

describe('ValueSet/$validate-code', () => {
  const validate = async (query: string): Promise<Parameters> => {
    const r = await get(`ValueSet/$validate-code?${query}`);
    expect(r.status).toBe(200);
    return r.json as Parameters;
  };

  test('base R4: a gender code is valid with its display; a wrong display is valid with a warning message', async () => {
    const okv = await validate(`url=${u(GENDER_VS)}&system=${u(GENDER)}&code=female`);
    expect(param(okv, 'result')).toBe(true);
    expect(param(okv, 'display')).toBe('Female');
    expect(param(okv, 'message')).toBeUndefined();
    const wrong = await validate(`url=${u(GENDER_VS)}&system=${u(GENDER)}&code=female&display=Mujer`);
    expect(param(wrong, 'result')).toBe(true);
    expect(param(wrong, 'message')).toContain('Mujer');
    const bad = await validate(`url=${u(GENDER_VS)}&system=${u(GENDER)}&code=woman`);
    expect(param(bad, 'result')).toBe(false);
    expect(param(bad, 'message')).toContain('woman');
    const es = await request('GET', `${server.base}/ValueSet/$validate-code?url=${u(GENDER_VS)}&system=${u(GENDER)}&code=woman`, undefined, { 'Accept-Language': 'es' });
    expect(param(es.json, 'message')).toContain('Código desconocido "woman"');
  });

  test('own value sets: member, non-member, unknown code, display matching a designation', async () => {
    expect(param(await validate(`url=${u(VS('clin'))}&system=${u(SVC)}&code=cardio`), 'result')).toBe(true);
    const outside = await validate(`url=${u(VS('clin'))}&system=${u(SVC)}&code=cirgen`);
    expect(param(outside, 'result')).toBe(false);
    expect(param(outside, 'message')).toContain('not in the value set');
    const unknown = await validate(`url=${u(VS('clin'))}&system=${u(SVC)}&code=zzz`);
    expect(param(unknown, 'result')).toBe(false);
    expect(param(unknown, 'message')).toContain('Unknown code');
    const english = await validate(`url=${u(VS('clin'))}&system=${u(SVC)}&code=cardio&display=Cardiology`);
    expect(param(english, 'result')).toBe(true);
    expect(param(english, 'message')).toBeUndefined();
    const gnDisplay = await validate(`url=${u(VS('clin'))}&system=${u(SVC)}&code=cardio&displayLanguage=en`);
    expect(param(gnDisplay, 'display')).toBe('Cardiology');
  });

  test('the server does not hold SNOMED CT or LOINC: result false with a "not known here" message, never invalid', async () => {
    const sct = await validate(`url=${u(VS('snomed-all'))}&system=${u('http://snomed.info/sct')}&code=22298006`);
    expect(param(sct, 'result')).toBe(false);
    expect(param(sct, 'message')).toContain('not known here');
    expect(param(sct, 'x-caused-by-unknown-system')).toBe('http://snomed.info/sct');
    const loinc = await validate(`url=${u('http://hl7.org/fhir/ValueSet/observation-codes')}&system=${u('http://loinc.org')}&code=8867-4`);
    expect(param(loinc, 'message')).toContain('not known here');
    // Listed explicitly in the value set: membership is known without the code system.
    expect(param(await validate(`url=${u(VS('loinc-listed'))}&system=${u('http://loinc.org')}&code=8867-4`), 'result')).toBe(true);
    const notListed = await validate(`url=${u(VS('loinc-listed'))}&system=${u('http://loinc.org')}&code=1234-5`);
    expect(param(notListed, 'result')).toBe(false);
    expect(param(notListed, 'x-caused-by-unknown-system')).toBeUndefined();
  });

  test('coding and codeableConcept (valid when one coding is), POST, instance level, posted valueSet', async () => {
    const coding = await postOp('ValueSet/$validate-code', [
      { name: 'url', valueUri: VS('nivel3') },
      { name: 'coding', valueCoding: { system: SVC, code: 'neumo' } },
    ]);
    expect(param(coding.json, 'result')).toBe(true);
    const cc = await postOp('ValueSet/$validate-code', [
      { name: 'url', valueUri: VS('nivel3') },
      { name: 'codeableConcept', valueCodeableConcept: { coding: [{ system: SVC, code: 'urg' }, { system: SVC, code: 'cardio' }] } },
    ]);
    expect(param(cc.json, 'result')).toBe(true);
    const ccBad = await postOp('ValueSet/$validate-code', [
      { name: 'url', valueUri: VS('nivel3') },
      { name: 'codeableConcept', valueCodeableConcept: { coding: [{ system: SVC, code: 'urg' }] } },
    ]);
    expect(param(ccBad.json, 'result')).toBe(false);
    const inst = await get(`ValueSet/${clinId}/$validate-code?system=${u(SVC)}&code=neo`);
    expect(param(inst.json, 'result')).toBe(true);
    expect(param(inst.json, 'message')).toContain('inactive');
    const posted = await postOp('ValueSet/$validate-code', [
      { name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'draft', compose: { include: [{ system: GENDER, concept: [{ code: 'male' }] }] } } },
      { name: 'code', valueCode: 'female' },
      { name: 'system', valueUri: GENDER },
    ]);
    expect(param(posted.json, 'result')).toBe(false);
  });

  test('errors: no code (400), unknown value set (404), code and coding together (400)', async () => {
    expect((await get(`ValueSet/$validate-code?url=${u(GENDER_VS)}`)).status).toBe(400);
    const nf = await get(`ValueSet/$validate-code?url=${u('https://example.org/ValueSet/nope')}&code=x&system=y`);
    expect(nf.status).toBe(404);
    expect(nf.json.resourceType).toBe('OperationOutcome');
    const both = await postOp('ValueSet/$validate-code', [
      { name: 'url', valueUri: GENDER_VS },
      { name: 'code', valueCode: 'male' },
      { name: 'coding', valueCoding: { system: GENDER, code: 'male' } },
    ]);
    expect(both.status).toBe(400);
  });
});

describe('CodeSystem/$validate-code, $lookup, $subsumes', () => {
  test('$validate-code: valid, inactive with a message, unknown code, code system not held', async () => {
    const v = async (q: string): Promise<Parameters> => (await get(`CodeSystem/$validate-code?${q}`)).json;
    expect(param(await v(`url=${u(SVC)}&code=urg`), 'result')).toBe(true);
    expect(param(await v(`url=${u(SVC)}&code=urg&displayLanguage=en`), 'display')).toBe('Emergency');
    const neo = await v(`url=${u(SVC)}&code=neo`);
    expect(param(neo, 'result')).toBe(true);
    expect(param(neo, 'message')).toContain('inactive');
    expect(param(await v(`url=${u(SVC)}&code=zzz`), 'result')).toBe(false);
    const sct = await v(`url=${u('http://snomed.info/sct')}&code=22298006`);
    expect(param(sct, 'result')).toBe(false);
    expect(param(sct, 'message')).toContain('not known here');
    const gender = await postOp('CodeSystem/$validate-code', [{ name: 'coding', valueCoding: { system: GENDER, code: 'male', display: 'Masculino' } }]);
    expect(param(gender.json, 'result')).toBe(true);
    expect(param(gender.json, 'message')).toContain('Masculino');
    const inst = await get(`CodeSystem/${svcId}/$validate-code?code=trauma`);
    expect(param(inst.json, 'result')).toBe(true);
    expect((await get('CodeSystem/$validate-code?code=x')).status).toBe(400);
  });

  test('$lookup on base terminology: v3 RoleCode FTH (parent PRN, children), administrative-gender', async () => {
    const r = await get(`CodeSystem/$lookup?system=${u(ROLE)}&code=FTH`);
    expect(r.status).toBe(200);
    expect(param(r.json, 'name')).toBe('RoleCode');
    expect(param(r.json, 'display')).toBe('father');
    const props = (r.json as Parameters).parameter?.filter((p) => p.name === 'property').map((p) => [p.part?.[0].valueCode, p.part?.[1]?.valueCode]);
    expect(props).toContainEqual(['parent', 'PRN']);
    expect(props).toContainEqual(['child', 'NFTH']);
    const g = await get(`CodeSystem/$lookup?system=${u(GENDER)}&code=other`);
    expect(param(g.json, 'version')).toBe('4.0.1');
    expect(param(g.json, 'display')).toBe('Other');
  });

  test('$lookup on a stored code system: displayLanguage, designations, properties, property filter, instance level, POST coding', async () => {
    const r = await get(`CodeSystem/$lookup?system=${u(SVC)}&code=med&displayLanguage=en`);
    expect(r.status).toBe(200);
    const p = r.json as Parameters;
    expect(param(p, 'name')).toBe('TestServicios');
    expect(param(p, 'version')).toBe('1.0.0');
    expect(param(p, 'display')).toBe('Internal medicine');
    const designations = p.parameter?.filter((x) => x.name === 'designation').map((x) => Object.fromEntries((x.part ?? []).map((q) => [q.name, q.valueCode ?? q.valueString])));
    expect(designations).toEqual([
      { language: 'gn', value: 'Pohanohára' },
      { language: 'en', value: 'Internal medicine' },
    ]);
    const props = p.parameter?.filter((x) => x.name === 'property').map((x) => [x.part?.[0].valueCode, x.part?.[1]?.valueCode ?? x.part?.[1]?.valueBoolean]);
    expect(props).toEqual(expect.arrayContaining([['nivel', '2'], ['parent', 'clin'], ['child', 'cardio'], ['child', 'neumo'], ['inactive', false]]));
    const only = await get(`CodeSystem/$lookup?system=${u(SVC)}&code=trauma&property=parent`);
    const onlyProps = (only.json as Parameters).parameter?.filter((x) => x.name === 'property').map((x) => x.part?.[1]?.valueCode);
    expect(onlyProps?.sort()).toEqual(['quir', 'urg']);
    expect((only.json as Parameters).parameter?.some((x) => x.name === 'designation')).toBe(false);
    const inst = await get(`CodeSystem/${svcId}/$lookup?code=clin&displayLanguage=gn`);
    expect(param(inst.json, 'display')).toBe('Tasyo');
    const posted = await postOp('CodeSystem/$lookup', [{ name: 'coding', valueCoding: { system: SVC, code: 'cirgen' } }]);
    expect(param(posted.json, 'display')).toBe('Cirugía general');
  });

  test('$lookup errors: missing code or system (400), code system not held (404), unknown code (404)', async () => {
    expect((await get(`CodeSystem/$lookup?system=${u(SVC)}`)).status).toBe(400);
    expect((await get('CodeSystem/$lookup?code=x')).status).toBe(400);
    const sct = await get(`CodeSystem/$lookup?system=${u('http://snomed.info/sct')}&code=22298006`);
    expect(sct.status).toBe(404);
    expect(sct.json.issue[0].diagnostics).toContain('http://snomed.info/sct');
    expect((await get(`CodeSystem/$lookup?system=${u(SVC)}&code=zzz`)).status).toBe(404);
  });

  test('$subsumes: v3 RoleCode and the stored hierarchy (nested concepts and parent property)', async () => {
    const s = async (system: string, a: string, b: string): Promise<unknown> => param((await get(`CodeSystem/$subsumes?system=${u(system)}&codeA=${a}&codeB=${b}`)).json, 'outcome');
    expect(await s(ROLE, 'PRN', 'FTH')).toBe('subsumes');
    expect(await s(ROLE, 'NFTH', 'PRN')).toBe('subsumed-by');
    expect(await s(ROLE, 'FTH', 'MTH')).toBe('not-subsumed');
    expect(await s(ROLE, 'FTH', 'FTH')).toBe('equivalent');
    expect(await s(SVC, 'clin', 'cardio')).toBe('subsumes');
    expect(await s(SVC, 'cardio', 'clin')).toBe('subsumed-by');
    expect(await s(SVC, 'urg', 'trauma')).toBe('subsumes');
    expect(await s(SVC, 'cardio', 'cirgen')).toBe('not-subsumed');
    const codings = await postOp('CodeSystem/$subsumes', [
      { name: 'codingA', valueCoding: { system: SVC, code: 'neo' } },
      { name: 'codingB', valueCoding: { system: SVC, code: 'ped' } },
    ]);
    expect(param(codings.json, 'outcome')).toBe('subsumed-by');
    expect(param((await get(`CodeSystem/${svcId}/$subsumes?codeA=quir&codeB=trauma`)).json, 'outcome')).toBe('subsumes');
  });

  test('$subsumes errors: missing codes (400), codings of different systems (400), unknown code (404), system not held (404)', async () => {
    expect((await get(`CodeSystem/$subsumes?system=${u(SVC)}&codeA=clin`)).status).toBe(400);
    const mixed = await postOp('CodeSystem/$subsumes', [
      { name: 'codingA', valueCoding: { system: SVC, code: 'clin' } },
      { name: 'codingB', valueCoding: { system: GENDER, code: 'male' } },
    ]);
    expect(mixed.status).toBe(400);
    expect((await get(`CodeSystem/$subsumes?system=${u(SVC)}&codeA=clin&codeB=zzz`)).status).toBe(404);
    expect((await get(`CodeSystem/$subsumes?system=${u('http://snomed.info/sct')}&codeA=1&codeB=2`)).status).toBe(404);
  });
});

describe('ConceptMap/$translate', () => {
  const matches = (p: Parameters): [string, string | undefined][] =>
    (p.parameter ?? []).filter((x) => x.name === 'match').map((x) => [x.part?.find((q) => q.name === 'equivalence')?.valueCode as string, x.part?.find((q) => q.name === 'concept')?.valueCoding?.code]);

  test('core ConceptMap administrative-gender → v2 0001', async () => {
    const url = u('http://hl7.org/fhir/ConceptMap/cm-administrative-gender-v2');
    const male = await get(`ConceptMap/$translate?url=${url}&system=${u(GENDER)}&code=male`);
    expect(male.status).toBe(200);
    expect(param(male.json, 'result')).toBe(true);
    expect(matches(male.json)).toEqual([['equal', 'M']]);
    const concept = (male.json as Parameters).parameter?.find((x) => x.name === 'match')?.part?.find((q) => q.name === 'concept')?.valueCoding;
    expect(concept).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/v2-0001', code: 'M', display: 'Male' });
    const other = await get(`ConceptMap/$translate?url=${url}&system=${u(GENDER)}&code=other`);
    expect(matches(other.json)).toEqual([
      ['wider', 'A'],
      ['wider', 'O'],
    ]);
  });

  test('stored DGEEC → ISO 3166-2 map: by url, by source/target, by instance, reverse, unmatched', async () => {
    const central = await get(`ConceptMap/$translate?url=${u(CM)}&system=${u(DEP)}&code=11`);
    expect(matches(central.json)).toEqual([['equivalent', 'PY-11']]);
    const bySource = await postOp('ConceptMap/$translate', [
      { name: 'coding', valueCoding: { system: DEP, code: '00' } },
      { name: 'source', valueUri: 'https://fhir.example.py/ValueSet/test-departamentos' },
      { name: 'target', valueUri: 'https://fhir.example.py/ValueSet/test-iso-py' },
    ]);
    expect(matches(bySource.json)).toEqual([['equivalent', 'PY-ASU']]);
    const bySystem = await get(`ConceptMap/$translate?system=${u(DEP)}&code=01&targetsystem=${u(ISO)}`);
    expect(matches(bySystem.json)).toEqual([['equivalent', 'PY-1']]);
    const inst = await get(`ConceptMap/${cmId}/$translate?system=${u(DEP)}&code=01`);
    expect(matches(inst.json)).toEqual([['equivalent', 'PY-1']]);
    const reverse = await get(`ConceptMap/$translate?url=${u(CM)}&system=${u(ISO)}&code=PY-1&reverse=true`);
    expect(param(reverse.json, 'result')).toBe(true);
    const back = (reverse.json as Parameters).parameter?.find((x) => x.name === 'match')?.part?.find((q) => q.name === 'concept')?.valueCoding;
    expect(back).toEqual({ system: DEP, code: '01', display: 'Concepción' });
    const abroad = await get(`ConceptMap/$translate?url=${u(CM)}&system=${u(DEP)}&code=99`);
    expect(param(abroad.json, 'result')).toBe(false);
    expect(matches(abroad.json)).toEqual([['unmatched', undefined]]);
    const none = await get(`ConceptMap/$translate?url=${u(CM)}&system=${u(DEP)}&code=42`);
    expect(param(none.json, 'result')).toBe(false);
    expect(param(none.json, 'message')).toContain('42');
  });

  test('errors: no code (400), unknown ConceptMap (404)', async () => {
    expect((await get(`ConceptMap/$translate?url=${u(CM)}`)).status).toBe(400);
    expect((await get(`ConceptMap/$translate?url=${u('https://example.org/ConceptMap/nope')}&system=x&code=y`)).status).toBe(404);
  });
});

describe('CapabilityStatement', () => {
  test('lists the six terminology operations with their OperationDefinitions', async () => {
    const cs = (await get('metadata')).json;
    const ops = (type: string): string[] => cs.rest[0].resource.find((r: { type: string }) => r.type === type).operation.map((o: { definition: string }) => o.definition);
    expect(ops('ValueSet')).toEqual(expect.arrayContaining(['http://hl7.org/fhir/OperationDefinition/ValueSet-expand', 'http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code']));
    expect(ops('CodeSystem')).toEqual(
      expect.arrayContaining(['http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup', 'http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code', 'http://hl7.org/fhir/OperationDefinition/CodeSystem-subsumes']),
    );
    expect(ops('ConceptMap')).toEqual(expect.arrayContaining(['http://hl7.org/fhir/OperationDefinition/ConceptMap-translate']));
  });
});
