import type { Subscription } from './bus.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A push-to-pull bridge behind every in-process subscription: producers `push`, the
 * consumer iterates. A value pushed while the consumer waits in `next()` resolves that
 * promise directly (one microtask, no timer). Otherwise it is buffered without bound:
 * a slow consumer never blocks a publisher, at the cost of memory. Close (explicit,
 * `break` out of `for await`, or the abort signal) ends iteration at once and drops the
 * buffer; `onClose` runs exactly once.
 *
 * The channel is its own iterator, so it can be iterated once.
 */
export class Channel<T> implements Subscription<T>, AsyncIterator<T, undefined> {
  private buffer: T[] = [];
  private head = 0;
  private readonly waiters: ((r: IteratorResult<T, undefined>) => void)[] = [];
  private closedFlag = false;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly onClose: () => void,
    signal?: AbortSignal,
  ) {
    this.signal = signal;
    if (signal !== undefined) {
      this.onAbort = () => this.end();
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** True once closed. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Values buffered and not yet taken. */
  get buffered(): number {
    return this.buffer.length - this.head;
  }

  /** True when a `next()` call is waiting for a value. */
  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  /** Hands `value` to a waiting reader or buffers it. Returns false when closed (dropped). */
  push(value: T): boolean {
    if (this.closedFlag) return false;
    const w = this.waiters.shift();
    if (w !== undefined) w({ done: false, value });
    else this.buffer.push(value);
    return true;
  }

  /** Removes and returns the buffered values (used to take back undelivered work). */
  drain(): T[] {
    const out = this.buffer.slice(this.head);
    this.buffer = [];
    this.head = 0;
    return out;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head] as T;
      // Release the reference so a long-lived buffer does not pin old messages.
      (this.buffer as (T | undefined)[])[this.head] = undefined;
      this.head++;
      if (this.head === this.buffer.length) {
        this.buffer = [];
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.closedFlag) return Promise.resolve(DONE);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.end();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return this;
  }

  close(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  /** Synchronous close: ends iteration, drops the buffer, runs `onClose` once. */
  end(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.onClose();
    this.buffer = [];
    this.head = 0;
    for (const w of this.waiters.splice(0)) w(DONE);
  }
}
