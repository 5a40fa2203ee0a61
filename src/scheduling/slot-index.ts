import type { Slot } from '@medplum/fhirtypes';
import { emptyIndexRows, indexResource, type IndexRows } from '../search/indexer.js';

/**
 * Search-index rows of generated Slots without evaluating every search parameter's FHIRPath once per slot
 * (a third of the server's time in a generation). The new Slots of one generation that share a shape — the
 * same resource but for id, start and end, and the same length — have the same index rows but for their id and
 * the values derived from start and end, which move with the slot. The first two slots of a shape go through
 * the generic indexer; their rows give the plan: a column equal in both stays, the id column takes the slot's
 * id, and an instant that differs by exactly the difference of their starts moves by the slot's difference
 * from the first. Anything else (a value that varies otherwise, a different number of rows) leaves the shape
 * to the generic indexer, slot by slot. So the rows are the generic indexer's rows.
 */
type Plan = ('same' | 'id' | 'shift')[][];
interface Template {
  rows: IndexRows;
  start: number;
  plans: Record<keyof IndexRows, Plan>;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TABLES = Object.keys(emptyIndexRows()) as (keyof IndexRows)[];

export class SlotIndexer {
  private readonly shapes = new Map<string, { first: Slot; template?: Template | null }>();

  constructor(private readonly baseUrl?: string) {}

  /** The index rows of a new generated Slot (id, start and end set). */
  rows(slot: Slot): IndexRows {
    const key = shapeKey(slot);
    const shape = this.shapes.get(key);
    if (!shape) {
      this.shapes.set(key, { first: slot });
      return this.generic(slot);
    }
    if (shape.template === undefined) shape.template = planOf(shape.first, this.generic(shape.first), slot, this.generic(slot));
    if (shape.template === null) return this.generic(slot);
    return apply(shape.template, slot);
  }

  private generic(slot: Slot): IndexRows {
    const rows = emptyIndexRows();
    indexResource(slot, rows, this.baseUrl);
    return rows;
  }
}

function shapeKey(slot: Slot): string {
  const length = Date.parse(slot.end) - Date.parse(slot.start);
  return `${length}:${JSON.stringify({ ...slot, id: undefined, start: undefined, end: undefined, meta: { ...slot.meta, versionId: undefined, lastUpdated: undefined } })}`;
}

function planOf(a: Slot, rowsA: IndexRows, b: Slot, rowsB: IndexRows): Template | null {
  const delta = Date.parse(b.start) - Date.parse(a.start);
  if (!Number.isFinite(delta) || delta === 0) return null;
  const plans = {} as Record<keyof IndexRows, Plan>;
  for (const table of TABLES) {
    const ra = rowsA[table];
    const rb = rowsB[table];
    if (ra.length !== rb.length) return null;
    const plan: Plan = [];
    for (let i = 0; i < ra.length; i++) {
      if (ra[i].length !== rb[i].length) return null;
      const cols: Plan[number] = [];
      for (let k = 0; k < ra[i].length; k++) {
        const [va, vb] = [ra[i][k], rb[i][k]];
        if (k === 1) {
          if (va !== a.id || vb !== b.id) return null;
          cols.push('id');
        } else if (va === vb) cols.push('same');
        else if (typeof va === 'string' && typeof vb === 'string' && INSTANT.test(va) && INSTANT.test(vb) && Date.parse(vb) - Date.parse(va) === delta) cols.push('shift');
        else return null;
      }
      plan.push(cols);
    }
    plans[table] = plan;
  }
  return { rows: rowsA, start: Date.parse(a.start), plans };
}

function apply(t: Template, slot: Slot): IndexRows {
  const delta = Date.parse(slot.start) - t.start;
  const out = emptyIndexRows();
  for (const table of TABLES) {
    const plan = t.plans[table];
    out[table] = t.rows[table].map((row, i) =>
      row.map((v, k) => (plan[i][k] === 'same' ? v : plan[i][k] === 'id' ? slot.id : new Date(Date.parse(v as string) + delta).toISOString())),
    );
  }
  return out;
}
