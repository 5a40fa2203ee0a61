import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrations.js';
import { checkClient, ClientError, ClientRegistry } from './clients.js';
import { rotateKey } from './keys.js';

/**
 * hms-ops client add --id ID [--name NAME] (--jwks-file FILE | --jwks-url URL) --scopes "SCOPES" [--facility ORG_ID] [--region CODE] [--subsystem CODE]
 * hms-ops client list | client remove ID | keys rotate | keys list
 */
const USAGE = `Usage:
  hms-ops client add --id ID [--name NAME] (--jwks-file FILE | --jwks-url URL) --scopes "system/*.rs ..." [--facility ORG_ID] [--region CODE] [--subsystem CODE]
  hms-ops client list
  hms-ops client remove ID
  hms-ops keys rotate
  hms-ops keys list`;

export async function securityCli(command: string, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const opts = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i].startsWith('--')) opts.set(rest[i].slice(2), rest[++i] ?? '');
    else positional.push(rest[i]);
  }
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgliteThread: config.pgliteThread, poolSize: 1 });
  try {
    await migrate(db);
    const clients = new ClientRegistry(db);
    if (command === 'client' && sub === 'add') {
      const jwksFile = opts.get('jwks-file');
      const client = checkClient({
        clientId: opts.get('id'),
        name: opts.get('name'),
        jwks: jwksFile ? JSON.parse(readFileSync(jwksFile, 'utf8')) : undefined,
        jwksUrl: opts.get('jwks-url'),
        scopes: opts.get('scopes'),
        facility: opts.get('facility'),
        subsystem: opts.get('subsystem'),
        region: opts.get('region'),
      });
      await clients.save(client);
      console.log(`Client ${client.clientId} registered with scopes: ${client.scopes.join(' ')}`);
      return 0;
    }
    if (command === 'client' && sub === 'list') {
      for (const c of await clients.list()) console.log(`${c.clientId}\t${c.name}\t${c.scopes.join(' ')}\t${c.facility ?? '-'}\t${c.subsystem ?? '-'}\t${c.region ?? '-'}`);
      return 0;
    }
    if (command === 'client' && sub === 'remove' && positional[0]) {
      const removed = await clients.remove(positional[0]);
      console.log(removed ? `Client ${positional[0]} removed` : `No client ${positional[0]}`);
      return removed ? 0 : 1;
    }
    if (command === 'keys' && sub === 'rotate') {
      console.log(`New signing key ${await rotateKey(db)}; the previous key stays published until tokens signed with it expire.`);
      return 0;
    }
    if (command === 'keys' && sub === 'list') {
      const { rows } = await db.query<{ kid: string; created_at: string }>('SELECT kid, created_at FROM auth_key ORDER BY created_at DESC');
      for (const r of rows) console.log(`${r.kid}\t${new Date(r.created_at).toISOString()}`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (err) {
    if (err instanceof ClientError || err instanceof SyntaxError) {
      console.error(`Invalid client: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    await db.close();
  }
}
