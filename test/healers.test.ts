import { request, type Reply } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { type Json } from './rest-util.js';

/**
 * The traditional healers' registry over HTTP: healers (py-traditional-healer) and the roles through which they
 * serve places, found by specialty, language, community served, district (where they live, or of the places
 * they serve) and near a position, with the guide's search parameters.
 */
const SD = 'https://fhir.mspbs.gov.py/StructureDefinition/';
const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
const SPECIALTY = `${CS}py-especialidad-medicina-tradicional`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const get = (path: string): Promise<Reply> => request('GET', `${server.base}/${path}`);
async function create(body: Json): Promise<Json> {
  const r = await request('POST', `${server.base}/${body.resourceType}`, body);
  if (r.status !== 201) throw new Error(r.text);
  return r.json;
}
const district = (code: string): Json[] => [{ url: `${SD}py-distrito`, valueCoding: { system: `${CS}py-distrito`, code } }];
function healer(family: string, specialty: string, communities: string[], languages: string[], home: string): Json {
  return {
    resourceType: 'Practitioner',
    meta: { profile: [`${SD}py-traditional-healer`] },
    extension: [
      {
        url: `${SD}py-medicina-tradicional`,
        extension: [
          { url: 'especialidad', valueCodeableConcept: { coding: [{ system: SPECIALTY, code: specialty }] } },
          ...communities.map((c) => ({ url: 'comunidad', valueString: c })),
          ...languages.map((l) => ({ url: 'idioma', valueCode: l })),
          { url: 'reconocimiento', valueCoding: { system: `${CS}py-tipo-reconocimiento`, code: 'comunidad' } },
          { url: 'conocimientoProtegido', valueBoolean: false },
        ],
      },
    ],
    name: [{ family }],
    address: [{ city: home, extension: district(home === 'Mariscal Estigarribia' ? '1602' : '101') }],
  };
}

let partera: string;
let yuyero: string;
let chaco: string;
const ids = (r: Reply): string[] => (r.json.entry ?? []).filter((e: Json) => e.search?.mode !== 'include').map((e: Json) => `${e.resource.resourceType}/${e.resource.id}`).sort();
beforeAll(async () => {
  partera = `Practitioner/${(await create(healer('Benítez', 'partera-tradicional', ['Comunidad Tekoha Porã', 'Comunidad Yvy Pytã'], ['gn', 'gun'], 'Mariscal Estigarribia'))).id}`;
  yuyero = `Practitioner/${(await create(healer('Ortiz', 'yuyero-herbolario', ['Barrio San Antonio'], ['es'], 'Concepción'))).id}`;
  const tekoha = await create({ resourceType: 'Location', name: 'Comunidad Tekoha Porã', address: { extension: district('1602') }, position: { latitude: -22.03, longitude: -60.61 } });
  const barrio = await create({ resourceType: 'Location', name: 'Barrio San Antonio', address: { extension: district('101') }, position: { latitude: -23.41, longitude: -57.43 } });
  const role = (who: string, loc: Json, specialty: string): Json => ({
    resourceType: 'PractitionerRole',
    practitioner: { reference: who },
    location: [{ reference: `Location/${loc.id}` }],
    specialty: [{ coding: [{ system: SPECIALTY, code: specialty }] }],
    availableTime: [{ daysOfWeek: ['mon', 'wed', 'fri'], availableStartTime: '07:00:00', availableEndTime: '11:00:00' }],
  });
  chaco = `PractitionerRole/${(await create(role(partera, tekoha, 'partera-tradicional'))).id}`;
  await create(role(yuyero, barrio, 'yuyero-herbolario'));
});

test('healers by specialty, language, community served and district of residence', async () => {
  expect(ids(await get(`Practitioner?especialidad-tradicional=${SPECIALTY}|partera-tradicional`))).toEqual([partera]);
  expect(ids(await get('Practitioner?idioma=gn'))).toEqual([partera]);
  expect(ids(await get('Practitioner?idioma=es&especialidad-tradicional=yuyero-herbolario'))).toEqual([yuyero]);
  expect(ids(await get('Practitioner?comunidad-atendida=comunidad yvy'))).toEqual([partera]);
  expect(ids(await get('Practitioner?comunidad-atendida:contains=antonio'))).toEqual([yuyero]);
  expect(ids(await get('Practitioner?distrito=1602'))).toEqual([partera]);
});

test('the roles serving a district or near a position, with their healers, and a combined search', async () => {
  const inChaco = await get('PractitionerRole?location.distrito=1602&_include=PractitionerRole:practitioner');
  expect(ids(inChaco)).toEqual([chaco]);
  expect(inChaco.json.entry.filter((e: Json) => e.search?.mode === 'include').map((e: Json) => `Practitioner/${e.resource.id}`)).toEqual([partera]);
  // near Mariscal Estigarribia (the places within 50 km), then the roles that serve them
  const near = await get('Location?near=-22.03|-60.61|50|km&_revinclude=PractitionerRole:location');
  expect(near.json.entry.filter((e: Json) => e.resource.resourceType === 'PractitionerRole').map((e: Json) => `PractitionerRole/${e.resource.id}`)).toEqual([chaco]);
  // a Guaraní-speaking midwife serving the Chaco district
  expect(ids(await get(`PractitionerRole?specialty=${SPECIALTY}|partera-tradicional&practitioner.idioma=gn&location.distrito=1602`))).toEqual([chaco]);
  expect(ids(await get(`PractitionerRole?specialty=${SPECIALTY}|partera-tradicional&practitioner.idioma=es`))).toEqual([]);
});

test('$healer-coverage: per district of a department, the healers of each specialty serving it, the districts without, and the places as GeoJSON', async () => {
  const r = await get('Practitioner/$healer-coverage?department=16');
  expect(r.status).toBe(200);
  const rows = r.json.parameter.filter((p: Json) => p.name === 'district');
  const row = (code: string): Json => rows.find((x: Json) => x.part[0].valueCoding.code === code);
  const healers = (x: Json, specialty: string): number => x.part.find((p: Json) => p.name === 'specialty' && p.part[0].valueCoding.code === specialty).part[1].valueInteger;
  expect(rows.length).toBeGreaterThan(1);
  expect(rows.every((x: Json) => x.part[1].valueCode === '16')).toBe(true);
  expect(healers(row('1602'), 'partera-tradicional')).toBe(1);
  expect(healers(row('1602'), 'yuyero-herbolario')).toBe(0);
  expect(row('1602').part.find((p: Json) => p.name === 'covered').valueBoolean).toBe(true);
  const others = rows.filter((x: Json) => x.part[0].valueCoding.code !== '1602');
  expect(others.every((x: Json) => x.part.find((p: Json) => p.name === 'covered').valueBoolean === false)).toBe(true);
  const uncovered = r.json.parameter.find((p: Json) => p.name === 'uncovered').part;
  expect(uncovered.find((p: Json) => p.name === 'partera-tradicional').valueString.split(',')).not.toContain('1602');
  expect(uncovered.find((p: Json) => p.name === 'yuyero-herbolario').valueString.split(',')).toContain('1602');
  const geo = JSON.parse(Buffer.from(r.json.parameter.find((p: Json) => p.name === 'geojson').valueAttachment.data, 'base64').toString());
  expect(geo.type).toBe('FeatureCollection');
  expect(geo.features).toHaveLength(1);
  expect(geo.features[0].geometry).toEqual({ type: 'Point', coordinates: [-60.61, -22.03] });
  expect(geo.features[0].properties).toMatchObject({ name: 'Comunidad Tekoha Porã', district: '1602', healers: { 'partera-tradicional': 1 } });
  // one specialty over the country: the Concepción yuyero's district is covered
  const yuyeros = await get('Practitioner/$healer-coverage?specialty=yuyero-herbolario');
  const covered = yuyeros.json.parameter.filter((p: Json) => p.name === 'district' && p.part.find((x: Json) => x.name === 'covered').valueBoolean).map((p: Json) => p.part[0].valueCoding.code);
  expect(covered).toEqual(['101']);
  // the CapabilityStatement lists it with the guide's OperationDefinition
  const practitioner = (await get('metadata')).json.rest[0].resource.find((x: Json) => x.type === 'Practitioner');
  expect(practitioner.operation).toContainEqual(expect.objectContaining({ name: 'healer-coverage', definition: 'https://fhir.mspbs.gov.py/OperationDefinition/practitioner-healer-coverage' }));
  // bad input
  const bad = await get('Practitioner/$healer-coverage?department=Boquerón');
  expect(bad.status).toBe(400);
  expect(bad.json.issue[0].diagnostics).toBe('Invalid parameter department: Boquerón');
});

test('a healer whose knowledge is protected, and its roles, must carry the protected-knowledge label', async () => {
  const body = healer('Vera', 'medico-tradicional-indigena', ['Comunidad Ñu Apu\'a'], ['gn'], 'Mariscal Estigarribia');
  body.extension[0].extension.find((e: Json) => e.url === 'conocimientoProtegido').valueBoolean = true;
  const refused = await request('POST', `${server.base}/Practitioner`, body);
  expect(refused.status).toBe(422);
  expect(refused.json.issue[0].diagnostics).toMatch(
    /^Practitioner\/[0-9a-f-]+ says its knowledge is protected \(py-medicina-tradicional conocimientoProtegido = true\): it must carry the security label https:\/\/fhir\.mspbs\.gov\.py\/CodeSystem\/py-security-label\|conocimiento-protegido in meta\.security$/,
  );
  const labelled = await request('POST', `${server.base}/Practitioner`, { ...body, meta: { ...body.meta, security: [{ system: `${CS}py-security-label`, code: 'conocimiento-protegido' }] } });
  expect(labelled.status).toBe(201);
  // its roles carry the label too
  const role = { resourceType: 'PractitionerRole', practitioner: { reference: `Practitioner/${labelled.json.id}` }, specialty: [{ coding: [{ system: SPECIALTY, code: 'medico-tradicional-indigena' }] }] };
  const bare = await request('POST', `${server.base}/PractitionerRole`, role);
  expect(bare.status).toBe(422);
  expect(bare.json.issue[0].diagnostics).toMatch(new RegExp(`^PractitionerRole/[0-9a-f-]+ is a role of Practitioner/${labelled.json.id}, whose knowledge is protected: it must carry the security label`));
  const labelledRole = await request('POST', `${server.base}/PractitionerRole`, { ...role, meta: { security: [{ system: `${CS}py-security-label`, code: 'conocimiento-protegido' }] } });
  expect(labelledRole.status).toBe(201);
});
