import type { Bus, Delivery, Subscription } from '../../bus/bus.js';
import { decodeJson } from '../../bus/codec.js';
import { realNowMs, type Clock } from '../../core/clock.js';
import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import { parseFannedOutVisit } from '../../core/next-visit.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import { RECEIVED_HEADER } from '../fanout/work-item.js';
import type { OutcomeRecorder } from './outcome-recorder.js';

/**
 * Gives every dead-lettered work item its outcome (`failed`, PROMPTLY_E_WORKER_SLOT_CRASHED,
 * with the bus's reason), unless it already has one. Items that do not even decode are
 * reported and acked: there is no visit-detector to record them under.
 */
export class DeadLetterRecorder {
  #subscription: Subscription<Delivery> | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      bus: Bus;
      clock: Clock;
      outcomes: OutcomeRecorder;
      status: StatusEmitter;
    },
  ) {}

  async start(queue: string): Promise<void> {
    const sub = await this.deps.bus.consume(queue, { prefetch: 16 });
    this.#subscription = sub;
    this.#loop = (async () => {
      for await (const delivery of sub) await this.#handle(delivery);
    })();
  }

  async #handle(delivery: Delivery): Promise<void> {
    const reason = delivery.headers?.['promptly-dead-reason'] ?? 'dead-lettered';
    const deliveries = Number(delivery.headers?.['promptly-dead-deliveries'] ?? 0);
    let visit;
    try {
      visit = parseFannedOutVisit(decodeJson(delivery.data));
    } catch (err) {
      this.deps.status.emit({
        activity: 'dead_letter.undecodable',
        detail: { reason, message: (err as Error).message },
      });
      await delivery.ack();
      return;
    }
    const receivedMs = Number(delivery.headers?.[RECEIVED_HEADER]);
    const error = new PromptlyError(
      'PROMPTLY_E_WORKER_SLOT_CRASHED',
      `dead-lettered after ${deliveries} deliveries: ${reason}`,
    );
    try {
      await this.deps.outcomes.record({
        instrument: visit.instrument,
        detector: visit.detector,
        group: visit.groupId,
        kind: 'failed',
        code: error.code,
        reason: error.message,
        snaps: [],
        outputs: [],
        deliveries,
        marks: {
          ...(Number.isFinite(receivedMs) ? { nextVisitReceivedMs: receivedMs } : {}),
          outcomeMs: realNowMs(),
        },
      });
      await delivery.ack();
    } catch (err) {
      if (!isPromptlyError(err)) throw err;
      await delivery.nak(1000);
    }
  }

  async close(): Promise<void> {
    await this.#subscription?.close();
    await this.#loop;
  }
}
