import type { ArrivalNotice } from './arrival-notice.js';

/**
 * The Arrivals contract: where raws' arrival notices come from. An Arrivals is an
 * at-least-once source of S3-event-shaped notices (`arrival-notice.ts`) whose keys are raw,
 * decoded object keys. Backends — `fs/` (the fs store's puts), `s3/` (bucket notifications
 * by webhook or from a bus subject), the listing reconciler, and `merge-arrivals.ts` over
 * several — pass `testing/arrivals-conformance.ts` unchanged.
 *
 * Semantics common to every backend:
 * - A source starts taking notices when it is created, not when someone reads: notices that
 *   arrive before the first `notices()` call wait in a bounded buffer. When that buffer is
 *   full the source pushes back on its producer (a put, an HTTP request, a bus reader
 *   waits); it never drops a notice.
 * - Each notice is yielded to one reader; concurrent subscriptions compete for notices.
 * - A notice is *handed on* once its reader asks for the next one (a `for await` loop has
 *   finished its body) or closes its subscription. Sources that can acknowledge upstream
 *   (the webhook's 200) wait for that, so a crash before handing on makes the sender retry.
 * - At least once: the same object may be announced more than once (a retried
 *   notification, the reconciler finding it again). Readers are idempotent.
 * - `close()` stops intake, ends every subscription, and drops notices not yet taken (their
 *   producers see PROMPTLY_E_ARRIVALS_CLOSED or, for a put, a notice nobody will read; the
 *   listing reconciler is what finds those objects again after a restart).
 */
export interface Arrivals {
  /**
   * A subscription to the notices not yet taken. It ends when closed, when `signal`
   * fires, when its loop is left, or when the Arrivals closes. Iterate it once.
   */
  notices(options?: NoticesOptions): NoticeSubscription;
  /** Stops intake and ends every subscription; idempotent. */
  close(): Promise<void>;
}

export interface NoticesOptions {
  readonly signal?: AbortSignal;
}

/** An active subscription to arrival notices: an async iterable that can be closed. */
export interface NoticeSubscription extends AsyncIterable<ArrivalNotice> {
  /**
   * Stops delivery: a pending `next()` resolves as done; the notice last taken counts as
   * handed on. Idempotent.
   */
  close(): Promise<void>;
}

/** Default notices a source buffers before pushing back on its producer. */
export const DEFAULT_ARRIVALS_CAPACITY = 1024;
