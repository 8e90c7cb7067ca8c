import type { Delivery, QueueConfig, QueueInfo } from '../bus.js';
import { PromptlyError } from '../../core/errors.js';
import { Channel } from '../channel.js';
import { Deque } from './deque.js';

/** Dead-letter reason used when a message runs out of deliveries. */
export const DEAD_REASON_MAX_DELIVERIES = 'max-deliveries';

/** Publishes a dead letter (synchronously routed by the owning bus). */
export type DeadLetterSink = (
  subject: string,
  data: Uint8Array,
  headers: Readonly<Record<string, string>>,
) => void;

type EntryState = 'ready' | 'delayed' | 'inflight';

interface Entry {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** When it entered the queue, ms since the Unix epoch. */
  readonly timeMs: number;
  deliveryCount: number;
  state: EntryState;
  consumer: Consumer | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Identifies the current delivery; a settle carrying another token is stale. */
  token: number;
}

interface Consumer {
  readonly channel: Channel<Delivery>;
  readonly prefetch: number;
  readonly unsettled: Set<Entry>;
  closed: boolean;
}

type SettleOp = 'ack' | 'nak' | 'working' | 'term';

/**
 * One work queue of the memory bus: competing consumers, explicit settlement, visibility
 * timeout, delayed nak, max deliveries and dead letters.
 *
 * Dispatch is push-based and synchronous: when a message is enqueued or a consumer gains
 * capacity (`prefetch` minus unsettled), the message is handed to the consumer's channel at
 * once, resolving a waiting `next()` directly. Consumers with capacity rotate in a FIFO set,
 * so work is spread round-robin in O(1) per message. Redeliveries go before fresh messages.
 * Each in-flight delivery owns one timer (visibility timeout, `refresh()`ed by `working()`);
 * each delayed nak owns one; `close()` clears them all.
 */
export class WorkQueue {
  config: QueueConfig;
  private nextSeq = 1;
  private nextToken = 1;
  private readonly fresh = new Deque<Entry>();
  private readonly redeliver = new Deque<Entry>();
  /** Entries not yet acked or dead-lettered, by seq (owns their timers). */
  private readonly entries = new Map<number, Entry>();
  private delayed = 0;
  private inFlight = 0;
  private readonly consumers = new Set<Consumer>();
  /** Consumers with spare capacity, in rotation order. */
  private readonly ready = new Set<Consumer>();
  private closed = false;

  constructor(
    config: QueueConfig,
    private readonly deadLetter: DeadLetterSink,
    private readonly now: () => number = Date.now,
  ) {
    this.config = config;
  }

  /** Adds a message; it waits until a consumer has capacity. */
  enqueue(
    subject: string,
    data: Uint8Array,
    headers: Readonly<Record<string, string>> | undefined,
  ): void {
    const entry: Entry = {
      seq: this.nextSeq++,
      subject,
      data,
      headers,
      timeMs: this.now(),
      deliveryCount: 0,
      state: 'ready',
      consumer: undefined,
      timer: undefined,
      token: 0,
    };
    this.entries.set(entry.seq, entry);
    this.fresh.push(entry);
    this.dispatch();
  }

  /** Opens a competing consumer holding at most `prefetch` unsettled deliveries. */
  consume(prefetch: number, signal: AbortSignal | undefined): Channel<Delivery> {
    const consumer: Consumer = {
      channel: new Channel<Delivery>(() => this.closeConsumer(consumer), signal),
      prefetch,
      unsettled: new Set(),
      closed: false,
    };
    this.consumers.add(consumer);
    this.ready.add(consumer);
    this.dispatch();
    return consumer.channel;
  }

  info(): QueueInfo {
    // Entries are kept in enqueue order and leave on ack or dead letter: the first is the oldest.
    const oldest = this.entries.values().next();
    return {
      name: this.config.name,
      pending: this.fresh.length + this.redeliver.length + this.delayed,
      inFlight: this.inFlight,
      consumers: this.consumers.size,
      ...(oldest.done === true ? {} : { oldestTimeMs: oldest.value.timeMs }),
    };
  }

  /** Ends every consumer and clears every timer; unsettled work is dropped with the bus. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.entries.values()) {
      if (e.timer !== undefined) clearTimeout(e.timer);
      e.timer = undefined;
      e.token = 0;
    }
    this.entries.clear();
    this.fresh.clear();
    this.redeliver.clear();
    this.ready.clear();
    for (const c of [...this.consumers]) c.channel.end();
    this.consumers.clear();
  }

  private dispatch(): void {
    while (this.ready.size > 0) {
      const entry = this.redeliver.shift() ?? this.fresh.shift();
      if (entry === undefined) return;
      if (entry.deliveryCount >= this.config.maxDeliveries) {
        // Possible only when maxDeliveries was lowered by ensureQueue.
        this.kill(entry, DEAD_REASON_MAX_DELIVERIES);
        continue;
      }
      const consumer = this.ready.values().next().value as Consumer;
      this.ready.delete(consumer);
      if (consumer.unsettled.size + 1 < consumer.prefetch) this.ready.add(consumer);
      this.deliver(entry, consumer);
    }
  }

  private deliver(entry: Entry, consumer: Consumer): void {
    entry.deliveryCount++;
    entry.state = 'inflight';
    entry.consumer = consumer;
    const token = this.nextToken++;
    entry.token = token;
    entry.timer = setTimeout(() => this.onAckWait(entry, token), this.config.ackWaitMs);
    consumer.unsettled.add(entry);
    this.inFlight++;
    consumer.channel.push(new QueueDelivery(this, this.config.name, entry, token));
  }

  private onAckWait(entry: Entry, token: number): void {
    if (entry.token !== token || entry.state !== 'inflight') return;
    entry.timer = undefined;
    this.takeBack(entry);
    this.requeue(entry, 0);
    this.dispatch();
  }

  /** Ends the current delivery of an in-flight entry and frees its consumer's slot. */
  private takeBack(entry: Entry): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.token = 0;
    entry.state = 'ready';
    const c = entry.consumer;
    entry.consumer = undefined;
    this.inFlight--;
    if (c === undefined) return;
    c.unsettled.delete(entry);
    if (!c.closed && c.unsettled.size < c.prefetch) this.ready.add(c);
  }

  /** Puts a taken-back entry up for redelivery, or dead-letters it when out of deliveries. */
  private requeue(entry: Entry, delayMs: number): void {
    if (entry.deliveryCount >= this.config.maxDeliveries) {
      this.kill(entry, DEAD_REASON_MAX_DELIVERIES);
      return;
    }
    if (delayMs > 0) {
      entry.state = 'delayed';
      this.delayed++;
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        this.delayed--;
        entry.state = 'ready';
        this.redeliver.push(entry);
        this.dispatch();
      }, delayMs);
      return;
    }
    entry.state = 'ready';
    this.redeliver.push(entry);
  }

  private kill(entry: Entry, reason: string): void {
    this.entries.delete(entry.seq);
    this.deadLetter(this.config.deadLetterSubject, entry.data, {
      ...entry.headers,
      'promptly-dead-reason': reason,
      'promptly-dead-deliveries': String(entry.deliveryCount),
      'promptly-dead-subject': entry.subject,
    });
  }

  private closeConsumer(consumer: Consumer): void {
    consumer.closed = true;
    this.consumers.delete(consumer);
    this.ready.delete(consumer);
    consumer.channel.drain();
    if (this.closed) return;
    // Unsettled deliveries go back at once; each counts as a delivery made.
    for (const entry of [...consumer.unsettled]) {
      this.takeBack(entry);
      this.requeue(entry, 0);
    }
    this.dispatch();
  }

  /** @internal Settles delivery `token` of `entry`; stale or repeated settles do nothing. */
  settle(entry: Entry, token: number, op: SettleOp, arg?: number | string): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new PromptlyError('PROMPTLY_E_BUS_CLOSED', `queue ${this.config.name}: bus is closed`),
      );
    }
    if (entry.token !== token || entry.state !== 'inflight') return Promise.resolve();
    switch (op) {
      case 'working':
        entry.timer?.refresh();
        return Promise.resolve();
      case 'ack':
        this.takeBack(entry);
        this.entries.delete(entry.seq);
        break;
      case 'nak':
        this.takeBack(entry);
        this.requeue(entry, typeof arg === 'number' ? arg : 0);
        break;
      case 'term':
        this.takeBack(entry);
        this.kill(entry, typeof arg === 'string' && arg !== '' ? arg : 'term');
        break;
    }
    this.dispatch();
    return Promise.resolve();
  }
}

/** One delivery attempt of a queue message. */
class QueueDelivery implements Delivery {
  readonly queue: string;
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly deliveryCount: number;
  readonly #owner: WorkQueue;
  readonly #entry: Entry;
  readonly #token: number;

  constructor(owner: WorkQueue, queue: string, entry: Entry, token: number) {
    this.queue = queue;
    this.seq = entry.seq;
    this.subject = entry.subject;
    this.data = entry.data;
    if (entry.headers !== undefined) this.headers = entry.headers;
    this.deliveryCount = entry.deliveryCount;
    this.#owner = owner;
    this.#entry = entry;
    this.#token = token;
  }

  ack(): Promise<void> {
    return this.#owner.settle(this.#entry, this.#token, 'ack');
  }

  nak(delayMs = 0): Promise<void> {
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      return Promise.reject(
        new PromptlyError(
          'PROMPTLY_E_BUS_CONFIG_INVALID',
          `nak delayMs must be ≥ 0, got ${delayMs}`,
        ),
      );
    }
    return this.#owner.settle(this.#entry, this.#token, 'nak', delayMs);
  }

  working(): Promise<void> {
    return this.#owner.settle(this.#entry, this.#token, 'working');
  }

  term(reason: string): Promise<void> {
    return this.#owner.settle(this.#entry, this.#token, 'term', reason);
  }
}
