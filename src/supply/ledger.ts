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
    // Each statement returns the balance it leaves: the last one per balance is checked at the end.
    const after = new Map<string, { line: { location: string; item: string; lot: string }; quantity: string }>();
    for (const l of old) {
      const { rows } = await t.tx.query<{ quantity: string }>(
        'UPDATE stock_balance SET quantity = quantity - $4::numeric WHERE location = $1 AND item = $2 AND lot = $3 RETURNING quantity::text AS quantity',
        [l.location, l.item, l.lot, l.delta],
        'stock_balance_reverse',
      );
      if (rows[0]) after.set(key(l), { line: l, quantity: rows[0].quantity });
    }
    if (old.length) await t.tx.query('DELETE FROM stock_movement WHERE res_id = $1 AND res_type = $2', [c.id, c.type], 'stock_movement_forget');
    const counted = new Set<string>();
    for (const l of next) {
      const count = l.counted !== undefined;
      // A count sets the balance and records the difference from the balance before this statement.
      const { rows } = await t.tx.query<{ quantity: string; quarantine: string | null; delta: string }>(
        `WITH before AS (SELECT quantity FROM stock_balance WHERE location = $1 AND item = $2 AND lot = $3)
         INSERT INTO stock_balance AS b (location, item, lot, expiry, quantity) VALUES ($1, $2, $3, $4::date, $5::numeric)
         ON CONFLICT (location, item, lot) DO UPDATE SET quantity = ${count ? 'EXCLUDED.quantity' : 'b.quantity + EXCLUDED.quantity'}, expiry = COALESCE(b.expiry, EXCLUDED.expiry)
         RETURNING b.quantity::text AS quantity, b.quarantine, ${count ? '($5::numeric - COALESCE((SELECT quantity FROM before), 0))' : '$5::numeric'}::text AS delta`,
        [l.location, l.item, l.lot, l.expiry ?? null, String(count ? l.counted : l.delta)],
        count ? 'stock_balance_count' : 'stock_balance_apply',
      );
      const r = rows[0];
      if (ISSUES.has(l.reason) && r.quarantine) {
        throw new FhirError(422, 'business-rule', 'supply.quarantined', [`${c.type}/${c.id}`, l.item, l.lot || '—', `Location/${l.location}`, `DetectedIssue/${r.quarantine}`]);
      }
      if (count) counted.add(key(l));
      after.set(key(l), { line: l, quantity: r.quantity });
      await t.tx.query(
        'INSERT INTO stock_movement (res_type, res_id, location, item, lot, occurred, delta, reason, counted) VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::numeric, $8, $9::numeric)',
        [c.type, c.id, l.location, l.item, l.lot, l.occurred, r.delta, l.reason, count ? String(l.counted) : null],
        'stock_movement_add',
      );
    }
    for (const [k, { line: l, quantity }] of after) {
      if (!counted.has(k) && Number(quantity) < 0) throw new FhirError(422, 'business-rule', 'supply.belowZero', [`${c.type}/${c.id}`, l.item, l.lot || '—', `Location/${l.location}`, quantity]);
    }
  }
}
