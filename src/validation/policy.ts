import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
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
    });
  }
}
