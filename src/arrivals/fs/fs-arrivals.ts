import { PromptlyError } from '../../core/errors.js';
import type { NoticeSink } from '../arrival-notice.js';
import { DEFAULT_ARRIVALS_CAPACITY, type Arrivals, type NoticeSubscription } from '../arrivals.js';
import { NoticeQueue } from '../notice-queue.js';

export interface FsArrivalsOptions {
  /** Notices buffered before a put waits for a reader (integer ≥ 1, default 1024). */
  readonly capacity?: number;
  /**
   * When true a put resolves only once a reader has handed its notice on (for the router:
   * published it), and rejects with PROMPTLY_E_ARRIVALS_CLOSED if the Arrivals closes
   * first; default false: it resolves once the notice is buffered.
   */
  readonly awaitHandedOn?: boolean;
}

/** Arrivals fed by a filesystem store: pass `sink` as the store's `onNotice`. */
export interface FsArrivals extends Arrivals {
  /**
   * The fs store's `onNotice`. Resolves once the notice is buffered (or handed on, with
   * `awaitHandedOn`); while the buffer is full it waits, so the put waits: backpressure,
   * never a drop. Rejects with PROMPTLY_E_ARRIVALS_CLOSED after `close()`, which makes the
   * put reject although the object is stored.
   */
  readonly sink: NoticeSink;
}

/**
 * Arrivals of an fs store's puts, within one process. The store's notices carry raw keys
 * already (no decoding). Notices emitted before any reader subscribed wait in the buffer
 * and go to the first reader, so a router started after the store loses nothing; they are
 * lost only with the process (or on `close()`), which is what the listing reconciler is for.
 */
export function createFsArrivals(options: FsArrivalsOptions = {}): FsArrivals {
  const queue = new NoticeQueue(options.capacity ?? DEFAULT_ARRIVALS_CAPACITY);
  const awaitHandedOn = options.awaitHandedOn ?? false;
  return {
    sink: async (notice) => {
      const handoff = await queue.push(notice);
      if (awaitHandedOn && !(await handoff.handedOn)) {
        throw new PromptlyError('PROMPTLY_E_ARRIVALS_CLOSED', 'closed before the notice was read');
      }
    },
    notices: (subscribeOptions): NoticeSubscription => queue.subscribe(subscribeOptions),
    close: () => {
      queue.close();
      return Promise.resolve();
    },
  };
}
