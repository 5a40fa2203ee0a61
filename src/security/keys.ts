import { KeyObject, randomUUID, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Database } from '../db/database.js';

/**
 * Signing keys of the built-in authorization server, in the database so every process signs and verifies
 * with the same keys. The newest key signs; the JWKS publishes it and the one before it, so tokens signed
 * before a rotation stay valid until they expire.
 */
export const ALG = 'ES256';
const PUBLISHED = 2;
const KEY_LOCK = 7_342_004;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  /** The private key for node:crypto (signing there costs half of WebCrypto's, synchronously). */
  signer: KeyObject;
}

export class KeyStore {
  private keys: SigningKey[] = [];
  private lastLoad = 0;

  constructor(private readonly db: Database) {}

  /** Loads the keys, creating the first one when there is none. */
  async start(): Promise<void> {
    await this.load();
    if (this.keys.length === 0) {
      await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
        const { rows } = await tx.query('SELECT 1 FROM auth_key LIMIT 1');
        if (rows.length === 0) await insertKey(tx);
      });
      await this.load();
    }
  }

  async load(): Promise<void> {
    const { rows } = await this.db.query<{ kid: string; private_jwk: string; public_jwk: string }>(
      `SELECT kid, private_jwk, public_jwk FROM auth_key ORDER BY created_at DESC, kid LIMIT ${PUBLISHED}`,
    );
    this.keys = await Promise.all(
      rows.map(async (r) => {
        const publicJwk = JSON.parse(r.public_jwk) as JWK;
        const privateKey = (await importJWK(JSON.parse(r.private_jwk) as JWK, ALG)) as CryptoKey;
        return {
          kid: r.kid,
          privateKey,
          signer: KeyObject.from(privateKey),
          publicKey: (await importJWK(publicJwk, ALG)) as CryptoKey,
          publicJwk,
        };
      }),
    );
    this.lastLoad = Date.now();
  }

  current(): SigningKey {
    return this.keys[0];
  }

  /** The verification key for kid; an unknown kid reloads the keys (another process rotated), at most once a second. */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    let k = this.keys.find((x) => x.kid === kid);
    if (!k && Date.now() - this.lastLoad > 1000) {
      await this.load();
      k = this.keys.find((x) => x.kid === kid);
    }
    return k?.publicKey;
  }

  /** Re-reads the keys when the newest in the database is not ours (a rotation elsewhere); cheap, used by a timer. */
  async refresh(): Promise<void> {
    const { rows } = await this.db.query<{ kid: string }>('SELECT kid FROM auth_key ORDER BY created_at DESC, kid LIMIT 1');
    if (rows[0] && rows[0].kid !== this.keys[0]?.kid) await this.load();
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }
}

/**
 * A compact JWS (ES256) of claims with the key's kid and `typ: at+jwt`: what jose's SignJWT gives, signed with
 * node:crypto (P-256 with SHA-256, the signature as r||s).
 */
export function signJwt(key: Pick<SigningKey, 'kid' | 'signer'>, claims: Record<string, unknown>): string {
  const input = `${b64url(JSON.stringify({ alg: ALG, kid: key.kid, typ: 'at+jwt' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: key.signer, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const b64url = (s: string): string => Buffer.from(s).toString('base64url');

/** Adds a new current key (the CLI's `keys rotate`). */
export async function rotateKey(db: Database): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
    return insertKey(tx);
  });
}

async function insertKey(tx: Pick<Database, 'query'>): Promise<string> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const priv = { ...(await exportJWK(privateKey)), kid, alg: ALG };
  const pub = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
  await tx.query('INSERT INTO auth_key (kid, alg, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)', [kid, ALG, JSON.stringify(priv), JSON.stringify(pub)]);
  return kid;
}
