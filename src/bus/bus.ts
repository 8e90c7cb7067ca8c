/**
 * The Bus contract: subjects, durable streams with bounded history, and work queues with
 * explicit ack. Services depend on this interface only; backends (memory/, nats/) wrap
 * their transport behind it and pass `testing/bus-conformance.ts` unchanged.
 *
 * Subjects are dot-separated tokens. Filters may use `*` (exactly one token) and `>`
 * (one or more trailing tokens, last position only), as NATS does.
 */

/** A message as it travels: subject, opaque bytes, optional string headers. */
export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A message read back from a durable stream. */
export interface StreamMessage extends BusMessage {
  readonly stream: string;
  /** Stream sequence number, from 1, increasing in publish order. */
  readonly seq: number;
  /** When the stream stored it, ms since the Unix epoch. */
  readonly timeMs: number;
}

/** A message taken from a work queue; it must be settled exactly once. */
export interface Delivery extends BusMessage {
  readonly queue: string;
  /** Queue sequence number of the message (stable across redeliveries). */
  readonly seq: number;
  /** 1 on first delivery, incremented on each redelivery. */
  readonly deliveryCount: number;
  /** Done: the message is removed from the queue. */
  ack(): Promise<void>;
  /** Give it back for redelivery after `delayMs` (default 0). Counts as a delivery. */
  nak(delayMs?: number): Promise<void>;
  /** Still working: restart the visibility timeout. */
  working(): Promise<void>;
  /** Give up now: the message goes to the dead-letter subject with `reason`. */
  term(reason: string): Promise<void>;
}

/** An active subscription: an async iterable that ends when closed or its signal fires. */
export interface Subscription<T> extends AsyncIterable<T> {
  /** Stops delivery; pending iteration ends. Idempotent. */
  close(): Promise<void>;
}

export interface StreamConfig {
  /** Stream name: letters, digits, `-` and `_`. */
  readonly name: string;
  /** Subject filters captured by the stream; must not overlap other streams or queues. */
  readonly subjects: readonly string[];
  /** Keep at most this many messages in all (oldest dropped). */
  readonly maxMsgs?: number;
  /** Keep at most this many messages per subject (oldest of that subject dropped). */
  readonly maxMsgsPerSubject?: number;
  /** Drop messages older than this. */
  readonly maxAgeMs?: number;
}

/** Where a stream reader starts. It then follows live messages until closed. */
export type DeliverPolicy =
  | { readonly kind: 'all' }
  | { readonly kind: 'new' }
  | { readonly kind: 'last'; readonly count: number }
  | { readonly kind: 'last-per-subject' }
  | { readonly kind: 'from-seq'; readonly seq: number };

export interface QueueConfig {
  /** Queue name: letters, digits, `-` and `_`. */
  readonly name: string;
  /** Subject filters whose messages enter the queue. */
  readonly subjects: readonly string[];
  /** Visibility timeout: an unsettled delivery is redelivered after this long. */
  readonly ackWaitMs: number;
  /** After this many deliveries, the message is dead-lettered instead of redelivered. */
  readonly maxDeliveries: number;
  /**
   * Where dead letters are published, with headers `promptly-dead-reason`,
   * `promptly-dead-deliveries` and `promptly-dead-subject`.
   */
  readonly deadLetterSubject: string;
}

export interface PublishOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface SubscribeOptions {
  readonly signal?: AbortSignal;
}

export interface ReadStreamOptions {
  readonly deliver: DeliverPolicy;
  /** Only messages whose subject matches this filter. */
  readonly filter?: string;
  readonly signal?: AbortSignal;
}

export interface ConsumeOptions {
  /** Deliveries handed out but not yet settled, at most (default 1). */
  readonly prefetch?: number;
  readonly signal?: AbortSignal;
}

/** Health of a queue, for the bus health view. */
export interface QueueInfo {
  readonly name: string;
  /** Messages waiting, not yet delivered. */
  readonly pending: number;
  /** Delivered and not yet settled. */
  readonly inFlight: number;
  readonly consumers: number;
}

export interface Bus {
  /**
   * Publishes to every live subscriber whose filter matches, and stores the message in the
   * stream or queue that captures its subject. Resolves once stored (durable for
   * distributed backends); volatile subjects resolve once handed to the transport.
   */
  publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<void>;
  /** Live, volatile subscription. Active when the promise resolves: nothing published after is missed. */
  subscribe(filter: string, options?: SubscribeOptions): Promise<Subscription<BusMessage>>;
  /** Creates the stream, or updates its limits; idempotent. */
  ensureStream(config: StreamConfig): Promise<void>;
  /** Reads history per `deliver`, then follows live messages, in order. Never blocks on history. */
  readStream(stream: string, options: ReadStreamOptions): Promise<Subscription<StreamMessage>>;
  /** Creates the queue; idempotent. */
  ensureQueue(config: QueueConfig): Promise<void>;
  /** Competing consumer: each message goes to one consumer at a time. */
  consume(queue: string, options?: ConsumeOptions): Promise<Subscription<Delivery>>;
  queueInfo(queue: string): Promise<QueueInfo>;
  /** Closes every subscription; later calls fail with PROMPTLY_E_BUS_CLOSED. */
  close(): Promise<void>;
}
