import type { Bundle, BundleEntry, Observation, Resource } from '@medplum/fhirtypes';
import type { RequestContext } from '../../context.js';
import { FhirError } from '../../fhir/outcome.js';
import { formatMessage, type Lang } from '../../fhir/messages.js';
import { create } from '../../interactions/write.js';
import type { OperationCall } from '../../operations/registry.js';
import { writeEntry } from '../../rest/handlers/bundle.js';
import { parsePrefer, type FhirResponse } from '../../rest/request.js';
import type { Services } from '../../rest/services.js';
import type { StoreTransaction } from '../../store/store.js';
import { parseRequiredProfiles } from '../../validation/policy.js';
import { plainReadingShape } from './reading-shape.js';

/**
 * Observation/$ingest-readings: temperature readings of fridges and freezers, a logger's batch in one
 * transaction. The body is a Bundle (transaction, batch or collection) whose entries are Observations to
 * create — the body a logger would POST to the base as a transaction works as it is —; the answer is the
 * transaction-response Bundle POST [base] would give (its entries made by the same code, Prefer: return=… too). All or nothing: a reading that is not valid is a 422
 * naming its entry, and nothing is stored.
 *
 * What makes it faster than the transaction: a reading in the plain form (reading-shape.ts) is validated in
 * full only when it is the first of its shape in the batch; the others are checked for the form of their
 * device, time and value, which is all their verdict depends on (the base validation and the profile walker
 * are two thirds of the server's time for a reading on the generic path). Readings in any other form, and every
 * reading when Observations have required profiles (REQUIRED_PROFILES) — whose rules may look at values —, are
 * validated in full. Everything else is the store's as for any write: access rules, references (the Device
 * must exist), the search index, the cold chain (excursions), subscriptions and the audit.
 */
export async function ingestReadings(s: Services, ctx: RequestContext, call: OperationCall, t?: StoreTransaction): Promise<FhirResponse> {
  const readings = readingsOf(call, ctx.lang);
  const everyOne = parseRequiredProfiles(s.config.requiredProfiles).has('Observation');
  const prefer = parsePrefer(call.req.headers.prefer).return;
  const run = async (tx: StoreTransaction): Promise<BundleEntry[]> => {
    const shapes = new Set<string>();
    const out: BundleEntry[] = [];
    for (const [i, reading] of readings.entries()) {
      const shape = everyOne ? undefined : plainReadingShape(reading);
      const known = shape !== undefined && shapes.has(shape);
      try {
        const r = await create(tx, reading, { prevalidated: known });
        if (shape !== undefined) shapes.add(shape);
        out.push(writeEntry(ctx, r, prefer));
      } catch (err) {
        if (err instanceof FhirError) throw new FhirError(err.status, err.code, 'bundleEntry', [i, err.message], err.extraIssues, [`Bundle.entry[${i}]`]);
        throw err;
      }
    }
    return out;
  };
  const entry = t ? await run(t) : await s.store.transaction(ctx, run);
  const body: Bundle = { resourceType: 'Bundle', type: 'transaction-response', entry };
  // the audit names every reading written, as for a transaction
  const changed = entry.map((e) => ({ ref: e.response!.location!.split('/_history')[0], deleted: false }));
  return { status: 200, headers: {}, body, changed };
}

/** The Observations of the posted Bundle (400 for anything else). */
function readingsOf(call: OperationCall, lang: Lang): Observation[] {
  const bundle = (call.resource ?? call.params.parameter?.find((p) => p.name === 'readings')?.resource) as Bundle | undefined;
  if (!bundle || bundle.resourceType !== 'Bundle') throw new FhirError(400, 'required', 'supply.readingsBundle', []);
  if (bundle.type !== 'transaction' && bundle.type !== 'batch' && bundle.type !== 'collection') throw new FhirError(400, 'invalid', 'supply.readingsBundle', []);
  return (bundle.entry ?? []).map((e, i) => {
    const r = e.resource as Resource | undefined;
    const request = e.request;
    if (r?.resourceType !== 'Observation' || (request && (request.method !== 'POST' || request.url !== 'Observation'))) {
      throw new FhirError(400, 'invalid', 'bundleEntry', [i, formatMessage('supply.readingsEntry', [], lang)], undefined, [`Bundle.entry[${i}]`]);
    }
    // a client id is the server's to assign, as with POST
    const { id: _id, ...rest } = r as Observation;
    return rest as Observation;
  });
}
