import type { Bus, DeliverPolicy, StreamMessage, Subscription } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import { realNowMs, sleepReal, type Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { PromptlyError, isPromptlyError, toPromptlyError } from '../../core/errors.js';
import { bandOf, parseNextVisit, type NextVisit } from '../../core/next-visit.js';
import { subjects } from '../../core/subjects.js';
import { taiSecondsToUtcMs } from '../../core/time.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import type { VisitLedger } from '../../ledger/visit-ledger.js';
import { itemDueMs, type ItemLifetimeLimits } from '../reconcile/item-lifetime.js';
import { expandVisit } from './expand-visit.js';
import { RecentSet } from './recent-set.js';
import { RECEIVED_HEADER } from './work-item.js';
import { latencyTrace } from './intake/latency-trace.js';
import { decodeNextVisitBytes } from './intake/next-visit-decoder.js';

/** Failures of a server the fan-out needs, not of the event: worth another try. */
const TRANSIENT: ReadonlySet<string> = new Set([
  'PROMPTLY_E_LEDGER_UNAVAILABLE',
  'PROMPTLY_E_REGISTRY_UNAVAILABLE',
  'PROMPTLY_E_BUS_UNAVAILABLE',
]);

/** Where the bus reader starts, and who hears that an event was dealt with. */
export interface FanoutReaderOptions {
  /** Default `new`: a reader resuming from a checkpoint passes `from-seq`. */
  readonly deliver?: DeliverPolicy;
  /**
   * Called with each event's stream sequence once it is accepted, refused or found a
   * duplicate (never for one whose handling was cut short), in order: a checkpoint.
   */
  readonly onHandled?: (seq: number) => void | Promise<void>;
}

/** The event on `visit.accepted.<instrument>`: a visit the ledger now owes outcomes for. */
export interface AcceptedVisit {
  readonly instrument: string;
  readonly group: string;
  readonly detectors: readonly number[];
  readonly band: string;
  readonly survey: string;
  /** Real ms the fan-out accepted it. */
  readonly acceptedMs: number;
}

/** What happened to one next_visit. */
export type FanoutResult =
  | { readonly status: 'enqueued'; readonly group: string; readonly items: number }
  | { readonly status: 'duplicate'; readonly group: string; readonly items: 0 };

export interface FanoutDeps {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly config: Config['fanout'];
  readonly status: StatusEmitter;
  /** Where each accepted visit is recorded, with the visit-detectors it owes, before the answer. */
  readonly ledger: VisitLedger;
  /** Instruments this deployment processes; a next_visit for another is refused. */
  readonly served: readonly string[];
  /** Bounds of a work item's life, to know when a missing outcome is overdue. */
  readonly lifetime: ItemLifetimeLimits;
}

/**
 * Accepts next_visit events (over HTTP or from the bus), validates them, drops expired and
 * repeated ones, records each accepted visit durably in the ledger with the visit-detectors
 * it expects, then enqueues one work item per active detector and announces the visit on
 * `visit.accepted.<instrument>`. "Accepted" is answered only after the ledger write: a crash
 * after it loses nothing, as the reconciler re-enqueues what has no outcome.
 */
export class FanoutService {
  readonly #recent: RecentSet;
  #subscription: Subscription<StreamMessage> | undefined;
  #loop: Promise<void> | undefined;
  #stopRetries: AbortController | undefined;

  constructor(private readonly deps: FanoutDeps) {
    this.#recent = new RecentSet(deps.config.dedupeWindow);
  }

  /**
   * Validates and fans out one next_visit. Throws PROMPTLY_E_NEXT_VISIT_MALFORMED / _INVALID /
   * _EXPIRED, PROMPTLY_E_INSTRUMENT_UNKNOWN or _NOT_SERVED (nothing recorded or enqueued then),
   * or PROMPTLY_E_LEDGER_UNAVAILABLE (not accepted: the caller may retry).
   */
  async accept(input: unknown): Promise<FanoutResult> {
    const receivedMs = realNowMs();
    let visit: NextVisit;
    try {
      visit = parseNextVisit(input);
      this.#checkExpiry(visit, this.deps.clock.now());
      const items = expandVisit(visit, this.deps.config.detectorPurposes);
      if (!this.deps.served.includes(visit.instrument)) {
        throw new PromptlyError(
          'PROMPTLY_E_INSTRUMENT_NOT_SERVED',
          `this deployment processes ${this.deps.served.join(', ')}, not ${visit.instrument}`,
        );
      }
      const duplicate = (): FanoutResult => {
        this.deps.status.emit({
          activity: 'next_visit.duplicate',
          instrument: visit.instrument,
          group: visit.groupId,
        });
        return { status: 'duplicate', group: visit.groupId, items: 0 };
      };
      const key = `${visit.instrument}/${visit.groupId}/${visit.salIndex}`;
      if (this.#recent.has(key)) return duplicate();
      const detectors = items.map((i) => i.detector);
      const recorded = await this.deps.ledger.expect({
        instrument: visit.instrument,
        group: visit.groupId,
        detectors,
        visit,
        acceptedMs: receivedMs,
        dueMs: itemDueMs(
          visit,
          receivedMs,
          this.deps.clock.now(),
          this.deps.clock.speed,
          this.deps.lifetime,
        ),
      });
      // Remembered only once the ledger has it: a retry after a failed write is no duplicate.
      this.#recent.add(key);
      if (!recorded) return duplicate();
      const headers = { [RECEIVED_HEADER]: String(receivedMs) };
      const subject = subjects.work(visit.instrument);
      await Promise.all(
        items.map((item) => this.deps.bus.publish(subject, encodeJson(item), { headers })),
      );
      await this.deps.bus.publish(
        subjects.visitAccepted(visit.instrument),
        encodeJson({
          instrument: visit.instrument,
          group: visit.groupId,
          detectors,
          band: bandOf(visit.filters),
          survey: visit.survey,
          acceptedMs: receivedMs,
        } satisfies AcceptedVisit),
      );
      this.deps.status.emit({
        activity: 'next_visit.accepted',
        instrument: visit.instrument,
        group: visit.groupId,
        detail: {
          items: items.length,
          nimages: visit.nimages,
          survey: visit.survey,
          filters: visit.filters,
          latency: latencyTrace(visit, receivedMs, this.deps.clock),
        },
      });
      return { status: 'enqueued', group: visit.groupId, items: items.length };
    } catch (err) {
      if (isPromptlyError(err)) {
        this.deps.status.emit({
          activity: 'next_visit.rejected',
          detail: { code: err.code, message: err.message },
        });
      }
      throw err;
    }
  }

  #checkExpiry(visit: NextVisit, summitNowMs: number): void {
    const ageMs = summitNowMs - taiSecondsToUtcMs(visit.private_sndStamp);
    if (ageMs > this.deps.config.expirationMs) {
      throw new PromptlyError(
        'PROMPTLY_E_NEXT_VISIT_EXPIRED',
        `next_visit ${visit.groupId} is ${Math.round(ageMs)} ms old (limit ${this.deps.config.expirationMs} ms)`,
      );
    }
  }

  /**
   * Also takes next_visit events from the bus (`ocs.next_visit.<instrument>` in stream
   * `stream`), new ones only: JSON, plain Avro or Confluent-framed Avro
   * (`intake/next-visit-decoder.ts`). Bad events are reported and skipped; the loop keeps
   * serving.
   */
  async start(stream: string, options: FanoutReaderOptions = {}): Promise<void> {
    const stop = new AbortController();
    this.#stopRetries = stop;
    this.#subscription = await this.deps.bus.readStream(stream, {
      deliver: options.deliver ?? { kind: 'new' },
      filter: subjects.nextVisitAll,
    });
    const sub = this.#subscription;
    this.#loop = (async () => {
      for await (const message of sub) {
        let input: unknown;
        try {
          input = decodeNextVisitBytes(message.data).value;
        } catch (err) {
          if (!isPromptlyError(err)) throw err;
          this.deps.status.emit({
            activity: 'next_visit.rejected',
            detail: { code: err.code, message: err.message, subject: message.subject },
          });
          if (!(await this.#checkpoint(options, message.seq))) return;
          continue;
        }
        // A refusal (invalid, expired, not served) is final and already reported by accept();
        // an infrastructure failure (ledger or bus away) is retried until it succeeds or the
        // reader stops, so an event taken from the bus is never dropped for want of a server.
        for (let attempt = 1; ; attempt++) {
          try {
            await this.accept(input);
            break;
          } catch (err) {
            const e = toPromptlyError(err);
            if (!TRANSIENT.has(e.code)) break;
            this.deps.status.emit({
              activity: 'next_visit.retry',
              detail: { code: e.code, message: e.message, attempt },
            });
            try {
              await sleepReal(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)), stop.signal);
            } catch {
              return; // stopped: the event stays unhandled, so a successor reads it again
            }
          }
        }
        if (!(await this.#checkpoint(options, message.seq))) return;
      }
    })();
  }

  /** Tells `onHandled`; false (reader stops) when it fails, e.g. a lost lease's fenced write. */
  async #checkpoint(options: FanoutReaderOptions, seq: number): Promise<boolean> {
    try {
      await options.onHandled?.(seq);
      return true;
    } catch (err) {
      const e = toPromptlyError(err);
      this.deps.status.emit({
        activity: 'reader.stopped',
        detail: { code: e.code, message: e.message, seq },
      });
      return false;
    }
  }

  /** Stops the bus reader (another fan-out's takes over); HTTP intake goes on. */
  async stopReading(): Promise<void> {
    this.#stopRetries?.abort();
    await this.#subscription?.close();
    await this.#loop;
    this.#subscription = undefined;
    this.#loop = undefined;
  }

  async close(): Promise<void> {
    await this.stopReading();
  }
}
