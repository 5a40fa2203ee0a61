import { createServer, request as httpRequest, type Server } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { expectOutcome, ids, sleep, type Json } from './rest-util.js';
import { assertion, bearer, bootstrapAdmin, getToken, newClient, register, tokenRequest, tokenUrl, type TestClient } from './security-util.js';

/**
 * AUTH_MODE=on: bearer tokens required, the built-in SMART Backend Services token endpoint, discovery, the
 * CapabilityStatement security section, token rejection (401), key rotation, external OIDC tokens, the audit
 * trail and the rate limit.
 */
const OIDC_ISSUER = 'https://idp.mspbs.example/realms/hms';
let server: TestServer;
let admin: TestClient;
let idp: Server;
let idpKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

beforeAll(async () => {
  // A local JWKS server stands in for the Ministry's identity provider.
  const pair = await generateKeyPair('RS256', { extractable: true });
  idpKey = pair.privateKey;
  const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' }] };
  idp = createServer((_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify(jwks)));
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', () => r()));
  const port = (idp.address() as { port: number }).port;
  server = await startTestServer({
    AUTH_MODE: 'on',
    OIDC_ISSUER,
    OIDC_AUDIENCE: 'hms-ops',
    OIDC_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
    OIDC_CLAIM_FACILITY: 'org.facility',
    RATE_LIMIT_PER_MINUTE: '40',
    AUDIT_FLUSH_MS: '50',
    // events searchable sooner than the default 2 s, so the polling below stays under RATE_LIMIT_PER_MINUTE
    AUDIT_EVENT_MS: '500',
    ACCESS_TOKEN_SECONDS: '12',
  });
  admin = await bootstrapAdmin(server);
});
/** Tokens live 12 s here (to test expiry): every test asks for fresh ones. */
async function adminToken(): Promise<string> {
  return getToken(server.base, admin);
}
afterAll(async () => {
  await server?.stop();
  idp?.close();
});

describe('authentication required', () => {
  test('no token: 401 OperationOutcome with a Bearer challenge', async () => {
    const r = await request('GET', `${server.base}/Patient`);
    expectOutcome(r, 401, /Authorization required/);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="hms-ops"$/);
    // inside a bundle too: the whole request is refused before any entry runs
    const b = await request('POST', server.base, { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Patient' } }] });
    expectOutcome(b, 401);
  });

  test('metadata and discovery are public; the CapabilityStatement names the token endpoint', async () => {
    const cs = await request('GET', `${server.base}/metadata`);
    expect(cs.status).toBe(200);
    const sec = cs.json.rest[0].security;
    expect(sec.service[0].coding[0].code).toBe('SMART-on-FHIR');
    expect(sec.extension[0].extension[0]).toEqual({ url: 'token', valueUri: tokenUrl(server.base) });
    expect(sec.description).not.toMatch(/OFF/);
    const smart = await request('GET', `${server.base}/.well-known/smart-configuration`);
    expect(smart.status).toBe(200);
    expect(smart.json.token_endpoint).toBe(tokenUrl(server.base));
    expect(smart.json.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(smart.json.grant_types_supported).toEqual(['client_credentials']);
    const jwks = await request('GET', smart.json.jwks_uri);
    expect(jwks.json.keys.length).toBeGreaterThanOrEqual(1);
    expect(jwks.json.keys[0].d).toBeUndefined();
  });

  test('security headers on every response', async () => {
    const r = await request('GET', `${server.base}/metadata`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('token endpoint (SMART Backend Services)', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await newClient('emr-1', 'RS256');
    await register(server.base, await adminToken(), client, 'system/Patient.rs system/Observation.cruds');
  });

  test('client_credentials + private_key_jwt → a signed access token with the granted scopes, no-store', async () => {
    const r = await tokenRequest(server.base, {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(client, tokenUrl(server.base)),
      scope: 'system/Patient.r system/Encounter.rs',
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json.token_type).toBe('Bearer');
    expect(r.json.scope).toBe('system/Patient.r'); // Encounter is not allowed for this client
    const claims = decodeJwt(r.json.access_token);
    expect(claims.sub).toBe('emr-1');
    expect(claims.aud).toBe(server.base);
    expect((claims.exp as number) - (claims.iat as number)).toBe(12);
    const read = await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(r.json.access_token));
    expectOutcome(read, 403); // r without s does not allow search
  });

  test('replayed jti, wrong audience, too long exp, unknown client, wrong key: refused', async () => {
    const form = (a: string): Record<string, string> => ({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: a,
    });
    const once = await assertion(client, tokenUrl(server.base), { jti: 'fixed-jti-1' });
    expect((await tokenRequest(server.base, form(once))).status).toBe(200);
    const replay = await tokenRequest(server.base, form(once));
    expect(replay.status).toBe(401);
    expect(replay.json.error).toBe('invalid_client');
    expect((await tokenRequest(server.base, form(await assertion(client, 'http://elsewhere/token')))).json.error).toBe('invalid_client');
    expect((await tokenRequest(server.base, form(await assertion(client, tokenUrl(server.base), { exp: Math.floor(Date.now() / 1000) + 3600 })))).status).toBe(401);
    expect((await tokenRequest(server.base, form(await assertion(client, tokenUrl(server.base), { sub: 'someone-else' })))).status).toBe(401);
    const stranger = await newClient('stranger');
    expect((await tokenRequest(server.base, form(await assertion(stranger, tokenUrl(server.base))))).status).toBe(401);
    const impostor = { ...(await newClient('emr-1')) };
    expect((await tokenRequest(server.base, form(await assertion(impostor, tokenUrl(server.base))))).status).toBe(401);
    expect((await tokenRequest(server.base, { ...form(once), grant_type: 'password' })).json.error).toBe('unsupported_grant_type');
  });

  test('expired, tampered, wrong-audience and wrong-issuer tokens: 401 invalid_token', async () => {
    const good = await getToken(server.base, client);
    expect((await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(good))).status).toBe(200);
    const [h, p, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'system/*.cruds' })).toString('base64url')}.${sig}`;
    const foreign = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const forge = (over: Json): Promise<string> =>
      new SignJWT({ scope: 'system/*.cruds', ...over }).setProtectedHeader({ alg: 'ES256', kid: decodeJwtHeaderKid(good) }).setSubject('emr-1').setIssuedAt(now).setExpirationTime(over.exp ?? now + 60).sign(foreign.privateKey);
    const bad = [
      tampered,
      await forge({ iss: claims.iss, aud: server.base }), // right claims, wrong key
      await forge({ iss: 'https://evil.example/auth', aud: server.base }),
      await forge({ iss: claims.iss, aud: 'https://other-server/fhir' }),
      'not.a.jwt',
    ];
    for (const token of bad) {
      const r = await request('GET', `${server.base}/Patient`, undefined, bearer(token));
      expectOutcome(r, 401, /Invalid access token/);
      expect(r.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    }
  });

  test('a token accepted (and remembered) for one FHIR base is refused at another: the audience is checked on every use', async () => {
    const good = await getToken(server.base, client);
    expect((await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(good))).status).toBe(200);
    // the same server reached under another host name: FHIR base http://other.example:<port>/fhir
    const url = new URL(`${server.base}/Patient?_count=1`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { Host: `other.example:${url.port}`, ...bearer(good) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
    expect((await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(good))).status).toBe(200);
  });

  test('expired token: 401', async () => {
    const short = await newClient('short-lived');
    await register(server.base, await adminToken(), short, 'system/Patient.rs');
    const t = await getToken(server.base, short);
    expect((await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(t))).status).toBe(200);
    await sleep(13_000); // ACCESS_TOKEN_SECONDS=12
    const r = await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(t));
    expectOutcome(r, 401);
    expect(r.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  test('key rotation: the JWKS publishes current and previous keys; old tokens stay valid', async () => {
    const before = await getToken(server.base, client);
    const rotated = await request('POST', server.base.replace(/\/fhir$/, '/admin/keys/rotate'), undefined, bearer(await adminToken()));
    expect(rotated.status).toBe(200);
    const jwks = await request('GET', server.base.replace(/\/fhir$/, '/auth/jwks'));
    expect(jwks.json.keys.map((k: Json) => k.kid)).toEqual([rotated.json.kid, decodeJwtHeaderKid(before)]);
    const after = await getToken(server.base, client);
    expect(decodeJwtHeaderKid(after)).toBe(rotated.json.kid);
    for (const tk of [before, after]) expect((await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(tk))).status).toBe(200);
  });

  test('admin API needs hms/admin', async () => {
    const t = await getToken(server.base, client);
    const r = await request('GET', server.base.replace(/\/fhir$/, '/admin/clients'), undefined, bearer(t));
    expectOutcome(r, 403);
    expectOutcome(await request('GET', server.base.replace(/\/fhir$/, '/admin/clients')), 401);
    const ok = await request('GET', server.base.replace(/\/fhir$/, '/admin/clients'), undefined, bearer(await adminToken()));
    expect(ok.json.map((c: Json) => c.clientId)).toEqual(expect.arrayContaining(['admin', 'emr-1']));
    const invalid = await request('POST', server.base.replace(/\/fhir$/, '/admin/clients'), { clientId: 'x', scopes: 'nonsense' }, { ...bearer(await adminToken()), 'Content-Type': 'application/json' });
    expectOutcome(invalid, 400);
  });
});

function decodeJwtHeaderKid(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
}

describe('external OpenID Connect issuer', () => {
  const idToken = (over: Json = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: 'user/Patient.rs user/Encounter.rs', roles: ['medico'], org: { facility: 'hosp-ext' }, ...over })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setIssuer(over.iss ?? OIDC_ISSUER)
      .setAudience(over.aud ?? 'hms-ops')
      .setSubject('dra.gimenez')
      .setIssuedAt(now)
      .setExpirationTime(over.exp ?? now + 300)
      .sign(idpKey);
  };

  test('a token of the configured issuer is accepted, with claims mapped (facility from org.facility)', async () => {
    const admin = bearer(await adminToken());
    const org = await request('PUT', `${server.base}/Organization/hosp-ext`, { resourceType: 'Organization', id: 'hosp-ext', name: 'Hospital' }, admin);
    expect(org.status).toBeLessThan(300);
    const mine = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', managingOrganization: { reference: 'Organization/hosp-ext' } }, admin);
    const other = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient' }, admin);
    const t = await idToken();
    expect((await request('GET', `${server.base}/Patient/${mine.json.id}`, undefined, bearer(t))).status).toBe(200);
    // the facility claim binds the user to hosp-ext: another facility's patient does not exist for them
    expectOutcome(await request('GET', `${server.base}/Patient/${other.json.id}`, undefined, bearer(t)), 404);
    expectOutcome(await request('GET', `${server.base}/Observation`, undefined, bearer(t)), 403);
  });

  /** Patients with these ids, each with one Observation `obs-<id>`. */
  async function patientsWithObservations(...patients: string[]): Promise<void> {
    const admin = bearer(await adminToken());
    for (const id of patients) {
      await request('PUT', `${server.base}/Patient/${id}`, { resourceType: 'Patient', id }, admin);
      await request('PUT', `${server.base}/Observation/obs-${id}`, { resourceType: 'Observation', id: `obs-${id}`, status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${id}` } }, admin);
    }
  }

  test('patient/ scopes restrict to the patient of the token (compartment)', async () => {
    await patientsWithObservations('pp1', 'pp2');
    const t = bearer(await idToken({ scope: 'patient/*.rs', patient: 'pp1', org: {} }));
    expect((await request('GET', `${server.base}/Patient/pp1`, undefined, t)).status).toBe(200);
    expectOutcome(await request('GET', `${server.base}/Patient/pp2`, undefined, t), 404);
    const obs = await request('GET', `${server.base}/Observation?_total=accurate`, undefined, t);
    expect(obs.json.total).toBe(1);
    expect(obs.json.entry[0].resource.id).toBe('obs-pp1');
    // without a patient claim, patient/ scopes grant nothing
    expectOutcome(await request('GET', `${server.base}/Observation`, undefined, bearer(await idToken({ scope: 'patient/*.rs', org: {} }))), 403);
  });

  test('fhirUser: a Patient user without a patient claim has its own compartment; a user is audited as its FHIR resource', async () => {
    await patientsWithObservations('fu1', 'fu2');
    // an absolute fhirUser URL is reduced to Type/id
    const t = bearer(await idToken({ scope: 'patient/*.rs', fhirUser: 'https://hms.example/fhir/Patient/fu1', org: {} }));
    expect((await request('GET', `${server.base}/Patient/fu1`, undefined, t)).status).toBe(200);
    expectOutcome(await request('GET', `${server.base}/Patient/fu2`, undefined, t), 404);
    expect(ids((await request('GET', `${server.base}/Observation?_id=obs-fu1,obs-fu2`, undefined, t)).json)).toEqual(['obs-fu1']);
    // a launch patient claim wins over fhirUser
    const launched = bearer(await idToken({ scope: 'patient/*.rs', fhirUser: 'Patient/fu1', patient: 'fu2', org: {} }));
    expect(ids((await request('GET', `${server.base}/Observation?_id=obs-fu1,obs-fu2`, undefined, launched)).json)).toEqual(['obs-fu2']);
    // a Practitioner's fhirUser does not give a patient context
    expectOutcome(await request('GET', `${server.base}/Observation`, undefined, bearer(await idToken({ scope: 'patient/*.rs', fhirUser: 'Practitioner/dr-fu', org: {} }))), 403);

    // the audit agent names the user's FHIR resource: auditors find its requests with agent=
    const dr = bearer(await idToken({ scope: 'user/Patient.rs', fhirUser: 'Practitioner/dr-fu', org: {} }));
    expect((await request('GET', `${server.base}/Patient/fu1`, undefined, dr)).status).toBe(200);
    const auditor = await newClient('auditor-fhiruser');
    await register(server.base, await adminToken(), auditor, 'system/AuditEvent.rs');
    const at = bearer(await getToken(server.base, auditor));
    let found: Json[] = [];
    for (let waited = 0; waited < 10_000 && found.length === 0; waited += 400) {
      await sleep(400);
      const r = await request('GET', `${server.base}/AuditEvent?agent=Practitioner/dr-fu&entity=Patient/fu1`, undefined, at);
      expect(r.status).toBe(200);
      found = (r.json.entry ?? []).map((e: Json) => e.resource);
    }
    expect(found).toHaveLength(1);
    expect(found[0].agent[0].who.reference).toBe('Practitioner/dr-fu');
    expect(found[0].agent[0].who.identifier).toEqual({ system: 'urn:hms-ops:user', value: 'dra.gimenez' });
  });

  test('wrong audience, expired or foreign-signed external tokens: 401', async () => {
    expectOutcome(await request('GET', `${server.base}/Patient`, undefined, bearer(await idToken({ aud: 'someone-else' }))), 401);
    expectOutcome(await request('GET', `${server.base}/Patient`, undefined, bearer(await idToken({ exp: Math.floor(Date.now() / 1000) - 60 }))), 401);
    const stranger = await generateKeyPair('RS256');
    const forged = await new SignJWT({ scope: 'user/*.cruds' }).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setIssuer(OIDC_ISSUER).setAudience('hms-ops').setSubject('x').setExpirationTime('5m').sign(stranger.privateKey);
    expectOutcome(await request('GET', `${server.base}/Patient`, undefined, bearer(forged)), 401);
  });
});

describe('audit trail', () => {
  test('every request leaves an AuditEvent (reads, searches, writes, denials), searchable by an auditor', async () => {
    const writer = await newClient('audited');
    await register(server.base, await adminToken(), writer, 'system/Patient.cruds');
    const auditor = await newClient('auditor');
    await register(server.base, await adminToken(), auditor, 'system/AuditEvent.rs');
    const t = await getToken(server.base, writer);
    const created = await request('POST', `${server.base}/Patient`, { resourceType: 'Patient', name: [{ family: 'Secreto' }] }, bearer(t));
    await request('GET', `${server.base}/Patient/${created.json.id}`, undefined, bearer(t));
    await request('GET', `${server.base}/Patient?family=Secreto`, undefined, bearer(t));
    await request('DELETE', `${server.base}/Patient/${created.json.id}`, undefined, bearer(t));
    await request('GET', `${server.base}/Encounter`, undefined, bearer(t)); // 403
    const at = await getToken(server.base, auditor);
    // the audit writer flushes every AUDIT_FLUSH_MS: wait (up to 10 s on a busy machine) for the five events
    let r: Json;
    let events: Json[] = [];
    for (let waited = 0; waited < 10_000 && events.length < 5; waited += 200) {
      await sleep(200);
      r = await request('GET', `${server.base}/AuditEvent?_count=200&_sort=-_lastUpdated`, undefined, bearer(at));
      expect(r.status).toBe(200);
      events = (r.json.entry ?? []).map((e: Json) => e.resource).filter((e: Json) => e.agent[0].who.identifier?.value === 'audited');
    }
    const summary = events.map((e: Json) => `${e.subtype?.[0]?.code}:${e.action}:${e.outcome}`).sort();
    expect(summary).toEqual(['create:C:0', 'delete:D:0', 'read:R:0', 'search-type:R:0', 'search-type:R:4'].sort());
    const read = events.find((e: Json) => e.subtype[0].code === 'read');
    expect(read.type.code).toBe('rest');
    // a reference while the patient exists; an identifier when it was deleted before the audit writer ran
    expect(read.entity[0].what.reference ?? read.entity[0].what.identifier.value).toBe(`Patient/${created.json.id}`);
    expect(read.source.observer.display).toMatch(/HMS-OPS/);
    const search = events.find((e: Json) => e.subtype[0].code === 'search-type' && e.outcome === '0');
    expect(Buffer.from(search.entity[0].query, 'base64').toString()).toBe('family=Secreto');
    // the writer may not read the audit trail
    expectOutcome(await request('GET', `${server.base}/AuditEvent`, undefined, bearer(t)), 403);
  });

  test('the agent records the facility (location) and the health region (extension) the requester is bound to', async () => {
    const bound: Record<string, Json> = { 'audit-fac': { facility: 'org-audit' }, 'audit-reg': { region: '11' }, 'audit-both': { facility: 'org-audit', region: '18' } };
    for (const [id, extra] of Object.entries(bound)) {
      const c = await newClient(id);
      await register(server.base, await adminToken(), c, 'system/Patient.rs', extra);
      expect((await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(await getToken(server.base, c)))).status).toBe(200);
    }
    const auditor = await newClient('auditor-region');
    await register(server.base, await adminToken(), auditor, 'system/AuditEvent.rs');
    const at = await getToken(server.base, auditor);
    const agents = new Map<string, Json>();
    for (let waited = 0; waited < 10_000 && agents.size < 3; waited += 200) {
      await sleep(200);
      for (const id of Object.keys(bound)) {
        const r = await request('GET', `${server.base}/AuditEvent?agent:identifier=urn:hms-ops:client|${id}`, undefined, bearer(at));
        expect(r.status).toBe(200);
        if (r.json.entry?.length) agents.set(id, r.json.entry[0].resource.agent[0]);
      }
    }
    const region = (a: Json): string | undefined => a.extension?.find((e: Json) => e.url === 'urn:hms-ops:extension:agent-region')?.valueCoding?.code;
    expect(agents.get('audit-fac').location.reference).toBe('Organization/org-audit');
    expect(region(agents.get('audit-fac'))).toBeUndefined();
    expect(agents.get('audit-reg').location).toBeUndefined();
    expect(region(agents.get('audit-reg'))).toBe('11');
    expect(agents.get('audit-reg').extension[0].valueCoding.system).toBe('https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria');
    expect(agents.get('audit-both').location.reference).toBe('Organization/org-audit');
    expect(region(agents.get('audit-both'))).toBe('18');
  });
});

describe('rate limit', () => {
  test('past RATE_LIMIT_PER_MINUTE requests of one client: 429 with Retry-After', async () => {
    const busy = await newClient('busy');
    await register(server.base, await adminToken(), busy, 'system/Patient.rs');
    const t = await getToken(server.base, busy);
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await request('GET', `${server.base}/Patient?_count=1&_total=none`, undefined, bearer(t))).status);
    // the minute window may roll over during the loop: at least one request was refused, and the first 40 were not (in one window)
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    const r = await request('GET', `${server.base}/Patient?_count=1`, undefined, bearer(t));
    if (r.status === 429) {
      expectOutcome(r, 429, /Too many requests/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
