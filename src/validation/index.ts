import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { Queryable } from '../db/database.js';
import type { Feature } from '../features.js';
import { guidePackageDir, guidePackagePath } from '../ig/index.js';
import { addResourceValidator, setBaseValidation } from '../interactions/resource.js';
import { getStructureDefinition, listLoadedDefinitions, loadPackages, packageResources, preloadBaseDefinitions, StoredDefinitions } from '../conformance/index.js';
import { addTerminologyResources, validateCode } from '../terminology/index.js';
import { currentGeneration } from '../terminology/sources.js';
import type { CodeValidator } from './bindings.js';
import { baseErrorConstraintKeys } from './keys.js';
import { registerValidateOperation } from './operation.js';
import { parseRequiredProfiles, ProfileValidator } from './policy.js';

import { baseIssues } from './validator.js';
import { localizeBaseIssues } from './base-messages.js';

export { validateProfiles, baseIssues } from './validator.js';
export type { CodeValidator } from './bindings.js';

/** The Paraguay guide's package as `npm run ig` writes it (the unpacked folder, else the .tgz). */
function guidePackage(config: { igDir?: string }): string | undefined {
  for (const p of [guidePackageDir(config), guidePackagePath(config)]) if (existsSync(p)) return p;
  return undefined;
}

function ipsPackage(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('hl7.fhir.uv.ips/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Binding checks answered by the terminology module, on the given connection. Verdicts are kept until what the
 * server holds changes (terminology's generation), so a write (whose reads go through its transaction, where
 * terminology does not cache) pays for a ValueSet once, not on every write.
 *
 * A verdict still being looked up is shared only with checks on the same connection; a check on another one
 * looks it up itself. On the embedded database (one connection) a statement outside a transaction waits until
 * the open transaction ends: a write's transaction waiting for a look-up another request started outside any
 * transaction would wait for itself, and every request after it with it.
 */
interface Verdict {
  answer: Promise<{ result: boolean; known: boolean; message?: string }>;
  /** The connection it is looked up on. */
  on: Queryable;
  settled: boolean;
}
const verdicts = new Map<string, Verdict>();
let verdictGeneration = -1;

export function terminologyCodes(q: Queryable): CodeValidator {
  return (args) => {
    const generation = currentGeneration();
    if (generation !== verdictGeneration || verdicts.size > 50_000) {
      verdicts.clear();
      verdictGeneration = generation;
    }
    const key = `${args.lang ?? 'en'}|${args.valueSet}|${args.system ?? ''}|${args.code}|${args.display ?? ''}`;
    const held = verdicts.get(key);
    if (held && (held.settled || held.on === q)) return held.answer;
    const v: Verdict = { answer: Promise.resolve({ result: false, known: false }), on: q, settled: false };
    v.answer = validateCode(q, args).then(
      (r) => {
        v.settled = true;
        return r;
      },
      (err: unknown) => {
        if (verdicts.get(key) === v) verdicts.delete(key);
        return { result: false, known: false, message: (err as Error).message };
      },
    );
    if (!held) verdicts.set(key, v);
    return v.answer;
  };
}

/**
 * The validation feature: loads the FHIR packages (Paraguay guide, IPS, FHIR_PACKAGES) and stored
 * StructureDefinitions, validates every write against the profiles it claims and the REQUIRED_PROFILES of its
 * type (422 with every issue), and offers $validate.
 */
let stored: StoredDefinitions | undefined;
let validator: ProfileValidator | undefined;

export const validationFeature: Feature = {
  name: 'validation',
  async start(s) {
    preloadBaseDefinitions();
    baseErrorConstraintKeys();
    const paths = [guidePackage(s.config), ipsPackage(), ...(s.config.fhirPackages ?? '').split(',').map((p) => p.trim())].filter((p): p is string => !!p);
    for (const r of await loadPackages(paths, addTerminologyResources)) {
      if (r.error) s.log.error({ package: r.path, err: r.error }, 'FHIR package not loaded');
      else s.log.info({ package: `${r.name}#${r.version}`, profiles: r.profiles, terminology: r.terminology, searchParameters: r.searchParameters }, 'FHIR package loaded');
      if (r.unresolved.length) s.log.warn({ package: r.name, unresolved: r.unresolved }, 'FHIR package refers to definitions not available here; those parts are not checked');
    }
    if (packageResources.collisions.length) s.log.warn({ resources: packageResources.collisions }, 'FHIR packages share a type and id: the first loaded is served, the others only by their canonical');
    s.store.setReadOnly(packageResources);
    stored = new StoredDefinitions(s.db, s.store, s.log);
    await stored.start();
    const required = parseRequiredProfiles(s.config.requiredProfiles);
    for (const [type, urls] of required) for (const url of urls) if (!getStructureDefinition(url)) s.log.error({ type, profile: url }, 'REQUIRED_PROFILES names a profile that is not loaded: writes of this type will be rejected');
    validator = new ProfileValidator(required, terminologyCodes, s.store, s.db);
    const v = validator;
    setBaseValidation((resource, ctx) => localizeBaseIssues(baseIssues(resource), ctx.lang));
    addResourceValidator((resource, ctx, t) => v.validate(resource, ctx, { base: false, errorsOnly: true }, t));
    registerValidateOperation(v);
  },
  capability(cs) {
    const byType = new Map<string, string[]>();
    for (const sd of listLoadedDefinitions()) if (sd.kind === 'resource' && sd.derivation === 'constraint') byType.set(sd.type, [...(byType.get(sd.type) ?? []), sd.url]);
    for (const rest of cs.rest ?? []) {
      for (const r of (rest.resource ?? []) as CapabilityStatementRestResource[]) {
        const req = validator?.requiredFor(r.type) ?? [];
        if (req.length) r.profile = req[0];
        const supported = byType.get(r.type);
        if (supported?.length) r.supportedProfile = [...new Set([...(r.supportedProfile ?? []), ...supported])];
      }
    }
  },
  async stop() {
    stored?.stop();
  },
};
