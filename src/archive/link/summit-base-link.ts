import type { Clock } from '../../core/clock.js';
import { PromptlyError } from '../../core/errors.js';

export type LinkListener = (up: boolean) => void;

/**
 * The network link between the summit (the camera's DAQ, the image writer, the catch-up
 * archiver) and the base (hand-off, OODS, DBB), simulated: every transfer across it asks
 * `assertUp` first, and an outage (`sim.faults: link-outage@visit:seconds`) makes them fail
 * with PROMPTLY_E_LINK_DOWN until it ends. Listeners hear each change (the catch-up archiver
 * starts its backfill when the link comes back). Outages are summit-clock time.
 */
export class SummitBaseLink {
  readonly #clock: Clock;
  readonly #listeners = new Set<LinkListener>();
  #downUntilMs = Number.NEGATIVE_INFINITY;
  #timer: AbortController | undefined;
  /** Outages so far and their total length, summit ms. */
  outages = 0;
  downMs = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get up(): boolean {
    return this.#clock.now() >= this.#downUntilMs;
  }

  onChange(listener: LinkListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes the link down for `durationMs` summit ms from now (extends a current outage). */
  takeDown(durationMs: number): void {
    const now = this.#clock.now();
    const until = now + Math.max(0, durationMs);
    if (until <= this.#downUntilMs) return;
    const wasUp = this.up;
    this.downMs += until - Math.max(now, this.#downUntilMs);
    if (wasUp) this.outages++;
    this.#downUntilMs = until;
    if (wasUp) for (const l of this.#listeners) l(false);
    this.#timer?.abort();
    const timer = new AbortController();
    this.#timer = timer;
    this.#clock.sleep(until - now, timer.signal).then(
      () => {
        if (this.#timer !== timer) return;
        this.#timer = undefined;
        for (const l of this.#listeners) l(true);
      },
      () => undefined,
    );
  }

  /** PROMPTLY_E_LINK_DOWN while an outage lasts. */
  assertUp(what: string): void {
    if (!this.up) {
      throw new PromptlyError(
        'PROMPTLY_E_LINK_DOWN',
        `${what}: the summit–base link is down for another ${Math.ceil((this.#downUntilMs - this.#clock.now()) / 1000)} s`,
      );
    }
  }

  /** Resolves when the link is up (at once if it is). */
  async whenUp(signal?: AbortSignal): Promise<void> {
    while (!this.up) await this.#clock.sleep(this.#downUntilMs - this.#clock.now() + 1, signal);
  }

  /** Stops the pending up-timer (no listener is called after). */
  close(): void {
    this.#timer?.abort();
    this.#timer = undefined;
  }
}
