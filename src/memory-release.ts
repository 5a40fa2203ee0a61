import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from 'pino';

/**
 * Giving memory back to the operating system once the server is quiet. A burst of large or hostile requests
 * grows two things that stay grown after it: V8's heap (it keeps the pages it grew until a later collection
 * decides to shrink, which on a quiet server may be never) and the C allocator's heap (glibc keeps the pages
 * of freed buffers: free() only shrinks the top of the main heap). So after each busy period, once a whole
 * `intervalMs` has passed with no request, the server runs one full collection if V8's heap is more than
 * `growthMb` above the smallest it has been after a release, and asks glibc to return every free page
 * (malloc_trim, in the optional native module native/malloc-trim; where it could not be built, or the C
 * library is not glibc, only the collection is done). The pause (tens of milliseconds for a few hundred MB of heap) falls when no request is
 * in flight; a request arriving during it waits for it.
 */
type Trim = () => boolean;

function loadTrim(): Trim | undefined {
  try {
    const mod = createRequire(import.meta.url)('hms-ops-malloc-trim') as { trim?: unknown };
    return typeof mod.trim === 'function' ? (mod.trim as Trim) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * V8's full collection, reachable without starting node with --expose-gc: the "last resort" kind, which also
 * shrinks the heap to what is live (a regular full collection leaves the grown heap committed).
 */
function loadGc(): (() => void) | undefined {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  if (typeof gc !== 'function') return undefined;
  return () => (gc as (o: object) => void)({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

export interface Activity {
  /** No request is in flight. */
  quiet(): boolean;
  /** Requests started so far. */
  started(): number;
}

const MB = 1024 * 1024;

export function releaseMemoryWhenIdle(activity: Activity, log: Logger, intervalMs: number, growthMb = 32): () => void {
  if (intervalMs <= 0) return () => undefined;
  const trim = loadTrim();
  const gc = loadGc();
  if (!trim) log.debug('memory release: hms-ops-malloc-trim is not built here; freed native memory stays with the process');
  // The smallest heap seen after a release (or at start): a busy period that grew the heap past it by more than
  // growthMb ends with a full collection, even if a pause in the middle of it already released some memory.
  let heapBase = process.memoryUsage().heapTotal;
  let seen = activity.started();
  let busy = false;
  const timer = setInterval(() => {
    const started = activity.started();
    // Requests in the last interval: wait until a whole interval passes without one.
    if (started !== seen) {
      seen = started;
      busy = true;
      return;
    }
    if (!busy || !activity.quiet()) return;
    busy = false;
    const t = performance.now();
    const before = process.memoryUsage();
    if (gc && before.heapTotal - heapBase > growthMb * MB) gc();
    trim?.();
    const after = process.memoryUsage();
    heapBase = Math.min(heapBase, after.heapTotal);
    log.debug({ rssMb: [Math.round(before.rss / MB), Math.round(after.rss / MB)], heapMb: [Math.round(before.heapTotal / MB), Math.round(after.heapTotal / MB)], ms: Math.round(performance.now() - t) }, 'memory released');
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
