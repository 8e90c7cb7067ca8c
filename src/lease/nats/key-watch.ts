import type { KV, KvEntry, KvWatchEntry } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/nats-core';

/** The newest entry seen for a key and when it was first seen (local monotonic ms). */
export interface Observation {
  /** null: the key has never been written. */
  readonly entry: KvEntry | null;
  /** KV revision of `entry`; 0 when null. */
  readonly revision: number;
  /** `performance.now()` when this revision was first seen here. */
  readonly seenAtMs: number;
}

/**
 * Follows one KV key: a watch pushes every change at once (a release or takeover is seen
 * without polling) and `refresh` re-reads it after a failed compare-and-set. Expiry is
 * judged from `seenAtMs` on this machine's monotonic clock — how long a revision has gone
 * unchanged here — so clocks of different hosts never need to agree.
 */
export class KeyWatch {
  #latest: Observation = { entry: null, revision: 0, seenAtMs: performance.now() };
  #ended = false;
  readonly #listeners = new Set<() => void>();

  private constructor(
    private readonly kv: KV,
    private readonly key: string,
    private readonly iterator: QueuedIterator<KvWatchEntry>,
  ) {}

  /** Starts watching `key` and reads its current entry. */
  static async open(kv: KV, key: string): Promise<KeyWatch> {
    const iterator = await kv.watch({ key });
    const watch = new KeyWatch(kv, key, iterator);
    void watch.#pump();
    try {
      await watch.refresh();
    } catch (err) {
      watch.close();
      throw err;
    }
    return watch;
  }

  get latest(): Observation {
    return this.#latest;
  }

  /** True once the watch stopped (closed, or its connection closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Reads the key now (after a failed compare-and-set the watch may not have caught up). */
  async refresh(): Promise<void> {
    this.#observe(await this.kv.get(this.key));
  }

  /** Calls `listener` after every new revision and when the watch ends; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves when the revision differs from `revision`, at `untilMs` (performance.now()
   * time), when the watch ends, or when `signal` fires — whichever is first. Never rejects:
   * the caller re-reads the state it cares about.
   */
  async changed(revision: number, untilMs: number, signal: AbortSignal): Promise<void> {
    if (this.#latest.revision !== revision || this.#ended || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, untilMs - performance.now()));
      const unsubscribe = this.onChange(() => {
        if (this.#latest.revision !== revision || this.#ended) done();
      });
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Stops the watch. Idempotent. */
  close(): void {
    if (!this.#ended) this.iterator.stop();
    this.#end();
  }

  #observe(entry: KvEntry | null): void {
    const revision = entry?.revision ?? 0;
    // Keep the first sighting of a revision: expiry counts from the earliest time it was seen.
    if (revision <= this.#latest.revision) return;
    this.#latest = { entry, revision, seenAtMs: performance.now() };
    this.#emit();
  }

  async #pump(): Promise<void> {
    try {
      for await (const entry of this.iterator) this.#observe(entry);
    } catch {
      // The iterator fails when its connection closes; ending the watch tells the waiters.
    }
    this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#emit();
  }

  #emit(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
