import { releaseMemoryWhenIdle } from './memory-release.js';
import type { Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { setHasHashLimit } from './search/filter.js';
import { setIncludeLimit } from './search/include.js';
import { setInputLimits } from './rest/input.js';
import { ensureLinks, parseLinks, setLinks } from './search/links.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrations.js';
import { loadDefinitions } from './fhir/definitions.js';
import { SearchParameterRegistry } from './fhir/search-parameters.js';
import { loadFeatures } from './features.js';
import { answerClientErrors, createHttpApp } from './rest/http.js';
import type { Services } from './rest/services.js';
import { ResourceStore } from './store/store.js';

export interface RunningServer {
  url: string;
  db: Database;
  store: ResourceStore;
  log: Logger;
  /**
   * Stops: no new connections, idle keep-alive connections closed at once, requests in flight given up to
   * graceMs (default SHUTDOWN_GRACE_MS) to finish; then the features stop and the database closes, cutting off
   * statements still running (their transactions roll back).
   */
  close(graceMs?: number): Promise<void>;
}

/** Opens the database, migrates it, and serves FHIR at /fhir. */
export async function startServer(config: Config): Promise<RunningServer> {
  const log = pino({ level: config.logLevel, base: { service: 'hms-ops' } });
  setHasHashLimit(config.searchHasHashLimit);
  setIncludeLimit(config.searchMaxIncluded);
  setInputLimits({
    maxParams: config.searchMaxParams,
    maxJsonDepth: config.maxJsonDepth,
    maxJsonWidth: config.maxJsonWidth,
    maxStringLength: config.maxStringLength,
    maxResourceElements: config.maxResourceElements,
    maxBundleEntries: config.maxBundleEntries,
    search: { maxValues: config.searchMaxValues, maxChainDepth: config.searchMaxChainDepth, maxIncludes: config.searchMaxIncludes },
  });
  loadDefinitions();
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgliteThread: config.pgliteThread,
    poolSize: config.dbPoolSize,
    queryTimeoutMs: config.queryTimeoutMs,
    pgliteRecycle: { mb: config.pgliteRecycleMb, idleMs: config.pgliteRecycleIdleMs },
    log,
  });
  if (!config.databaseUrl && config.pgliteThread === 'main' && config.queryTimeoutMs > 0) {
    log.info('QUERY_TIMEOUT_MS has no effect with PGLITE_THREAD=main: a statement on this thread cannot be interrupted');
  }
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const store = new ResourceStore(db, config.baseUrl ?? `http://${config.host}:${config.port}/fhir`);
  keepStatisticsFresh(db, store, log);
  const searchParameters = new SearchParameterRegistry(db, store, log);
  const customParams = await searchParameters.start();
  if (customParams) log.info({ count: customParams }, 'stored SearchParameters registered');
  setLinks(parseLinks(config.searchLinks));
  const links = await ensureLinks(db);
  if (links.built.length || links.dropped.length) log.info(links, 'search links built from stored data');
  const services: Services = { store, config, db, log, features: await loadFeatures() };
  for (const f of services.features) await f.start?.(services);
  const app = createHttpApp(services);
  const server: Server = await new Promise((resolve, reject) => {
    const srv = app.listen(config.port, config.host, () => resolve(srv));
    srv.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  // A client gets 20 s to send its headers and 120 s for the whole request (slow senders hold a socket, not the server).
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  answerClientErrors(server);
  let inFlight = 0;
  let started = 0;
  server.on('request', (_req, res: ServerResponse) => {
    inFlight++;
    started++;
    res.once('close', () => inFlight--);
  });
  const stopReleasing = releaseMemoryWhenIdle({ quiet: () => inFlight === 0, started: () => started }, log, config.memoryReleaseIntervalMs);
  for (const f of services.features) f.listening?.(server, services);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  log.info({ url: `${url}/fhir`, database: db.kind }, 'HMS-OPS listening');
  db.settled?.();
  return {
    url,
    db,
    store,
    log,
    async close(graceMs = config.shutdownGraceMs) {
      searchParameters.stop();
      stopReleasing();
      server.close();
      // Idle keep-alive connections close now, and each one as soon as its request is answered.
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) {
        server.closeIdleConnections();
        await sleep(Math.min(50, deadline - Date.now()));
      }
      server.closeIdleConnections();
      const late = inFlight;
      if (late) log.warn({ requests: late, graceMs }, 'shutdown: requests still running after the grace period are cut off');
      const stopping = (async () => {
        for (const f of [...services.features].reverse()) await f.stop?.();
        await store.settle();
      })().catch((err: unknown) => log.warn({ err }, 'shutdown: stopping the features failed'));
      // With a statement still running, background work waiting for the database would wait for it too.
      await (late ? Promise.race([stopping, sleep(500)]) : stopping);
      server.closeAllConnections();
      await db.close();
    },
  };
}

/**
 * The planner's statistics must know each resource type's share of the store: a type it believes empty (new,
 * or grown from nothing since the last ANALYZE) gets nested-loop plans that scan instead of probing, and a
 * search of a few milliseconds takes tens (measured on Appointment after a first burst of bookings). So
 * ANALYZE runs (one run at a time, in the background) at start, once this process has written as many
 * resources of one type as the store held at the last run (at least 500: the type has doubled), and on PGlite,
 * which has no autovacuum daemon, also after every 5,000 written resources. On PostgreSQL autovacuum keeps
 * the rest fresh; it looks at a table's rows, not at a type's share of them. A type that doubled needs only
 * the tables searches read (SEARCH_TABLES): sampling the history and the audit trail as well made a bulk
 * load's ANALYZE runs a quarter of the database's work (slot generation).
 */
/** The tables a search reads: the current resources, their counts and the search index. */
const SEARCH_TABLES = ['resource', 'resource_count', 'sp_token', 'sp_string', 'sp_reference', 'sp_date', 'sp_number', 'sp_quantity', 'sp_uri', 'sp_geo', 'sp_sort', 'sp_link', 'sp_has'];

function keepStatisticsFresh(db: Database, store: ResourceStore, log: Logger): void {
  let written = 0;
  let running = false;
  let known = new Map<string, number>();
  const grown = new Map<string, number>();
  const analyze = (all: boolean): void => {
    if (running) return;
    running = true;
    written = 0;
    grown.clear();
    db.unlimited(async (q) => {
      await q.query(all ? 'ANALYZE' : `ANALYZE ${SEARCH_TABLES.join(', ')}`);
      const { rows } = await q.query<{ res_type: string; n: string }>('SELECT res_type, sum(n)::text AS n FROM resource_count GROUP BY res_type');
      known = new Map(rows.map((r) => [r.res_type, Number(r.n)]));
    })
      .catch((err: unknown) => log.warn({ err }, 'ANALYZE failed'))
      .finally(() => (running = false));
  };
  analyze(true);
  store.onCommit((changes) => {
    written += changes.length;
    let doubled = false;
    for (const c of changes) {
      if (!c.isNew) continue;
      const n = (grown.get(c.type) ?? 0) + 1;
      grown.set(c.type, n);
      if (n >= Math.max(500, known.get(c.type) ?? 0)) doubled = true;
    }
    if (db.kind === 'pglite' && written >= 5000) analyze(true);
    else if (doubled) analyze(false);
  });
}
