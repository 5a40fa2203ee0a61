import { randomUUID } from 'node:crypto';
import type { BundleEntry } from '@medplum/fhirtypes';
import { request } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * Crash safety: transactions stream in from several clients, the server is killed with SIGKILL in the
 * middle, and restarted on the same database (PGlite's DATA_DIR or the PostgreSQL database). Every
 * acknowledged transaction must be complete, and no transaction may be half-applied.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const SYS = 'urn:hms-test:crash';
const OBSERVATIONS = 20;
const WORKERS = 4;

function transaction(txid: string): unknown {
  const patient = 'urn:uuid:' + randomUUID();
  const tag = { meta: { tag: [{ system: SYS, code: txid }] } };
  const entry: BundleEntry[] = [
    { fullUrl: patient, resource: { resourceType: 'Patient', ...tag, identifier: [{ system: SYS, value: txid }] }, request: { method: 'POST', url: 'Patient' } },
  ];
  for (let i = 0; i < OBSERVATIONS; i++) {
    entry.push({
      fullUrl: 'urn:uuid:' + randomUUID(),
      resource: {
        resourceType: 'Observation',
        ...tag,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] },
        subject: { reference: patient },
        valueQuantity: { value: 36 + i / 10, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
      },
      request: { method: 'POST', url: 'Observation' },
    });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

async function stored(base: string, txid: string): Promise<{ patients: number; observations: number }> {
  const p = await request('GET', `${base}/Patient?_tag=${SYS}|${txid}&_summary=count`);
  const o = await request('GET', `${base}/Observation?_tag=${SYS}|${txid}&_summary=count`);
  expect(p.status).toBe(200);
  expect(o.status).toBe(200);
  return { patients: p.json.total as number, observations: o.json.total as number };
}

interface Round {
  acked: string[];
  unknown: string[];
  inFlightAtKill: number;
}

/** Streams transactions from WORKERS clients; kills the server once `killAfter` have been acknowledged. */
async function streamAndKill(killAfter: number): Promise<Round> {
  const base = server.base;
  const acked: string[] = [];
  const unknown: string[] = [];
  const inFlight = new Set<string>();
  let killed = false;
  let inFlightAtKill = 0;
  let killing: Promise<void> | undefined;
  const worker = async (): Promise<void> => {
    while (!killed) {
      const txid = randomUUID();
      inFlight.add(txid);
      try {
        const r = await request('POST', base, transaction(txid));
        if (r.status === 200 && r.json?.type === 'transaction-response') acked.push(txid);
        else if (!killed) throw new Error(`transaction answered ${r.status}: ${r.text.slice(0, 300)}`);
        else unknown.push(txid);
      } catch (err) {
        if (!killed) throw err;
        unknown.push(txid); // connection reset by the kill: may or may not have committed
      } finally {
        inFlight.delete(txid);
      }
      if (!killed && acked.length >= killAfter) {
        killed = true;
        inFlightAtKill = inFlight.size;
        killing = server.kill();
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  await killing;
  return { acked, unknown, inFlightAtKill };
}

async function verify(round: Round): Promise<void> {
  for (const txid of round.acked) {
    expect([txid, await stored(server.base, txid)]).toEqual([txid, { patients: 1, observations: OBSERVATIONS }]);
  }
  for (const txid of round.unknown) {
    const s = await stored(server.base, txid);
    const whole = (s.patients === 0 && s.observations === 0) || (s.patients === 1 && s.observations === OBSERVATIONS);
    expect([txid, s, whole]).toEqual([txid, s, true]);
  }
}

test('kill -9 during a stream of transactions: acknowledged ones are complete, none is half-applied', async () => {
  const all: Round[] = [];
  for (const killAfter of [15, 25]) {
    const round = await streamAndKill(killAfter);
    expect(round.acked.length).toBeGreaterThanOrEqual(killAfter);
    // Other workers had requests open when the kill was sent (on a busy machine they may still be answered
    // before the process dies, so how many end up unknown is not asserted).
    expect(round.inFlightAtKill).toBeGreaterThan(0);
    await server.restart();
    all.push(round);
    for (const r of all) await verify(r);
  }

  // Totals agree with the per-transaction checks: each stored transaction is exactly 1 + 20 resources.
  const totalPatients = (await request('GET', `${server.base}/Patient?_summary=count`)).json.total as number;
  const totalObservations = (await request('GET', `${server.base}/Observation?_summary=count`)).json.total as number;
  expect(totalObservations).toBe(totalPatients * OBSERVATIONS);
  expect(totalPatients).toBeGreaterThanOrEqual(all.reduce((n, r) => n + r.acked.length, 0));

  // The restarted server still writes and reads.
  const txid = randomUUID();
  const r = await request('POST', server.base, transaction(txid));
  expect(r.status).toBe(200);
  expect(await stored(server.base, txid)).toEqual({ patients: 1, observations: OBSERVATIONS });
});
