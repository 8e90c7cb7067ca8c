import { PromptlyError, isPromptlyError } from '../core/errors.js';
import { recordIdentity, type ArrivalRecord } from './arrival-notice.js';
import { DEFAULT_ARRIVALS_CAPACITY, type Arrivals, type NoticeSubscription } from './arrivals.js';
import { NoticeQueue } from './notice-queue.js';

export interface MergeArrivalsOptions {
  /**
   * How long a record's identity (bucket, key, eTag) is remembered to drop an exact
   * duplicate from any source, ms (≥ 0; default 600 000 = 10 min; 0 keeps every
   * duplicate). Make it longer than the reconciler's interval so its re-finds are dropped.
   */
  readonly dedupeWindowMs?: number;
  /** Identities remembered at most (integer ≥ 1, default 100 000): bounds memory. */
  readonly dedupeMaxEntries?: number;
  /** Notices buffered before the sources wait (integer ≥ 1, default 1024). */
  readonly capacity?: number;
}

/**
 * One Arrivals over several (bucket notifications plus a listing reconciler, say). It
 * subscribes to every source at once and owns them: `close()` closes them too. A source's
 * next notice is taken only once the previous one was handed on by the merged reader, so
 * acknowledgements (the webhook's 200) still mean "handed on downstream".
 *
 * Records whose bucket, key and eTag were passed on within `dedupeWindowMs` are dropped (a
 * notice left with no record is dropped whole); beyond the window or past
 * `dedupeMaxEntries` a duplicate goes through, which at-least-once readers tolerate.
 */
export function mergeArrivals(
  sources: readonly Arrivals[],
  options: MergeArrivalsOptions = {},
): Arrivals {
  const windowMs = options.dedupeWindowMs ?? 600_000;
  const maxEntries = options.dedupeMaxEntries ?? 100_000;
  if (!(windowMs >= 0) || !Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `mergeArrivals needs dedupeWindowMs >= 0 and integer dedupeMaxEntries >= 1, got ${windowMs} and ${maxEntries}`,
    );
  }
  const queue = new NoticeQueue(options.capacity ?? DEFAULT_ARRIVALS_CAPACITY);
  /** identity → when it was passed on (performance.now() ms); insertion-ordered. */
  const recent = new Map<string, number>();

  const forget = (nowMs: number): void => {
    for (const [identity, atMs] of recent) {
      if (recent.size <= maxEntries && nowMs - atMs <= windowMs) break;
      recent.delete(identity);
    }
  };
  const fresh = (record: ArrivalRecord, nowMs: number): boolean => {
    const atMs = recent.get(recordIdentity(record));
    return atMs === undefined || nowMs - atMs > windowMs;
  };

  const subs: NoticeSubscription[] = sources.map((source) => source.notices());
  const pumps = subs.map(async (sub) => {
    for await (const notice of sub) {
      const nowMs = performance.now();
      forget(nowMs);
      const records = notice.Records.filter((r) => fresh(r, nowMs));
      if (records.length === 0) continue;
      for (const r of records) {
        const identity = recordIdentity(r);
        recent.delete(identity); // re-insert at the end: the map stays in time order
        if (windowMs > 0) recent.set(identity, nowMs);
      }
      try {
        const handoff = await queue.push(
          records.length === notice.Records.length ? notice : { Records: records },
        );
        await handoff.handedOn;
      } catch (err) {
        if (isPromptlyError(err, 'PROMPTLY_E_ARRIVALS_CLOSED')) return;
        throw err;
      }
    }
  });
  // A source whose subscription fails ends only its own pump; the others keep going.
  const settled = Promise.allSettled(pumps);

  return {
    notices: (subscribeOptions) => queue.subscribe(subscribeOptions),
    async close() {
      queue.close();
      await Promise.all(subs.map((s) => s.close()));
      await Promise.all(sources.map((s) => s.close()));
      await settled;
    },
  };
}
