import { request } from './helpers/http.js';
import { dailySchedule } from './helpers/schedules.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import type { Json } from './rest-util.js';
import { bearer, bootstrapAdmin, getToken, newClient, register } from './security-util.js';

/**
 * Appointment/$find with AUTH_MODE=on, as requesters with different access ask the same search in turn (on
 * PGlite the matching Schedules are kept between calls): each gets only the Schedules its own search returns —
 * a facility-bound client its facility's, also right after a Location moves to its facility (no Schedule
 * written), a client without the label scopes no labelled Schedule, the administrator every one.
 */
let server: TestServer;
const tokens = new Map<string, string>();
const CONF_R = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' };
const CODE = 'find-access';
const tomorrow = new Date(Date.now() - 3 * 3600_000 + 86_400_000).toISOString().slice(0, 10);

const as = (who: string, method: string, path: string, body?: unknown) => request(method, `${server.base}/${path}`, body, bearer(tokens.get(who) as string));
const put = async (r: Json): Promise<void> => {
  const res = await as('admin', 'PUT', `${r.resourceType}/${r.id}`, r);
  if (res.status >= 300) throw new Error(res.text);
};
const schedule = (id: string, location: string, practitioner: string, security?: Json[]): Json => {
  const sc = dailySchedule(location, { id });
  return { ...sc, ...(security ? { meta: { security } } : {}), specialty: [{ coding: [{ system: 'urn:test:specialty', code: CODE }] }], actor: [...sc.actor, { reference: practitioner }] };
};
/** The practitioners of the schedules `who`'s $find offers. */
async function offered(who: string): Promise<string[]> {
  const r = await as(who, 'GET', `Appointment/$find?start=${tomorrow}&end=${tomorrow}&specialty=urn:test:specialty|${CODE}&_count=50`);
  expect(r.status).toBe(200);
  const actors = (r.json.entry ?? []).flatMap((e: Json) => e.resource.participant.map((p: Json) => p.actor.reference as string));
  return [...new Set(actors.filter((a: string) => a.startsWith('Practitioner/')))].sort() as string[];
}

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: 'on', AUDIT: 'off' });
  const admin = await bootstrapAdmin(server);
  tokens.set('admin', await getToken(server.base, admin));
  for (const r of [
    { resourceType: 'Organization', id: 'orgA', name: 'A' },
    { resourceType: 'Organization', id: 'orgB', name: 'B' },
    { resourceType: 'Location', id: 'locA', managingOrganization: { reference: 'Organization/orgA' } },
    { resourceType: 'Location', id: 'locB', managingOrganization: { reference: 'Organization/orgB' } },
    ...['prA', 'prB', 'prR'].map((id) => ({ resourceType: 'Practitioner', id })),
  ]) await put(r);
  await put(schedule('schA', 'Location/locA', 'Practitioner/prA'));
  await put(schedule('schB', 'Location/locB', 'Practitioner/prB'));
  await put(schedule('schR', 'Location/locA', 'Practitioner/prR', [CONF_R]));
  for (const [id, extra] of [['facA', { facility: 'orgA' }], ['plain', {}]] as const) {
    const client = await newClient(id);
    await register(server.base, tokens.get('admin')!, client, 'system/*.cruds', extra);
    tokens.set(id, await getToken(server.base, client));
  }
});
afterAll(async () => {
  await server?.stop();
});

test('the same $find by requesters of different access: each gets what its own search returns, before and after changes', async () => {
  const all = ['Practitioner/prA', 'Practitioner/prB', 'Practitioner/prR'];
  expect(await offered('admin')).toEqual(all);
  expect(await offered('facA')).toEqual(['Practitioner/prA']);
  expect(await offered('plain')).toEqual(['Practitioner/prA', 'Practitioner/prB']);
  expect(await offered('plain')).toEqual(['Practitioner/prA', 'Practitioner/prB']);
  expect(await offered('admin')).toEqual(all);
  // facility B's Location moves to facility A: no Schedule is written, facility A now has schB
  await put({ resourceType: 'Location', id: 'locB', managingOrganization: { reference: 'Organization/orgA' } });
  expect(await offered('facA')).toEqual(['Practitioner/prA', 'Practitioner/prB']);
  // schB gets a label the plain client may not see
  await put(schedule('schB', 'Location/locB', 'Practitioner/prB', [CONF_R]));
  expect(await offered('plain')).toEqual(['Practitioner/prA']);
  expect(await offered('admin')).toEqual(all);
  expect(await offered('facA')).toEqual(['Practitioner/prA']);
  expect(await offered('plain')).toEqual(['Practitioner/prA']);
});

test('a client without a Schedule search grant is refused, also after others\' searches', async () => {
  await offered('admin');
  const client = await newClient('slotsOnly');
  await register(server.base, tokens.get('admin')!, client, 'system/Slot.rs system/Appointment.rs');
  tokens.set('slotsOnly', await getToken(server.base, client));
  const r = await as('slotsOnly', 'GET', `Appointment/$find?start=${tomorrow}&end=${tomorrow}&specialty=urn:test:specialty|${CODE}`);
  expect(r.status).toBe(403);
});
