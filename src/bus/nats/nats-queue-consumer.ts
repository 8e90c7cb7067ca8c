import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { sleepReal } from '../../core/clock.js';
import { PromptlyError } from '../../core/errors.js';
import type { Delivery } from '../bus.js';
import { Channel } from '../channel.js';
import { fromNatsHeaders } from './nats-headers.js';

/** What a queue consumer needs from its bus. */
export interface QueueConsumerDeps {
  readonly queue: string;
  readonly consumer: Consumer;
  readonly prefetch: number;
  readonly maxDeliveries: number;
  /** The queue's visibility timeout: a delivery not settled or extended by then is taken back. */
  readonly ackWaitMs: number;
  /** Records the unsettled deliveries held (for queueInfo); resolves once stored. */
  report(inFlight: number): Promise<void>;
  /** Publishes the dead letter of stream message `seq` and removes it from the queue. */
  deadLetter(seq: number, reason: string, deliveries: number): Promise<void>;
  /** Runs work that outlives the consumer (the bus waits for it before closing). */
  background(work: Promise<void>): void;
  /** Throws PROMPTLY_E_BUS_CLOSED once the bus is closed. */
  checkOpen(): void;
  readonly signal?: AbortSignal;
  onClose(): void;
}

/** How long one pull request waits for messages before the next, ms. */
const PULL_EXPIRES_MS = 2_000;

/**
 * A competing consumer on a JetStream work queue, honouring `prefetch` exactly: it pulls only
 * as many messages as it has free slots (deliveries handed out and not yet settled count),
 * so it never holds more, and another consumer gets the rest. Closing gives every unsettled
 * delivery back at once (nak). Pull errors (a reconnecting server) are retried.
 */
export function startQueueConsumer(deps: QueueConsumerDeps): Channel<Delivery> {
  /** Unsettled deliveries and the timer that takes each back after ackWaitMs. */
  const unsettled = new Map<JsMsg, ReturnType<typeof setTimeout>>();
  const takeBackLater = (m: JsMsg): ReturnType<typeof setTimeout> =>
    setTimeout(() => {
      // The server redelivers it now; the slot is free for that (or another) message.
      if (unsettled.delete(m)) {
        freed();
        void deps.report(unsettled.size);
      }
    }, deps.ackWaitMs);
  let wake: (() => void) | undefined;
  const freed = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const stop = new AbortController();
  let pulling: { stop(): void } | undefined;
  const channel = new Channel<Delivery>(() => {
    stop.abort();
    pulling?.stop();
    for (const [m, timer] of unsettled) {
      clearTimeout(timer);
      if (m.info.deliveryCount >= deps.maxDeliveries) {
        // Its last allowed delivery: dead-letter it here, as no advisory may reach anyone.
        const seq = m.info.streamSequence;
        deps.background(
          deps.deadLetter(seq, 'max-deliveries', m.info.deliveryCount).then(() => m.term()),
        );
      } else m.nak();
    }
    unsettled.clear();
    void deps.report(0);
    freed();
    deps.onClose();
  }, deps.signal);

  const settle = async (m: JsMsg, act: () => void | Promise<void>): Promise<void> => {
    deps.checkOpen();
    const timer = unsettled.get(m);
    if (timer === undefined) return; // settled already, or taken back
    clearTimeout(timer);
    unsettled.delete(m);
    await act();
    await deps.report(unsettled.size);
    freed();
  };

  const delivery = (m: JsMsg): Delivery => {
    const headers = fromNatsHeaders(m.headers);
    const deliveryCount = m.info.deliveryCount;
    return {
      subject: m.subject,
      data: m.data,
      ...(headers ? { headers } : {}),
      queue: deps.queue,
      seq: m.info.streamSequence,
      deliveryCount,
      ack: () => settle(m, () => m.ack()),
      nak: (delayMs = 0) => {
        if (!(delayMs >= 0))
          return Promise.reject(
            new PromptlyError(
              'PROMPTLY_E_BUS_CONFIG_INVALID',
              `nak delay must be ≥ 0, got ${delayMs}`,
            ),
          );
        return settle(m, async () => {
          if (deliveryCount >= deps.maxDeliveries) {
            // The last allowed delivery: dead-letter now rather than wait for the server.
            await deps.deadLetter(m.info.streamSequence, 'max-deliveries', deliveryCount);
            m.term('max-deliveries');
          } else m.nak(delayMs);
        });
      },
      working: () => {
        deps.checkOpen();
        const timer = unsettled.get(m);
        if (timer !== undefined) {
          clearTimeout(timer);
          unsettled.set(m, takeBackLater(m));
          m.working();
        }
        return Promise.resolve();
      },
      term: (reason) =>
        settle(m, async () => {
          await deps.deadLetter(m.info.streamSequence, reason, deliveryCount);
          m.term(reason);
        }),
    };
  };

  void (async () => {
    while (!stop.signal.aborted) {
      const free = deps.prefetch - unsettled.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      try {
        const batch = await deps.consumer.fetch({ max_messages: free, expires: PULL_EXPIRES_MS });
        pulling = batch;
        for await (const m of batch) {
          if (stop.signal.aborted) {
            m.nak();
            continue;
          }
          unsettled.set(m, takeBackLater(m));
          void deps.report(unsettled.size); // queueInfo waits for it; a delivery does not
          channel.push(delivery(m));
        }
      } catch {
        if (stop.signal.aborted) break;
        await sleepReal(250, stop.signal).catch(() => undefined);
      }
    }
  })();
  return channel;
}
