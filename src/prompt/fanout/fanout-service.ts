import type { Bus, Subscription, StreamMessage } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import { realNowMs, type Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { PromptlyError, isPromptlyError } from '../../core/errors.js';
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
      if (!this.#recent.add(`${visit.instrument}/${visit.groupId}/${visit.salIndex}`))
        return duplicate();
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
  async start(stream: string): Promise<void> {
    this.#subscription = await this.deps.bus.readStream(stream, {
      deliver: { kind: 'new' },
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
          continue;
        }
        try {
          await this.accept(input);
        } catch (err) {
          if (!isPromptlyError(err)) throw err;
          // Already reported as a status event by accept(); the bus path has no caller to answer.
        }
      }
    })();
  }

  /** Stops the bus reader (another fan-out's takes over); HTTP intake goes on. */
  async stopReading(): Promise<void> {
    await this.#subscription?.close();
    await this.#loop;
    this.#subscription = undefined;
    this.#loop = undefined;
  }

  async close(): Promise<void> {
    await this.stopReading();
  }
}
