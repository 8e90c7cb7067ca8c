import { setMaxListeners } from 'node:events';
import type { Delivery, Subscription } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { PromptlyError, isPromptlyError, toPromptlyError } from '../../core/errors.js';
import { parseFannedOutVisit, type FannedOutVisit } from '../../core/next-visit.js';
import type { Outcome } from '../../core/outcome.js';
import { RECEIVED_HEADER } from '../fanout/work-item.js';
import { processVisitDetector, type VisitDetectorDeps } from './visit-detector-run.js';

/** Lifecycle of a worker process: drained in order on shutdown. */
export type WorkerState = 'CREATED' | 'RUNNING' | 'DRAINING' | 'STOPPED' | 'FAILED';

export interface WorkerOptions {
  /** Queue of visit-detector work items. */
  readonly queue: string;
  /** Items processed at once. */
  readonly slots: number;
  /** The queue's visibility timeout; slots heartbeat at a third of it. */
  readonly ackWaitMs: number;
  /** Told of every outcome this worker recorded (progress display, tests). */
  readonly onOutcome?: (outcome: Outcome) => void;
}

/**
 * A worker process: takes visit-detector items from the work queue, up to `slots` at once,
 * and acks each only after its outcome is recorded. A slot that throws (infrastructure, not
 * science) gives its item back for redelivery; the bus dead-letters it after the max.
 */
export class Worker {
  #state: WorkerState = 'CREATED';
  #subscription: Subscription<Delivery> | undefined;
  #loop: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #stopPulling: (() => void) | undefined;

  constructor(
    private readonly deps: VisitDetectorDeps,
    private readonly options: WorkerOptions,
  ) {
    // Every slot listens on this one signal (waits, subscriptions, commands): many listeners by design.
    setMaxListeners(0, this.#abort.signal);
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Items being processed now. */
  get busySlots(): number {
    return this.#inFlight.size;
  }

  async start(): Promise<void> {
    if (this.#state !== 'CREATED')
      throw new PromptlyError('PROMPTLY_E_INTERNAL', `worker cannot start from ${this.#state}`);
    this.#subscription = await this.deps.bus.consume(this.options.queue, {
      prefetch: this.options.slots,
    });
    this.#state = 'RUNNING';
    this.#loop = this.#pull(this.#subscription).catch((err: unknown) => {
      this.#state = 'FAILED';
      this.deps.status.emit({
        activity: 'worker.failed',
        detail: { message: toPromptlyError(err).message },
      });
    });
  }

  async #pull(subscription: Subscription<Delivery>): Promise<void> {
    const iterator = subscription[Symbol.asyncIterator]();
    const stopped = new Promise<'stop'>((resolve) => (this.#stopPulling = () => resolve('stop')));
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped]);
      if (next === 'stop' || next.done) return;
      const delivery = next.value;
      const task = this.#handle(delivery).finally(() => this.#inFlight.delete(task));
      this.#inFlight.add(task);
    }
  }

  async #handle(delivery: Delivery): Promise<void> {
    let visit: FannedOutVisit;
    try {
      visit = parseFannedOutVisit(decodeJson(delivery.data));
    } catch (err) {
      const error = isPromptlyError(err)
        ? err
        : new PromptlyError('PROMPTLY_E_WORK_ITEM_INVALID', 'work item is not JSON', {
            cause: err,
          });
      this.deps.status.emit({
        activity: 'item.invalid',
        detail: { code: error.code, message: error.message },
      });
      await delivery.term(`${error.code}: ${error.message}`);
      return;
    }
    const heartbeat = setInterval(
      () => {
        delivery.working().catch(() => {});
      },
      Math.max(100, Math.floor(this.options.ackWaitMs / 3)),
    );
    try {
      const received = Number(delivery.headers?.[RECEIVED_HEADER]);
      const outcome = await processVisitDetector(this.deps, {
        visit,
        receivedMs: Number.isFinite(received) ? received : undefined,
        deliveries: delivery.deliveryCount,
        signal: this.#abort.signal,
      });
      await delivery.ack();
      this.options.onOutcome?.(outcome);
    } catch (err) {
      const error = toPromptlyError(err);
      this.deps.status.emit({
        activity: 'slot.crashed',
        instrument: visit.instrument,
        group: visit.groupId,
        detector: visit.detector,
        detail: { code: error.code, message: error.message, deliveries: delivery.deliveryCount },
      });
      await delivery.nak(
        error.code === 'PROMPTLY_E_ABORTED' ? 0 : Math.min(5000, 100 * 2 ** delivery.deliveryCount),
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Stops taking items, lets those in flight finish, then closes. */
  async drain(): Promise<void> {
    if (this.#state === 'STOPPED') return;
    if (this.#state === 'RUNNING') this.#state = 'DRAINING';
    this.#stopPulling?.();
    await this.#loop;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.#subscription?.close();
    await this.deps.pipelineRunner.close();
    this.#state = 'STOPPED';
  }

  /** Aborts work in flight (its items go back to the queue), then drains. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.drain();
  }
}
