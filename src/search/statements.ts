import { createHash } from 'node:crypto';

/**
 * Names for search statements, so PostgreSQL prepares each query shape once per connection and reuses its
 * plan (values vary, the SQL text of a shape does not). Shapes beyond MAX_SHAPES run unprepared, so an
 * unbounded variety of queries cannot grow every connection's statement cache without limit.
 */
const MAX_SHAPES = 2000;
const named = new Map<string, string>();

export function statementName(sql: string): string | undefined {
  const known = named.get(sql);
  if (known) return known;
  if (named.size >= MAX_SHAPES) return undefined;
  const name = 'hms_s_' + createHash('sha1').update(sql).digest('hex').slice(0, 24);
  named.set(sql, name);
  return name;
}
