import type { StreamMessage, Subscription } from '../bus.js';
import type { StreamStore } from './stream-store.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A cursor over a {@link StreamStore}: history and live messages come from the same place
 * (the store), so there is no history→live hand-over and hence no gap or duplicate at that
 * boundary. Nothing is copied or buffered per reader; a message dropped by a limit before
 * the reader reaches it is skipped, as in JetStream. A reader waiting for a live message
 * is woken directly by the append (microtask, no timer).
 */
export class StreamReader
  implements Subscription<StreamMessage>, AsyncIterator<StreamMessage, undefined>
{
  private cursor: number;
  private history: number[] | undefined;
  private historyIndex = 0;
  private readonly waiters: ((r: IteratorResult<StreamMessage, undefined>) => void)[] = [];
  private closedFlag = false;
  private readonly removeListener: () => void;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly store: StreamStore,
    start: { cursor: number; history: number[] | undefined },
    private readonly match: ((subject: string) => boolean) | undefined,
    private readonly onClose: (reader: StreamReader) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.cursor = start.cursor;
    this.history = start.history;
    this.removeListener = store.onAppend(() => this.wake());
    if (signal !== undefined) {
      this.onAbort = () => this.end();
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  private take(): StreamMessage | undefined {
    const h = this.history;
    if (h !== undefined) {
      while (this.historyIndex < h.length) {
        const m = this.store.get(h[this.historyIndex++]!);
        if (m !== undefined) return m;
      }
      this.history = undefined;
    }
    const m = this.store.nextFrom(this.cursor, this.match);
    // Nothing stored from the cursor on matches: skip it all, so a filtered reader does
    // not rescan non-matching messages on every append.
    this.cursor = m !== undefined ? m.seq + 1 : Math.max(this.cursor, this.store.lastSequence + 1);
    return m;
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const m = this.take();
      if (m === undefined) return;
      this.waiters.shift()!({ done: false, value: m });
    }
  }

  next(): Promise<IteratorResult<StreamMessage, undefined>> {
    if (this.closedFlag) return Promise.resolve(DONE);
    if (this.waiters.length === 0) {
      const m = this.take();
      if (m !== undefined) return Promise.resolve({ done: false, value: m });
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  return(): Promise<IteratorResult<StreamMessage, undefined>> {
    this.end();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamMessage, undefined> {
    return this;
  }

  close(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  /** Synchronous close; idempotent. */
  end(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.removeListener();
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.onClose(this);
    for (const w of this.waiters.splice(0)) w(DONE);
  }
}
