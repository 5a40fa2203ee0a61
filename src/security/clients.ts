import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Database } from '../db/database.js';
import { parseScope } from './scopes.js';

/**
 * Registered SMART Backend Services clients: id, name, public keys (a JWKS or a JWKS URL), the scopes they
 * may ask for, and the facility, health region and subsystem their tokens are bound to.
 */
export interface Client {
  clientId: string;
  name: string;
  jwks?: JSONWebKeySet;
  jwksUrl?: string;
  scopes: string[];
  facility?: string;
  subsystem?: string;
  /** Health region: a code of https://fhir.mspbs.gov.py/CodeSystem/py-region-sanitaria ("1" … "18"). */
  region?: string;
}

const ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
const CACHE_MS = 5000;

export class ClientError extends Error {}

/** Checks a registration (from the CLI or the admin API); throws ClientError with a readable reason. */
export function checkClient(input: unknown): Client {
  const c = input as Record<string, unknown>;
  if (!c || typeof c !== 'object') throw new ClientError('a JSON object is required');
  const str = (k: string): string | undefined => {
    const v = c[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new ClientError(`${k} must be a string`);
    return v;
  };
  const clientId = str('clientId');
  if (!clientId || !ID_RE.test(clientId)) throw new ClientError('clientId must be 1-64 letters, digits, . _ -');
  const scopes = Array.isArray(c.scopes) ? c.scopes : typeof c.scopes === 'string' ? c.scopes.split(/\s+/).filter(Boolean) : undefined;
  if (!scopes || scopes.length === 0 || scopes.some((s) => typeof s !== 'string')) throw new ClientError('scopes must be a non-empty list');
  for (const s of scopes as string[]) if (!parseScope(s) && !s.startsWith('hms/')) throw new ClientError(`unknown scope "${s}"`);
  const jwksUrl = str('jwksUrl');
  if (jwksUrl && !/^https?:\/\//.test(jwksUrl)) throw new ClientError('jwksUrl must be an http(s) URL');
  const jwks = c.jwks as JSONWebKeySet | undefined;
  if (jwks !== undefined && (typeof jwks !== 'object' || !Array.isArray(jwks.keys) || jwks.keys.length === 0)) throw new ClientError('jwks must be a JWKS ({"keys": [...]})');
  if (!jwks && !jwksUrl) throw new ClientError('jwks or jwksUrl is required');
  if (jwks?.keys.some((k) => 'd' in k)) throw new ClientError('jwks must hold public keys only');
  const region = str('region');
  if (region !== undefined && !/^(1[0-8]|[1-9])$/.test(region)) throw new ClientError('region must be a py-region-sanitaria code, 1 to 18');
  return { clientId, name: str('name') ?? clientId, jwks, jwksUrl, scopes: scopes as string[], facility: str('facility'), subsystem: str('subsystem'), region };
}

export class ClientRegistry {
  private readonly cache = new Map<string, { client: Client | undefined; at: number; keys?: JWTVerifyGetKey }>();

  constructor(private readonly db: Pick<Database, 'query'>) {}

  async save(c: Client): Promise<void> {
    await this.db.query(
      `INSERT INTO auth_client (client_id, name, jwks, jwks_url, scopes, facility, subsystem, region) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, jwks = EXCLUDED.jwks, jwks_url = EXCLUDED.jwks_url,
         scopes = EXCLUDED.scopes, facility = EXCLUDED.facility, subsystem = EXCLUDED.subsystem, region = EXCLUDED.region`,
      [c.clientId, c.name, c.jwks ? JSON.stringify(c.jwks) : null, c.jwksUrl ?? null, c.scopes.join(' '), c.facility ?? null, c.subsystem ?? null, c.region ?? null],
    );
    this.cache.delete(c.clientId);
  }

  async remove(clientId: string): Promise<boolean> {
    this.cache.delete(clientId);
    const r = await this.db.query('DELETE FROM auth_client WHERE client_id = $1', [clientId]);
    return r.rowCount > 0;
  }

  async list(): Promise<Client[]> {
    const { rows } = await this.db.query('SELECT * FROM auth_client ORDER BY client_id');
    return rows.map(toClient);
  }

  /** The client and its key set, cached for a few seconds (a removed client stops working within CACHE_MS). */
  async get(clientId: string): Promise<{ client: Client; keys: JWTVerifyGetKey } | undefined> {
    let entry = this.cache.get(clientId);
    if (!entry || Date.now() - entry.at > CACHE_MS) {
      const { rows } = await this.db.query('SELECT * FROM auth_client WHERE client_id = $1', [clientId], 'hms_auth_client');
      const client = rows[0] ? toClient(rows[0]) : undefined;
      const same = entry?.client && client && JSON.stringify(entry.client) === JSON.stringify(client);
      const keys = same ? entry?.keys : client ? (client.jwks ? createLocalJWKSet(client.jwks) : createRemoteJWKSet(new URL(client.jwksUrl as string))) : undefined;
      entry = { client, at: Date.now(), keys };
      this.cache.set(clientId, entry);
    }
    return entry.client && entry.keys ? { client: entry.client, keys: entry.keys } : undefined;
  }
}

function toClient(r: Record<string, unknown>): Client {
  return {
    clientId: r.client_id as string,
    name: r.name as string,
    ...(r.jwks ? { jwks: JSON.parse(r.jwks as string) as JSONWebKeySet } : {}),
    ...(r.jwks_url ? { jwksUrl: r.jwks_url as string } : {}),
    scopes: (r.scopes as string).split(' ').filter(Boolean),
    ...(r.facility ? { facility: r.facility as string } : {}),
    ...(r.subsystem ? { subsystem: r.subsystem as string } : {}),
    ...(r.region ? { region: r.region as string } : {}),
  };
}
