#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.js';

/** hms-ops serve | migrate | load <files or folders…> */
async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { startServer } = await import('./server.js');
        const server = await startServer(loadConfig());
        // A background task that fails must never take the server down with it.
        process.on('unhandledRejection', (err) => server.log.error({ err }, 'unhandled rejection'));
        const stop = async (): Promise<void> => {
          await server.close();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return -1; // keep running
      }
      case 'migrate': {
        const config = loadConfig();
        const { openDatabase } = await import('./db/database.js');
        const { migrate } = await import('./db/migrations.js');
        const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgliteThread: config.pgliteThread, poolSize: 1 });
        const applied = await migrate(db);
        await db.close();
        console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date');
        return 0;
      }
      case 'load': {
        const { load } = await import('./load.js');
        return await load(rest);
      }
      case 'client':
      case 'keys': {
        const { securityCli } = await import('./security/cli.js');
        return await securityCli(command, rest);
      }
      case 'help':
      case '--help':
      case '-h':
        console.log('Usage: hms-ops serve | migrate | load [--url URL] <files or folders…> | client add|list|remove … | keys rotate|list');
        return 0;
      default:
        console.error(`Unknown command "${command}". Usage: hms-ops serve | migrate | load <files or folders…>`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    console.error(err);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
