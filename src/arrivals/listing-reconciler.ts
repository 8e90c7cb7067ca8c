import { sleepReal } from '../core/clock.js';
import { PromptlyError, isPromptlyError } from '../core/errors.js';
import type { StatusEmitter } from '../observe/status-emitter.js';
import { unquoteETag } from '../store/arrival-notice.js';
import type { ObjectInfo, ObjectStore } from '../store/object-store.js';
import type { ArrivalNotice } from './arrival-notice.js';
import { DEFAULT_ARRIVALS_CAPACITY, type Arrivals } from './arrivals.js';
import { NoticeQueue } from './notice-queue.js';

/** `eventSource` of the notices the reconciler makes (so a found-late object shows as such). */
export const RECONCILER_EVENT_SOURCE = 'promptly:reconciler';

/** Shortest and longest pass interval accepted, ms. */
export const RECONCILE_INTERVAL_BOUNDS_MS = { min: 1_000, max: 3_600_000 } as const;

export interface ListingReconcilerOptions {
  readonly store: ObjectStore;
  /** Key prefixes to list each pass (default `['']`: the whole bucket). */
  readonly prefixes?: readonly string[];
  /** Time between the end of one pass and the start of the next, ms, in [1 000, 3 600 000]. */
  readonly intervalMs: number;
  /**
   * Objects last modified longer ago than this (ms, ≥ 2 × intervalMs; default 21 600 000 =
   * 6 h) are neither announced nor remembered. This bounds memory: the reconciler holds one
   * entry (key, eTag, time: ~200 B) per object that landed within the lookback, never every
   * key of the bucket. Older objects are the catch-up archiver's business.
   */
  readonly lookbackMs?: number;
  /**
   * A high-water mark persisted by a previous run, ms since the Unix epoch: objects last
   * modified before it are not announced. Default: none (the first pass announces every
   * object within the lookback).
   */
  readonly sinceMs?: number;
  /** Notices buffered before the listing waits for a reader (integer ≥ 1, default 1024). */
  readonly capacity?: number;
  /** Called after each complete pass (e.g. to persist a high-water mark). */
  readonly onPass?: (pass: ReconcilePass) => void;
  /** Where each pass with finds, and each failed pass, is reported (`reconcile.*`). */
  readonly status?: StatusEmitter;
}

/** What one pass did. */
export interface ReconcilePass {
  /**
   * Real time the pass started, ms since the Unix epoch. Every object last modified before
   * `startedMs` minus the longest put (a put's lastModified can precede its appearing in a
   * listing) has been announced: that difference is a safe `sinceMs` for a restart.
   */
  readonly startedMs: number;
  /** Objects listed (within the lookback). */
  readonly listed: number;
  /** Notices emitted: objects not seen before (or with a new eTag). */
  readonly emitted: number;
  /** Entries held in memory after the pass. */
  readonly remembered: number;
}

/** The listing reconciler: an Arrivals that also accepts a request for an early pass. */
export interface ListingReconciler extends Arrivals {
  /** Starts the next pass now instead of after the interval (no-op while a pass runs). */
  reconcileNow(): void;
}

/**
 * Finds objects whose notification was lost. Every `intervalMs` it lists the store under
 * each prefix and emits an `ObjectCreated:Put` notice (source {@link RECONCILER_EVENT_SOURCE},
 * eventTime = lastModified) for every object it has not seen since start — by key and eTag,
 * so a key put again with new bytes is announced again. Its first pass runs at once, which
 * catches objects that landed while nothing listened. Every listed object is one the
 * notifications most likely announced already: merge it with them (`merge-arrivals.ts`),
 * whose window drops most such duplicates; the rest are harmless (at least once).
 *
 * A pass walks the whole prefix (listing cost grows with the bucket); memory does not (see
 * `lookbackMs`). A failed listing is reported as `reconcile.failed` and retried next pass.
 */
export function createListingReconciler(options: ListingReconcilerOptions): ListingReconciler {
  const { intervalMs } = options;
  const lookbackMs = options.lookbackMs ?? 21_600_000;
  if (
    !Number.isFinite(intervalMs) ||
    intervalMs < RECONCILE_INTERVAL_BOUNDS_MS.min ||
    intervalMs > RECONCILE_INTERVAL_BOUNDS_MS.max
  ) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `reconciler intervalMs must be within [${RECONCILE_INTERVAL_BOUNDS_MS.min}, ${RECONCILE_INTERVAL_BOUNDS_MS.max}], got ${intervalMs}`,
    );
  }
  if (!Number.isFinite(lookbackMs) || lookbackMs < 2 * intervalMs) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `reconciler lookbackMs must be at least 2 × intervalMs (${2 * intervalMs}), got ${lookbackMs}`,
    );
  }
  const queue = new NoticeQueue(options.capacity ?? DEFAULT_ARRIVALS_CAPACITY);
  const prefixes = options.prefixes ?? [''];
  const stop = new AbortController();
  /** key → what was announced, for objects within the lookback. */
  const seen = new Map<string, { eTag: string; lastModifiedMs: number }>();
  let wake: AbortController | undefined;

  const pass = async (): Promise<ReconcilePass> => {
    const startedMs = Date.now();
    const floorMs = Math.max(options.sinceMs ?? -Infinity, startedMs - lookbackMs);
    let listed = 0;
    let emitted = 0;
    for (const prefix of prefixes) {
      for await (const info of options.store.list(prefix, { signal: stop.signal })) {
        if (info.lastModifiedMs < floorMs) continue;
        listed++;
        if (seen.get(info.key)?.eTag === info.eTag) continue;
        // Buffered is enough: a notice lost with the process is found again after a restart.
        await queue.push(noticeOf(options.store.bucket, info), stop.signal);
        seen.set(info.key, { eTag: info.eTag, lastModifiedMs: info.lastModifiedMs });
        emitted++;
      }
    }
    for (const [key, entry] of seen) {
      if (entry.lastModifiedMs < startedMs - lookbackMs) seen.delete(key);
    }
    return { startedMs, listed, emitted, remembered: seen.size };
  };

  const loop = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      try {
        const done = await pass();
        if (done.emitted > 0) {
          options.status?.emit({ activity: 'reconcile.found', detail: { ...done } });
        }
        options.onPass?.(done);
      } catch (err) {
        if (stop.signal.aborted || isPromptlyError(err, 'PROMPTLY_E_ARRIVALS_CLOSED')) return;
        const reason = err instanceof Error ? err.message : String(err);
        options.status?.emit({ activity: 'reconcile.failed', detail: { reason } });
      }
      wake = new AbortController();
      const wakeSignal = AbortSignal.any([stop.signal, wake.signal]);
      await sleepReal(intervalMs, wakeSignal).catch(() => undefined);
      wake = undefined;
    }
  };
  const running = loop();

  return {
    notices: (subscribeOptions) => queue.subscribe(subscribeOptions),
    reconcileNow() {
      wake?.abort();
    },
    async close() {
      stop.abort();
      queue.close();
      await running;
    },
  };
}

function noticeOf(bucket: string, info: ObjectInfo): ArrivalNotice {
  const sequencer = (BigInt(Math.floor(info.lastModifiedMs)) * 1000n)
    .toString(16)
    .toUpperCase()
    .padStart(16, '0');
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: RECONCILER_EVENT_SOURCE,
        eventTime: new Date(info.lastModifiedMs).toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: bucket },
          object: {
            key: info.key,
            size: info.size,
            eTag: unquoteETag(info.eTag),
            sequencer,
          },
        },
      },
    ],
  };
}
