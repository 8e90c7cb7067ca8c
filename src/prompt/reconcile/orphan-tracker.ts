import type { Bus, Subscription, BusMessage } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { realNowMs } from '../../core/clock.js';
import { subjectToken } from '../../core/subjects.js';
import type { VisitLedger } from '../../ledger/visit-ledger.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import type { RawArrival } from '../arrivals/raw-arrival.js';
import { RecentSet } from '../fanout/recent-set.js';

export interface OrphanTrackerOptions {
  readonly instrument: string;
  /** A raw may land before its next_visit: it is an orphan only after this long (real ms). */
  readonly graceMs: number;
  /** Raws waiting for their visit, at most; past it the oldest are judged at once. */
  readonly maxPending: number;
}

/**
 * Finds raws that arrive for no accepted visit. It hears every routed arrival of its
 * instrument; a raw whose (instrument, group) the ledger does not know after `graceMs` is
 * recorded as an orphan in the ledger and reported (`raw.orphan`). Memory is bounded: at most
 * `maxPending` raws wait, and known groups are remembered in a bounded set.
 */
export class OrphanTracker {
  readonly #pending = new Map<string, { arrival: RawArrival; seenMs: number }>();
  readonly #known = new RecentSet(10_000);
  #sub: Subscription<BusMessage> | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly deps: { bus: Bus; ledger: VisitLedger; status: StatusEmitter },
    private readonly options: OrphanTrackerOptions,
  ) {}

  async start(): Promise<void> {
    const sub = await this.deps.bus.subscribe(
      `raw.arrived.${subjectToken(this.options.instrument)}.>`,
    );
    this.#sub = sub;
    this.#loop = (async () => {
      for await (const message of sub) {
        let arrival: RawArrival;
        try {
          arrival = decodeJson(message.data) as RawArrival;
        } catch {
          continue; // the router only publishes what it parsed; nothing to account for here
        }
        if (typeof arrival.key !== 'string' || typeof arrival.group !== 'string') continue;
        if (this.#known.has(arrival.group)) continue;
        this.#pending.set(arrival.key, { arrival, seenMs: realNowMs() });
        if (this.#pending.size > this.options.maxPending)
          await this.sweep(Number.POSITIVE_INFINITY);
      }
    })();
  }

  /** Judges raws seen at least `graceMs` before `nowMs`; returns the orphans recorded. */
  async sweep(nowMs: number = realNowMs()): Promise<number> {
    let recorded = 0;
    for (const [key, { arrival, seenMs }] of [...this.#pending]) {
      if (seenMs + this.options.graceMs > nowMs) continue;
      this.#pending.delete(key);
      if (this.#known.has(arrival.group)) continue;
      if (await this.deps.ledger.has(arrival.instrument, arrival.group)) {
        this.#known.add(arrival.group);
        continue;
      }
      const fresh = await this.deps.ledger.recordOrphan({
        key,
        instrument: arrival.instrument,
        detector: arrival.detector,
        group: arrival.group,
        recordedMs: realNowMs(),
      });
      if (fresh) {
        recorded++;
        this.deps.status.emit({
          activity: 'raw.orphan',
          instrument: arrival.instrument,
          group: arrival.group,
          detector: arrival.detector,
          detail: { key },
        });
      }
    }
    return recorded;
  }

  async close(): Promise<void> {
    await this.#sub?.close();
    await this.#loop;
  }
}
