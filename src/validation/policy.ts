import type { OperationOutcomeIssue, Questionnaire, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../context.js';
import type { Queryable } from '../db/database.js';
import type { ResourceStore, StoreTransaction } from '../store/store.js';
import type { CodeValidator } from './bindings.js';
import { validateProfiles } from './validator.js';

/**
 * Which profiles apply to a resource, and the validation entry point shared by writes and $validate:
 * the profiles it claims (meta.profile; unknown ones are warnings, as a claim the server cannot check), the
 * profile required for its type by REQUIRED_PROFILES, or the one named by $validate's profile parameter
 * (unknown ones are errors).
 */
export function parseRequiredProfiles(setting: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (setting ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const type = part.slice(0, eq).trim();
    const url = part.slice(eq + 1).trim();
    if (type && url) out.set(type, [...(out.get(type) ?? []), url]);
  }
  return out;
}

/** Answers code checks for a given connection (the pool, or a write's transaction). */
export type CodesFor = (q: Queryable) => CodeValidator;

export class ProfileValidator {
  constructor(
    private readonly required: Map<string, string[]>,
    private readonly codesFor: CodesFor,
    private readonly store: ResourceStore,
    private readonly db: Queryable,
  ) {}

  requiredFor(type: string): string[] {
    return this.required.get(type) ?? [];
  }

  /** `t`: the write's transaction (reads go through it, and see what the transaction has staged). */
  async validate(resource: Resource, ctx: RequestContext, o: { profile?: string; base: boolean; errorsOnly: boolean }, t?: StoreTransaction): Promise<OperationOutcomeIssue[]> {
    const required = o.profile ? [o.profile] : this.requiredFor(resource.resourceType);
    return validateProfiles(resource, {
      required,
      claimed: resource.meta?.profile ?? [],
      lang: ctx.lang,
      codes: this.codesFor(t?.tx ?? this.db),
      base: o.base,
      errorsOnly: o.errorsOnly,
      resolve: async (ref) => {
        const [type, id] = ref.split('/');
        const r = await (t ? t.read(type, id) : this.store.read(ctx, type, id)).catch(() => undefined);
        if (!r || r.deleted || !r.content) return undefined;
        // a target the requester may not read is not resolved (its profile is not checked): no oracle on it
        if ((await this.store.readable(ctx, [{ type, id, content: r.content }], t)).length === 0) return undefined;
        return JSON.parse(r.content) as Resource;
      },
      questionnaire: (canonical) => this.questionnaire(canonical, ctx, t),
    });
  }

  /**
   * The Questionnaire a canonical names (`url` or `url|version`; a relative `Questionnaire/id` is read): the
   * newest stored one the requester may read. (The loaded packages' Questionnaires are not held by the server.)
   */
  private async questionnaire(canonical: string, ctx: RequestContext, t?: StoreTransaction): Promise<Questionnaire | undefined> {
    const relative = /^Questionnaire\/([A-Za-z0-9\-.]{1,64})$/.exec(canonical);
    const bar = canonical.indexOf('|');
    const [url, version] = bar < 0 ? [canonical, undefined] : [canonical.slice(0, bar), canonical.slice(bar + 1)];
    const { rows } = relative
      ? await (t?.tx ?? this.db).query<{ id: string; content: string }>(`SELECT res_id AS id, content FROM resource WHERE res_type = 'Questionnaire' AND res_id = $1 AND NOT deleted`, [relative[1]], 'questionnaire_by_id')
      : await (t?.tx ?? this.db).query<{ id: string; content: string }>(
          `SELECT r.res_id AS id, r.content FROM resource r JOIN sp_uri u ON u.res_id = r.res_id AND u.res_type = r.res_type
           WHERE u.res_type = 'Questionnaire' AND u.code = 'url' AND u.value = $1 AND NOT r.deleted ORDER BY r.pid DESC`,
          [url],
          'questionnaire_by_url',
        );
    const found = rows.map((r) => ({ type: 'Questionnaire', id: r.id, content: r.content, resource: JSON.parse(r.content) as Questionnaire })).filter((r) => !version || r.resource.version === version);
    return (await this.store.readable(ctx, found, t))[0]?.resource;
  }
}
