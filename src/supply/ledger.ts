import { FhirError } from '../fhir/outcome.js';
import type { PendingWrite, StoreTransaction } from '../store/store.js';
import { isMovementType, linesOf, MovementError, type Line } from './model.js';

/** Movements that hand stock out for use: refused from a lot in quarantine (writing it off is not). */
const ISSUES = new Set(['dispensacion', 'consumo', 'transferencia-salida']);

/**
 * The stock ledger, kept by the store however a movement is written (POST, PUT, PATCH, DELETE, a bundle), in
 * the same transaction: a movement's lines (model.ts) replace its previous ones in stock_movement, and each
 * balance in stock_balance follows — the old lines reversed, the new ones applied (a count sets the balance:
 * its line records the difference). Each balance changes under its own advisory lock (`stock:place|item|lot`),
 * so writers in several processes take turns. A balance left below zero refuses the whole write (422 naming
 * the place, item, lot and balance), unless a count set it. A lot in quarantine (cold chain) is not issued (422).
 */
export async function ledgerDerivation(t: StoreTransaction, changes: readonly PendingWrite[]): Promise<void> {
  for (const c of changes) {
    if (!isMovementType(c.type)) continue;
    let next: Line[];
    try {
      next = c.method === 'DELETE' ? [] : linesOf(c.resource, c.lastUpdated);
    } catch (err) {
      if (err instanceof MovementError) throw new FhirError(422, 'business-rule', err.key, err.args);
      throw err;
    }
    const old = c.isNew ? [] : (await t.tx.query<{ location: string; item: string; lot: string; delta: string }>(
      'SELECT location, item, lot, delta FROM stock_movement WHERE res_id = $1 AND res_type = $2', [c.id, c.type], 'stock_movement_of',
    )).rows;
    if (old.length === 0 && next.length === 0) continue;
    const key = (l: { location: string; item: string; lot: string }): string => `stock:${l.location}|${l.item}|${l.lot}`;
    await t.lock([...old, ...next].map(key));
    for (const l of old) {
      await t.tx.query('UPDATE stock_balance SET quantity = quantity - $4::numeric WHERE location = $1 AND item = $2 AND lot = $3', [l.location, l.item, l.lot, l.delta], 'stock_balance_reverse');
    }
    if (old.length) await t.tx.query('DELETE FROM stock_movement WHERE res_id = $1 AND res_type = $2', [c.id, c.type], 'stock_movement_forget');
    const counted = new Set<string>();
    for (const l of next) {
      if (ISSUES.has(l.reason)) {
        const { rows } = await t.tx.query<{ quarantine: string | null }>('SELECT quarantine FROM stock_balance WHERE location = $1 AND item = $2 AND lot = $3', [l.location, l.item, l.lot], 'stock_balance_quarantine');
        if (rows[0]?.quarantine) throw new FhirError(422, 'business-rule', 'supply.quarantined', [`${c.type}/${c.id}`, l.item, l.lot || '—', `Location/${l.location}`, `DetectedIssue/${rows[0].quarantine}`]);
      }
      let delta: string;
      if (l.counted !== undefined) {
        const { rows } = await t.tx.query<{ quantity: string }>('SELECT quantity FROM stock_balance WHERE location = $1 AND item = $2 AND lot = $3', [l.location, l.item, l.lot], 'stock_balance_of');
        const { rows: d } = await t.tx.query<{ d: string }>('SELECT ($1::numeric - $2::numeric)::text AS d', [String(l.counted), rows[0]?.quantity ?? '0'], 'stock_count_delta');
        delta = d[0].d;
        counted.add(key(l));
      } else delta = String(l.delta);
      await t.tx.query(
        `INSERT INTO stock_balance (location, item, lot, expiry, quantity) VALUES ($1, $2, $3, $4::date, $5::numeric)
         ON CONFLICT (location, item, lot) DO UPDATE SET quantity = stock_balance.quantity + EXCLUDED.quantity, expiry = COALESCE(stock_balance.expiry, EXCLUDED.expiry)`,
        [l.location, l.item, l.lot, l.expiry ?? null, delta],
        'stock_balance_apply',
      );
      await t.tx.query(
        'INSERT INTO stock_movement (res_type, res_id, location, item, lot, occurred, delta, reason, counted) VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::numeric, $8, $9::numeric)',
        [c.type, c.id, l.location, l.item, l.lot, l.occurred, delta, l.reason, l.counted === undefined ? null : String(l.counted)],
        'stock_movement_add',
      );
    }
    const touched = [...new Map([...old, ...next].map((l) => [key(l), l])).values()].filter((l) => !counted.has(key(l)));
    for (const l of touched) {
      const { rows } = await t.tx.query<{ quantity: string }>('SELECT quantity FROM stock_balance WHERE location = $1 AND item = $2 AND lot = $3', [l.location, l.item, l.lot], 'stock_balance_of');
      const q = rows[0]?.quantity ?? '0';
      if (Number(q) < 0) throw new FhirError(422, 'business-rule', 'supply.belowZero', [`${c.type}/${c.id}`, l.item, l.lot || '—', `Location/${l.location}`, q]);
    }
  }
}
