/** A resource row as search returns it (matches and included resources alike). */
export interface SearchRow {
  type: string;
  id: string;
  pid: string;
  version: number;
  lastUpdated: string;
  content: string;
}

/** The columns of resource r that make a SearchRow. */
export const ROW_COLUMNS = 'r.res_type AS type, r.res_id AS id, r.pid::text AS pid, r.version, r.last_updated AS "lastUpdated", r.content';

export function toSearchRow(row: Record<string, unknown>): SearchRow {
  return {
    type: row.type as string,
    id: row.id as string,
    pid: row.pid as string,
    version: Number(row.version),
    lastUpdated: row.lastUpdated as string,
    content: row.content as string,
  };
}
