import { createPrivateKey, createPublicKey, KeyObject, randomUUID, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Database } from '../../db/database.js';

/**
 * The keys that sign the documents the server sends to partners: a key set of their own, apart from the token
 * keys (src/security/keys.ts). Either in the database (table exchange_key, migration 20), so every process
 * signs with the same key — the newest signs, the JWKS publishes it and the one before it, so documents signed
 * before a rotation still verify — or one key read from a PEM file (EXCHANGE_SIGNING_KEY_FILE: PKCS#8, SEC1 or
 * PKCS#1; P-256 → ES256, RSA of 2048 bits or more → RS256), whose kid is its RFC 7638 thumbprint. A new
 * database key is ES256. Private keys never leave this module except to sign; nothing here logs them.
 */
export type SigningAlg = 'ES256' | 'RS256';
export const ALGS: readonly SigningAlg[] = ['ES256', 'RS256'];
const PUBLISHED = 2;
const KEY_LOCK = 7_342_020;

export interface ExchangeKey {
  kid: string;
  alg: SigningAlg;
  /** The private key for node:crypto. */
  signer: KeyObject;
  publicJwk: JWK;
}

export class ExchangeKeys {
  private keys: ExchangeKey[] = [];

  private constructor(
    private readonly db: Database | undefined,
    readonly source: 'database' | 'file',
  ) {}

  /** Keys kept in the database; the first one is created (ES256) when there is none. */
  static async fromDatabase(db: Database): Promise<ExchangeKeys> {
    const k = new ExchangeKeys(db, 'database');
    await k.load();
    if (k.keys.length === 0) {
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
        const { rows } = await tx.query('SELECT 1 FROM exchange_key LIMIT 1');
        if (rows.length === 0) await insertKey(tx, 'ES256');
      });
      await k.load();
    }
    return k;
  }

  /** One key from a PEM file. Throws (the server does not start) when it is unreadable or of another kind. */
  static async fromFile(path: string): Promise<ExchangeKeys> {
    const k = new ExchangeKeys(undefined, 'file');
    let signer: KeyObject;
    try {
      signer = createPrivateKey(readFileSync(path));
    } catch (err) {
      throw new Error(`EXCHANGE_SIGNING_KEY_FILE: ${path} holds no private key in PEM (${(err as Error).message.split('\n')[0]})`);
    }
    const alg = algOf(signer);
    if (!alg) throw new Error(`EXCHANGE_SIGNING_KEY_FILE: ${path} is neither a P-256 EC key nor an RSA key of 2048 bits or more`);
    const pub = createPublicKey(signer).export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(pub, 'sha256');
    k.keys = [{ kid, alg, signer, publicJwk: { ...pub, kid, alg, use: 'sig' } }];
    return k;
  }

  async load(): Promise<void> {
    if (!this.db) return;
    const { rows } = await this.db.query<{ kid: string; alg: string; private_jwk: string; public_jwk: string }>(
      `SELECT kid, alg, private_jwk, public_jwk FROM exchange_key ORDER BY created_at DESC, kid LIMIT ${PUBLISHED}`,
    );
    this.keys = rows.map((r) => ({
      kid: r.kid,
      alg: r.alg as SigningAlg,
      signer: createPrivateKey({ key: JSON.parse(r.private_jwk) as JWK & { kty: string }, format: 'jwk' }),
      publicJwk: JSON.parse(r.public_jwk) as JWK,
    }));
  }

  /** Re-reads the keys when the newest in the database is not ours (a rotation by another process). */
  async refresh(): Promise<void> {
    if (!this.db) return;
    const { rows } = await this.db.query<{ kid: string }>('SELECT kid FROM exchange_key ORDER BY created_at DESC, kid LIMIT 1');
    if (rows[0] && rows[0].kid !== this.keys[0]?.kid) await this.load();
  }

  /** The key that signs now. */
  current(): ExchangeKey {
    return this.keys[0];
  }

  /** The public keys, as the JWKS publishes them. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }
}

/** ES256 for a P-256 key, RS256 for an RSA key of at least 2048 bits, else undefined. */
export function algOf(key: KeyObject): SigningAlg | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa' && (d?.modulusLength ?? 0) >= 2048) return 'RS256';
  return undefined;
}

async function insertKey(tx: Pick<Database, 'query'>, alg: SigningAlg): Promise<string> {
  const kid = randomUUID();
  const { privateKey, publicKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const priv = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg };
  const pub = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' };
  await tx.query('INSERT INTO exchange_key (kid, alg, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)', [kid, alg, JSON.stringify(priv), JSON.stringify(pub)]);
  return kid;
}
