import type { BatchBackend, BatchEvent, BatchState } from '../batch-backend.js';

const TERMINAL: ReadonlySet<BatchState> = new Set(['completed', 'failed', 'cancelled', 'timeout']);

/** Whether `state` ends a job. */
export function isTerminal(state: BatchState): boolean {
  return TERMINAL.has(state);
}

/**
 * Everything one backend instance reported on `events()`, in arrival order, with waits that end
 * on the event itself and fail only after a generous deadline (naming what was seen). Tests
 * assert what happened and in which order, never how long it took.
 */
export class BatchEventLog {
  readonly events: BatchEvent[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #done: Promise<void>;

  constructor(backend: BatchBackend) {
    this.#done = (async () => {
      for await (const event of backend.events()) {
        this.events.push(event);
        for (const listener of [...this.#listeners]) listener();
      }
    })();
  }

  /** Events of one job, in arrival order. */
  of(batchId: string): BatchEvent[] {
    return this.events.filter((e) => e.batchId === batchId);
  }

  /** Resolves with the first event that satisfies `match`; rejects after `deadlineMs`. */
  async waitFor(
    what: string,
    match: (event: BatchEvent) => boolean,
    deadlineMs: number,
  ): Promise<BatchEvent> {
    const found = this.events.find(match);
    if (found) return found;
    return new Promise<BatchEvent>((resolve, reject) => {
      const check = (): void => {
        const event = this.events.find(match);
        if (!event) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        const seen = this.events.map((e) => `${e.batchId}:${e.state}`).join(', ') || 'nothing';
        reject(new Error(`${what}: not within ${deadlineMs} ms; saw ${seen}`));
      }, deadlineMs);
      this.#listeners.add(check);
    });
  }

  /** The terminal event of `batchId`. */
  terminal(batchId: string, deadlineMs: number): Promise<BatchEvent> {
    return this.waitFor(
      `end of ${batchId}`,
      (e) => e.batchId === batchId && isTerminal(e.state),
      deadlineMs,
    );
  }

  /** The first `state` event of `batchId`. */
  state(batchId: string, state: BatchState, deadlineMs: number): Promise<BatchEvent> {
    return this.waitFor(
      `${state} of ${batchId}`,
      (e) => e.batchId === batchId && e.state === state,
      deadlineMs,
    );
  }

  /** Resolves once the backend's iteration has ended (after `close()`). */
  ended(): Promise<void> {
    return this.#done;
  }
}

/**
 * The states `batchId` went through, repeats of the same state collapsed (the contract allows
 * an event more than once). A conforming job yields a subsequence of queued, running, end.
 */
export function statesOf(events: readonly BatchEvent[], batchId: string): BatchState[] {
  const states: BatchState[] = [];
  for (const e of events) {
    if (e.batchId === batchId && states[states.length - 1] !== e.state) states.push(e.state);
  }
  return states;
}
