import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import { realNowMs, sleepReal } from '../../core/clock.js';
import { PromptlyError, isPromptlyError, toPromptlyError } from '../../core/errors.js';
import { subjects } from '../../core/subjects.js';
import type { OpenVisit, VisitLedger } from '../../ledger/visit-ledger.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import { RECEIVED_HEADER, REQUEUE_HEADER } from '../fanout/work-item.js';
import type { OutcomeRecorder } from '../outcomes/outcome-recorder.js';

export interface ReconcilerOptions {
  readonly instrument: string;
  /** Re-enqueues of one visit-detector before it is recorded as lost (0..10). */
  readonly maxRequeues: number;
  /** A visit older than this (real ms since accepted) is not re-enqueued: its raws may be gone. */
  readonly maxAgeMs: number;
  /** Open visits looked at per pass (1..10 000), oldest first. */
  readonly batch: number;
}

/** What one pass did. */
export interface ReconcileReport {
  readonly visits: number;
  readonly requeued: number;
  readonly lost: number;
  readonly closed: number;
}

/**
 * Makes every expected visit-detector end in exactly one outcome. For each open visit of the
 * ledger it looks up the outcomes in the central repo; a visit-detector without one is
 * re-enqueued (the worker then processes it, or records it timed out when its raws never
 * came) up to `maxRequeues` times while the visit is younger than `maxAgeMs`, and otherwise
 * recorded as `failed` with PROMPTLY_E_OUTCOME_LOST. A visit whose every visit-detector has
 * its outcome is closed.
 *
 * Mode `all` treats every open visit as overdue: right for start-up of an embedded
 * deployment, whose in-memory work queue died with the process. Mode `due` acts only on
 * visit-detectors whose work item's whole life has passed (the ledger's `dueMs`, and as long
 * again after each re-enqueue): right for a running deployment whose queue is durable.
 */
export class Reconciler {
  #loop: Promise<void> | undefined;
  readonly #stop = new AbortController();

  constructor(
    private readonly deps: {
      ledger: VisitLedger;
      outcomes: OutcomeRecorder;
      bus: Bus;
      status: StatusEmitter;
    },
    private readonly options: ReconcilerOptions,
  ) {
    if (
      !Number.isInteger(options.maxRequeues) ||
      options.maxRequeues < 0 ||
      options.maxRequeues > 10
    )
      throw new PromptlyError('PROMPTLY_E_CONFIG_INVALID', 'maxRequeues must be in 0..10');
  }

  /** One pass over the open visits. */
  async reconcile(mode: 'all' | 'due', signal?: AbortSignal): Promise<ReconcileReport> {
    const now = realNowMs();
    const open = await this.deps.ledger.openVisits(
      {
        instrument: this.options.instrument,
        ...(mode === 'due' ? { dueBeforeMs: now } : {}),
        limit: this.options.batch,
      },
      { ...(signal ? { signal } : {}) },
    );
    let requeued = 0;
    let lost = 0;
    let closed = 0;
    for (const visit of open) {
      const r = await this.#visit(visit, mode, now);
      requeued += r.requeued;
      lost += r.lost;
      if (r.complete) {
        await this.deps.ledger.close(visit.instrument, visit.group, realNowMs());
        closed++;
      }
    }
    const report = { visits: open.length, requeued, lost, closed };
    if (requeued + lost > 0)
      this.deps.status.emit({
        activity: 'reconcile.pass',
        instrument: this.options.instrument,
        detail: { mode, ...report },
      });
    return report;
  }

  async #visit(
    visit: OpenVisit,
    mode: 'all' | 'due',
    now: number,
  ): Promise<{ requeued: number; lost: number; complete: boolean }> {
    const lifetimeMs = Math.max(0, visit.dueMs - visit.acceptedMs);
    let requeued = 0;
    let lost = 0;
    let waiting = 0;
    for (const detector of visit.detectors) {
      const have = await this.deps.outcomes.find(visit.instrument, detector, visit.group);
      if (have) continue;
      const previous = visit.requeues[detector];
      // A re-enqueued item gets a whole lifetime of its own before it is looked at again.
      if (mode === 'due' && previous && previous.lastMs + lifetimeMs > now) {
        waiting++;
        continue;
      }
      const count = previous?.count ?? 0;
      if (count < this.options.maxRequeues && now - visit.acceptedMs <= this.options.maxAgeMs) {
        const n = await this.deps.ledger.countRequeue(visit.instrument, visit.group, detector, now);
        const item = { ...(visit.visit as Record<string, unknown>), detector };
        await this.deps.bus.publish(subjects.work(visit.instrument), encodeJson(item), {
          headers: { [RECEIVED_HEADER]: String(visit.acceptedMs), [REQUEUE_HEADER]: String(n) },
        });
        this.deps.status.emit({
          activity: 'reconcile.requeued',
          instrument: visit.instrument,
          group: visit.group,
          detector,
          detail: { requeues: n },
        });
        requeued++;
        waiting++;
        continue;
      }
      const error = new PromptlyError(
        'PROMPTLY_E_OUTCOME_LOST',
        count >= this.options.maxRequeues
          ? `no outcome after ${count} re-enqueues`
          : `no outcome, and the visit is ${Math.round((now - visit.acceptedMs) / 1000)} s old (re-enqueue limit ${Math.round(this.options.maxAgeMs / 1000)} s)`,
      );
      await this.deps.outcomes.record({
        instrument: visit.instrument,
        detector,
        group: visit.group,
        kind: 'failed',
        code: error.code,
        reason: error.message,
        snaps: [],
        outputs: [],
        deliveries: 0,
        marks: { nextVisitReceivedMs: visit.acceptedMs, outcomeMs: realNowMs() },
      });
      lost++;
    }
    return { requeued, lost, complete: waiting === 0 };
  }

  /**
   * Runs a first pass in `initial` mode, then a `due` pass every `intervalMs` until `close`.
   * A failing pass (database or bus away) is reported and retried at the next interval.
   */
  start(initial: 'all' | 'due', intervalMs: number, onPass?: (r: ReconcileReport) => void): void {
    const signal = this.#stop.signal;
    let mode = initial;
    this.#loop = (async () => {
      while (!signal.aborted) {
        try {
          onPass?.(await this.reconcile(mode, signal));
          mode = 'due';
        } catch (err) {
          if (isPromptlyError(err, 'PROMPTLY_E_ABORTED') && signal.aborted) return;
          const e = toPromptlyError(err);
          this.deps.status.emit({
            activity: 'reconcile.failed',
            instrument: this.options.instrument,
            detail: { code: e.code, message: e.message },
          });
        }
        try {
          await sleepReal(intervalMs, signal);
        } catch {
          return;
        }
      }
    })();
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }
}
