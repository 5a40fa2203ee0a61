#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.js';

/** hms-ops serve | migrate | load <files or folders…> */
async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { startServer } = await import('./server.js');
        const config = loadConfig();
        const server = await startServer(config);
        // A background task that fails must never take the server down with it.
        process.on('unhandledRejection', (err) => server.log.error({ err }, 'unhandled rejection'));
        // SIGTERM/SIGINT: requests in flight get SHUTDOWN_GRACE_MS, then the database is closed; the process
        // exits at the latest 2 s after the grace. A second signal exits at once.
        let stopping = false;
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) {
            server.log.warn({ signal }, 'second signal: exiting now');
            process.exit(1);
          }
          stopping = true;
          server.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
          setTimeout(() => {
            server.log.error('shutdown did not finish in time: exiting');
            process.exit(1);
          }, config.shutdownGraceMs + 2000).unref();
          server.close(config.shutdownGraceMs).then(
            () => process.exit(0),
            (err: unknown) => {
              server.log.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        return -1; // keep running
      }
      case 'migrate': {
        const config = loadConfig();
        const { openDatabase } = await import('./db/database.js');
        const { migrate } = await import('./db/migrations.js');
        const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgliteThread: config.pgliteThread, poolSize: 1, queryTimeoutMs: config.queryTimeoutMs });
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
