import type { CodeSystem, DetectedIssue, Device, Observation } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/outcome.js';
import { refKey } from '../../fhir/references.js';
import { create } from '../../interactions/write.js';
import type { PendingWrite, StoreTransaction } from '../../store/store.js';
import { find } from '../../terminology/sources.js';
import { cumulativeCrossing, episodes, runRules, type Episode, type Kind, type Reading, type RunKind } from './rules.js';

const CS = 'https://fhir.mspbs.gov.py/CodeSystem/';
export const COLD_CHAIN = `${CS}py-cadena-frio`;
const VACCINES = `${CS}py-vacuna`;
const DAY = 86_400_000;
const KIND_TEXT: Record<Kind, string> = {
  congelamiento: 'Congelamiento (≤ −0,5 °C durante 60 min)',
  'calor-agudo': 'Calor agudo (≥ 45 °C durante 60 min)',
  'calor-acumulado': 'Calor acumulado (> 8 °C durante 10 h en total)',
  'fuera-de-rango': 'Fuera de rango (fuera de 2–8 °C)',
};

/**
 * The cold chain, kept by the store in the transaction of every write of a temperature reading (an
 * Observation py-cadena-frio#temperatura-equipo of a Device: its subject, else its device; value in Cel;
 * effective[x] the time): the reading is kept in cold_chain_reading (replaced when the Observation changes,
 * removed when it is deleted or entered in error) and its device's excursions (rules.ts) are evaluated over
 * the readings around the ones written — in any order, late ones included. Under the device's lock, an
 * excursion that overlaps one already recorded of the same kind extends it; a new one becomes a DetectedIssue
 * on the Device (and its store) and puts the vaccine lots of the device's store in quarantine: after cold
 * (freezing, or out of range below 2 °C) the freeze-sensitive vaccines (py-vacuna sensibleCongelamiento),
 * after heat all of them. A DetectedIssue of an excursion that gets a mitigation `liberar-lotes` (or
 * is entered in error) releases its lots.
 */
export function coldChainDerivation(outOfRangeMinutes: number) {
  const rules = runRules(outOfRangeMinutes);
  return async (t: StoreTransaction, changes: readonly PendingWrite[]): Promise<void> => {
    const touched = new Map<string, Span>();
    // The readings of all the changes in one statement each (a logger's batch is hundreds of them).
    const forget: string[] = [];
    const keep: { device: string[]; at: string[]; celsius: string[]; id: string[] } = { device: [], at: [], celsius: [], id: [] };
    for (const c of changes) {
      if (c.type === 'DetectedIssue' && c.resource && !c.isNew) await releaseIfMitigated(t, c.resource as DetectedIssue);
      if (c.type !== 'Observation') continue;
      const r = readingOf(c.resource as Observation | undefined, c.id, c.method === 'DELETE');
      if (!c.isNew) forget.push(c.id);
      if (!r) continue;
      keep.device.push(r.device);
      keep.at.push(new Date(r.at).toISOString());
      keep.celsius.push(String(r.celsius));
      keep.id.push(c.id);
      mark(touched, r.device, r.at, r.celsius);
    }
    if (forget.length) await t.tx.query('DELETE FROM cold_chain_reading WHERE res_id = ANY($1::text[])', [forget], 'cold_chain_forget');
    if (keep.id.length) {
      await t.tx.query(
        `INSERT INTO cold_chain_reading (device, at, celsius, res_id)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::numeric[], $4::text[]) ON CONFLICT DO NOTHING`,
        [keep.device, keep.at, keep.celsius, keep.id],
        'cold_chain_keep',
      );
    }
    // A reading removed or within every rule's bounds cannot start or lengthen an excursion: only a reading in a
    // rule's condition can, and only that rule is evaluated.
    for (const [device, span] of [...touched].sort(([a], [b]) => a.localeCompare(b))) await evaluate(t, rules, device, span);
  };
}

/** The readings written for one device: their time span and their temperatures' extremes. */
interface Span {
  from: number;
  to: number;
  min: number;
  max: number;
}

function mark(m: Map<string, Span>, device: string, at: number, celsius: number): void {
  const s = m.get(device);
  if (!s) m.set(device, { from: at, to: at, min: celsius, max: celsius });
  else {
    s.from = Math.min(s.from, at);
    s.to = Math.max(s.to, at);
    s.min = Math.min(s.min, celsius);
    s.max = Math.max(s.max, celsius);
  }
}

/** A temperature reading of an Observation, or undefined when it is not one (or does not count: not final, deleted). */
function readingOf(o: Observation | undefined, id: string, deleted: boolean): { device: string; at: number; celsius: number } | undefined {
  if (!o || deleted || !o.code?.coding?.some((c) => c.system === COLD_CHAIN && c.code === 'temperatura-equipo')) return undefined;
  if (o.status === 'entered-in-error' || o.status === 'cancelled' || o.status === 'registered' || o.status === 'preliminary') return undefined;
  const device = refKey(o.subject, 'Device') ?? refKey(o.device, 'Device');
  const when = o.effectiveInstant ?? o.effectiveDateTime;
  const at = typeof when === 'string' ? Date.parse(when) : NaN;
  const q = o.valueQuantity;
  if (!device) throw new FhirError(422, 'business-rule', 'supply.readingNoDevice', [`Observation/${id}`]);
  if (Number.isNaN(at)) throw new FhirError(422, 'business-rule', 'supply.readingNoTime', [`Observation/${id}`]);
  if (typeof q?.value !== 'number' || (q.code ?? q.unit) !== 'Cel') throw new FhirError(422, 'business-rule', 'supply.readingNotCelsius', [`Observation/${id}`]);
  return { device: device.slice('Device/'.length), at, celsius: q.value };
}

async function readingsOf(t: StoreTransaction, device: string, from: number, to: number): Promise<Reading[]> {
  const { rows } = await t.tx.query<{ at: string; celsius: string }>(
    `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, celsius::text AS celsius FROM cold_chain_reading
     WHERE device = $1 AND at >= $2::timestamptz AND at <= $3::timestamptz ORDER BY at`,
    [device, new Date(from).toISOString(), new Date(to).toISOString()],
    'cold_chain_readings',
  );
  return rows.map((r) => ({ at: Date.parse(r.at), celsius: Number(r.celsius) }));
}

async function evaluate(t: StoreTransaction, rules: ReturnType<typeof runRules>, device: string, span: Span): Promise<void> {
  const kinds = (Object.keys(rules) as RunKind[]).filter((k) => rules[k].test(span.min) || rules[k].test(span.max));
  if (kinds.length === 0 && span.max <= 8) return;
  await t.lock([`coldchain:${device}`]);
  const around = kinds.length ? await readingsOf(t, device, span.from - DAY, span.to + DAY) : [];
  for (const kind of kinds) {
    const rule = rules[kind];
    for (const ep of episodes(around, rule.test, rule.minMs, rule.extreme)) {
      if (ep.end < span.from - rule.minMs || ep.start > span.to) continue; // not touched by these readings
      await record(t, device, kind, ep);
    }
  }
  // Heat in all: since the previous such alarm, over the last 30 days up to the latest reading written.
  if (span.max <= 8) return;
  const { rows } = await t.tx.query<{ end_at: string | null }>(
    `SELECT to_char(max(end_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS end_at FROM cold_chain_excursion WHERE device = $1 AND kind = 'calor-acumulado'`,
    [device],
    'cold_chain_last_heat',
  );
  const since = Math.max(rows[0]?.end_at ? Date.parse(rows[0].end_at) : -Infinity, span.to - 30 * DAY);
  const heat = cumulativeCrossing(await readingsOf(t, device, since, span.to + DAY));
  if (heat && heat.start >= since) await record(t, device, 'calor-acumulado', heat, true);
}

/** An excursion found: the same kind overlapping one recorded extends it; else it is new (alert and quarantine). */
async function record(t: StoreTransaction, device: string, kind: Kind, ep: Episode, exact = false): Promise<void> {
  const start = new Date(ep.start).toISOString();
  const end = new Date(ep.end).toISOString();
  const { rows } = await t.tx.query<{ issue: string }>(
    `SELECT issue FROM cold_chain_excursion WHERE device = $1 AND kind = $2 AND start_at <= $4::timestamptz AND end_at >= $3::timestamptz ${exact ? 'OR (device = $1 AND kind = $2 AND end_at >= $3::timestamptz)' : ''} LIMIT 1`,
    [device, kind, start, end],
    exact ? 'cold_chain_same_heat' : 'cold_chain_same',
  );
  if (rows[0]) {
    if (!exact) {
      await t.tx.query('UPDATE cold_chain_excursion SET start_at = LEAST(start_at, $2::timestamptz), end_at = GREATEST(end_at, $3::timestamptz) WHERE issue = $1', [rows[0].issue, start, end], 'cold_chain_extend');
    }
    return;
  }
  const row = await t.read('Device', device);
  const fridge = row?.content && !row.deleted ? (JSON.parse(row.content) as Device) : undefined;
  const store = refKey(fridge?.location, 'Location');
  const issue = await create(t, {
    resourceType: 'DetectedIssue',
    status: 'final',
    code: { coding: [{ system: COLD_CHAIN, code: kind, display: KIND_TEXT[kind] }] },
    severity: 'high',
    identifiedPeriod: { start, end },
    implicated: [{ reference: `Device/${device}` }, ...(store ? [{ reference: store }] : [])],
    detail: `${KIND_TEXT[kind]}: ${start} – ${end}, extremo ${String(ep.extreme).replace('.', ',')} °C.`,
  } as DetectedIssue);
  await t.tx.query('INSERT INTO cold_chain_excursion (issue, device, kind, start_at, end_at) VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz)', [issue.id, device, kind, start, end], 'cold_chain_record');
  // Cold (freezing, or out of range below 2 °C) spoils the freeze-sensitive vaccines; heat spoils them all.
  if (store) await quarantine(t, store.slice('Location/'.length), issue.id!, kind === 'congelamiento' || (kind === 'fuera-de-rango' && ep.extreme < 2));
}

/** The vaccine lots in stock at the store go into quarantine (for freezing, the freeze-sensitive vaccines only). */
async function quarantine(t: StoreTransaction, location: string, issue: string, cold: boolean): Promise<void> {
  let only: string[] | undefined;
  if (cold) {
    const cs = await find<CodeSystem>(t.tx, 'CodeSystem', VACCINES);
    only = (cs?.concept ?? []).filter((c) => c.property?.some((p) => p.code === 'sensibleCongelamiento' && p.valueBoolean === true)).map((c) => `${VACCINES}|${c.code}`);
  }
  await t.tx.query(
    `UPDATE stock_balance SET quarantine = $2 WHERE location = $1 AND quarantine IS NULL AND quantity > 0 AND item LIKE $3 ${only ? 'AND item = ANY($4::text[])' : ''}`,
    only ? [location, issue, `${VACCINES}|%`, only] : [location, issue, `${VACCINES}|%`],
  );
}

/** An excursion's DetectedIssue with a mitigation `liberar-lotes`, or entered in error: its lots leave quarantine. */
async function releaseIfMitigated(t: StoreTransaction, d: DetectedIssue): Promise<void> {
  const released = (d.status as string) === 'entered-in-error' || (Array.isArray(d.mitigation) && d.mitigation.some((m) => m?.action?.coding?.some((c) => c.system === COLD_CHAIN && c.code === 'liberar-lotes')));
  if (released) await t.tx.query('UPDATE stock_balance SET quarantine = NULL WHERE quarantine = $1', [d.id], 'cold_chain_release');
}
