import type { SearchParameter } from '@medplum/fhirtypes';
import type { Database } from '../db/database.js';
import type { ResourceStore } from '../store/store.js';
import { registerSearchParameter } from './definitions.js';

/**
 * SearchParameter resources stored in the server (the Paraguay profiles add their own) become indexable:
 * loaded at start, and registered as soon as one is written in this process. New writes index them at once.
 * Re-indexing existing data and propagation to other processes belong to the search issue.
 */
export async function loadStoredSearchParameters(db: Database): Promise<number> {
  const { rows } = await db.query<{ content: string }>(
    "SELECT content FROM resource WHERE res_type = 'SearchParameter' AND NOT deleted",
  );
  let n = 0;
  for (const row of rows) if (register(JSON.parse(row.content) as SearchParameter)) n++;
  return n;
}

export function watchSearchParameters(store: ResourceStore): void {
  store.onCommit((changes) => {
    for (const c of changes) if (c.type === 'SearchParameter' && c.resource) register(c.resource as SearchParameter);
  });
}

function register(sp: SearchParameter): boolean {
  if (sp.status === 'retired' || !sp.code || !sp.expression || !sp.base?.length || !sp.type) return false;
  try {
    registerSearchParameter(sp);
    return true;
  } catch {
    return false;
  }
}
