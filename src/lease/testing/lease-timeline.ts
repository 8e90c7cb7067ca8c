import type { Lease } from '../lease.js';

/**
 * An ordered log of what the candidates of a test saw (`A acquired`, `A lost: released`…),
 * with waits that end on the event itself and fail only after a generous deadline. Tests
 * assert the order of events, never how long they took.
 */
export class LeaseTimeline {
  readonly events: string[] = [];
  readonly #listeners = new Set<() => void>();
  /** Holders that hold a lease right now (acquired, signal not yet fired). */
  readonly #active = new Set<string>();
  /** Largest number of simultaneous holders seen. */
  maxConcurrent = 0;

  mark(event: string): void {
    this.events.push(event);
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * Logs `label acquired` now and `label lost: <reason>` when the lease's signal fires, and
   * keeps count of how many labels hold at once.
   */
  track(label: string, lease: Lease): Lease {
    this.#active.add(label);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.#active.size);
    this.mark(`${label} acquired`);
    const onLost = (): void => {
      this.#active.delete(label);
      this.mark(`${label} lost: ${lease.lostReason ?? '?'}`);
    };
    if (lease.signal.aborted) onLost();
    else lease.signal.addEventListener('abort', onLost, { once: true });
    return lease;
  }

  /** Resolves once `event` has been logged; rejects after `deadlineMs` naming what was seen. */
  async waitFor(event: string, deadlineMs: number): Promise<void> {
    if (this.events.includes(event)) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!this.events.includes(event)) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`no "${event}" within ${deadlineMs} ms; saw: ${this.events.join(', ')}`));
      }, deadlineMs);
      this.#listeners.add(check);
    });
  }

  /** Index of `event` in the log (-1 when absent). */
  indexOf(event: string): number {
    return this.events.indexOf(event);
  }
}

/** Resolves with `promise`'s value, or rejects with `what` after `deadlineMs`. */
export async function within<T>(promise: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${what}: not within ${deadlineMs} ms`)),
          deadlineMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
