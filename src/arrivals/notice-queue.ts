import { PromptlyError } from '../core/errors.js';
import type { ArrivalNotice } from './arrival-notice.js';
import type { NoticeSubscription, NoticesOptions } from './arrivals.js';

/** What a producer gets back once its notice is queued. */
export interface Handoff {
  /**
   * Resolves true once a reader has handed the notice on (asked for the next one, or closed
   * its subscription after taking it); false when the queue closed first. Never rejects.
   */
  readonly handedOn: Promise<boolean>;
}

interface Entry {
  readonly notice: ArrivalNotice;
  settle(handedOn: boolean): void;
}

interface SpaceWaiter {
  readonly entry: Entry;
  admit(): void;
  fail(err: PromptlyError): void;
}

type ReaderWake = (entry: Entry | undefined) => void;

/**
 * The bounded buffer between an Arrivals source and its readers. `push` waits while
 * `capacity` notices are buffered (backpressure, never a drop) and admits waiting producers
 * in the order they came. Readers compete: each notice goes to one of them, in push order.
 */
export class NoticeQueue {
  readonly #capacity: number;
  readonly #buffer: Entry[] = [];
  readonly #spaceWaiters: SpaceWaiter[] = [];
  readonly #readers: ReaderWake[] = [];
  readonly #subscriptions = new Set<QueueSubscription>();
  #closed = false;

  /** `capacity`: notices buffered at most (integer ≥ 1). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `arrivals capacity must be an integer >= 1, got ${capacity}`,
      );
    }
    this.#capacity = capacity;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues a notice; resolves once it is buffered or with a reader (waiting for space while
   * the buffer is full). Rejects with PROMPTLY_E_ARRIVALS_CLOSED when the queue is or gets
   * closed first, PROMPTLY_E_ABORTED when `signal` fires first.
   */
  push(notice: ArrivalNotice, signal?: AbortSignal): Promise<Handoff> {
    if (this.#closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    let settle!: (handedOn: boolean) => void;
    const handedOn = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const entry: Entry = { notice, settle };
    const handoff: Handoff = { handedOn };
    const reader = this.#readers.shift();
    if (reader) {
      reader(entry);
      return Promise.resolve(handoff);
    }
    if (this.#buffer.length < this.#capacity) {
      this.#buffer.push(entry);
      return Promise.resolve(handoff);
    }
    return new Promise<Handoff>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#spaceWaiters.indexOf(waiter);
        if (i >= 0) this.#spaceWaiters.splice(i, 1);
        reject(abortedError(signal));
      };
      const waiter: SpaceWaiter = {
        entry,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(handoff);
        },
        fail: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      this.#spaceWaiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A competing reader of the queue. */
  subscribe(options?: NoticesOptions): NoticeSubscription {
    const sub = new QueueSubscription(this, options?.signal);
    if (this.#closed) void sub.close();
    else if (!options?.signal?.aborted) this.#subscriptions.add(sub);
    return sub;
  }

  /** Ends every subscription, fails waiting producers, drops buffered notices; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const entry of this.#buffer.splice(0)) entry.settle(false);
    for (const waiter of this.#spaceWaiters.splice(0)) {
      waiter.entry.settle(false);
      waiter.fail(closedError());
    }
    for (const sub of [...this.#subscriptions]) void sub.close();
  }

  /**
   * @internal The next entry for a reader: one at once, undefined once closed, or a wait
   * that `wake` ends (cancel it with {@link cancelWait}).
   */
  waitFor():
    | Entry
    | undefined
    | { readonly promise: Promise<Entry | undefined>; readonly wake: ReaderWake } {
    if (this.#closed) return undefined;
    const entry = this.#buffer.shift();
    if (entry) {
      const waiter = this.#spaceWaiters.shift();
      if (waiter) {
        this.#buffer.push(waiter.entry);
        waiter.admit();
      }
      return entry;
    }
    let wake!: ReaderWake;
    const promise = new Promise<Entry | undefined>((resolve) => {
      wake = resolve;
    });
    this.#readers.push(wake);
    return { promise, wake };
  }

  /** @internal A reader gave up waiting. */
  cancelWait(wake: ReaderWake): void {
    const i = this.#readers.indexOf(wake);
    if (i >= 0) this.#readers.splice(i, 1);
  }

  /** @internal An entry taken but not handed on goes back to the front. */
  requeue(entry: Entry): void {
    if (this.#closed) {
      entry.settle(false);
      return;
    }
    const reader = this.#readers.shift();
    if (reader) reader(entry);
    else this.#buffer.unshift(entry);
  }

  /** @internal */
  forget(sub: QueueSubscription): void {
    this.#subscriptions.delete(sub);
  }
}

class QueueSubscription implements NoticeSubscription {
  readonly #queue: NoticeQueue;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => void this.close();
  #current: Entry | undefined;
  #waiting: { wake: ReaderWake; cancel: () => void } | undefined;
  #closed = false;

  constructor(queue: NoticeQueue, signal: AbortSignal | undefined) {
    this.#queue = queue;
    this.#signal = signal;
    if (signal?.aborted) this.#closed = true;
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<ArrivalNotice> {
    return {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async #next(): Promise<IteratorResult<ArrivalNotice>> {
    this.#handOn();
    if (this.#closed) return { done: true, value: undefined };
    const got = this.#queue.waitFor();
    const entry = got === undefined || 'notice' in got ? got : await this.#wait(got);
    if (entry === undefined) return { done: true, value: undefined };
    if (this.#closed) {
      // Closed while the entry was on its way: never seen here, so another reader gets it.
      this.#queue.requeue(entry);
      return { done: true, value: undefined };
    }
    this.#current = entry;
    return { done: false, value: entry.notice };
  }

  #wait(got: {
    promise: Promise<Entry | undefined>;
    wake: ReaderWake;
  }): Promise<Entry | undefined> {
    return new Promise<Entry | undefined>((resolve) => {
      let cancelled = false;
      this.#waiting = {
        wake: got.wake,
        cancel: () => {
          cancelled = true;
          resolve(undefined);
        },
      };
      void got.promise.then((entry) => {
        this.#waiting = undefined;
        // An entry handed over just before the close must not vanish with this reader.
        if (cancelled && entry) this.#queue.requeue(entry);
        else resolve(entry);
      });
    });
  }

  #handOn(): void {
    this.#current?.settle(true);
    this.#current = undefined;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#handOn();
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      this.#queue.cancelWait(waiting.wake);
      waiting.cancel();
    }
    this.#queue.forget(this);
    return Promise.resolve();
  }
}

function closedError(): PromptlyError {
  return new PromptlyError('PROMPTLY_E_ARRIVALS_CLOSED', 'arrivals closed');
}

function abortedError(signal: AbortSignal | undefined): PromptlyError {
  return new PromptlyError('PROMPTLY_E_ABORTED', 'push aborted', { cause: signal?.reason });
}
