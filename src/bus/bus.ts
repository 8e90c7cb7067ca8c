/**
 * The Bus contract: subjects, durable streams with bounded history, and work queues with
 * explicit ack. Services depend on this interface only; backends (memory/, nats/) wrap
 * their transport behind it and pass `testing/bus-conformance.ts` unchanged.
 *
 * Subjects are dot-separated tokens. Filters may use `*` (exactly one token) and `>`
 * (one or more trailing tokens, last position only), as NATS does; `subject-filter.ts`
 * holds the rules every backend applies (PROMPTLY_E_BUS_SUBJECT_INVALID otherwise).
 *
 * Common to every method: after `close()` it rejects with PROMPTLY_E_BUS_CLOSED; a signal
 * that has already fired rejects with PROMPTLY_E_ABORTED; an unknown stream or queue name
 * rejects with PROMPTLY_E_BUS_NO_STREAM; an invalid stream/queue definition or deliver
 * policy rejects with PROMPTLY_E_BUS_CONFIG_INVALID.
 */

/** A message as it travels: subject, opaque bytes, optional string headers. */
export interface BusMessage {
  readonly subject: string;
  /**
   * The payload. Read-only on both sides: an in-process backend hands every receiver the
   * publisher's own buffer (no copy), so neither the publisher (after publish) nor a
   * receiver may mutate it.
   */
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

/**
 * A message taken from a work queue; it must be settled exactly once. A second settle of
 * the same delivery is a no-op. Settling after the visibility timeout took the delivery
 * back is backend-defined (the memory bus ignores it; the redelivered copy is the live
 * one). Settling after the bus is closed rejects with PROMPTLY_E_BUS_CLOSED.
 */
export interface Delivery extends BusMessage {
  readonly queue: string;
  /** Queue sequence number of the message (stable across redeliveries). */
  readonly seq: number;
  /** 1 on first delivery, incremented on each redelivery. */
  readonly deliveryCount: number;
  /** Done: the message is removed from the queue. */
  ack(): Promise<void>;
  /**
   * Give it back for redelivery after `delayMs` (ms, default 0, must be ≥ 0). The delivery
   * just made counts toward `maxDeliveries`: if it was the last allowed one, the message is
   * dead-lettered now instead.
   */
  nak(delayMs?: number): Promise<void>;
  /** Still working: restart the visibility timeout (a full `ackWaitMs` from now). */
  working(): Promise<void>;
  /**
   * Give up now: the message leaves the queue and is published to the dead-letter subject
   * with `promptly-dead-reason: <reason>`.
   */
  term(reason: string): Promise<void>;
}

/**
 * An active subscription: an async iterable that ends when closed, when its signal fires,
 * when the loop is left (`break` closes it) or when the bus closes. Iterate it once.
 */
export interface Subscription<T> extends AsyncIterable<T> {
  /** Stops delivery; a pending `next()` resolves as done and buffered messages are dropped. Idempotent. */
  close(): Promise<void>;
}

export interface StreamConfig {
  /** Stream name: letters, digits, `-` and `_`. Streams and queues share one namespace. */
  readonly name: string;
  /**
   * Subject filters captured by the stream (non-empty); must not overlap each other nor
   * the subjects of any other stream or queue (PROMPTLY_E_BUS_CONFIG_INVALID).
   */
  readonly subjects: readonly string[];
  /** Keep at most this many messages in all (integer ≥ 1; oldest dropped). Default: no limit. */
  readonly maxMsgs?: number;
  /** Keep at most this many messages per subject (integer ≥ 1; oldest of that subject dropped). Default: no limit. */
  readonly maxMsgsPerSubject?: number;
  /** Drop messages older than this, ms (> 0). Default: no limit. */
  readonly maxAgeMs?: number;
  /**
   * Kept in memory only: a server restart forgets it (telemetry: latest values, heartbeats).
   * Default false (durable). Fixed when the stream is created; a later ensureStream keeps it.
   */
  readonly volatile?: boolean;
}

/**
 * Where a stream reader starts. It then follows live messages until closed, in seq order,
 * with no gap or duplicate between history and live. `last.count` is an integer ≥ 0 (the
 * last n messages passing the reader's filter); `last-per-subject` sends the newest
 * message of each subject (passing the filter) in seq order; `from-seq.seq` is ≥ 1 and
 * may lie in the future. A message dropped by a limit before the reader reaches it is
 * skipped.
 */
export type DeliverPolicy =
  | { readonly kind: 'all' }
  | { readonly kind: 'new' }
  | { readonly kind: 'last'; readonly count: number }
  | { readonly kind: 'last-per-subject' }
  | { readonly kind: 'from-seq'; readonly seq: number };

export interface QueueConfig {
  /** Queue name: letters, digits, `-` and `_`. Streams and queues share one namespace. */
  readonly name: string;
  /** Subject filters whose messages enter the queue; same overlap rule as streams. */
  readonly subjects: readonly string[];
  /** Visibility timeout, ms (> 0): an unsettled delivery is redelivered after this long. */
  readonly ackWaitMs: number;
  /**
   * Deliveries allowed per message (integer ≥ 1): when a message would be delivered a
   * (maxDeliveries+1)-th time (after nak, visibility timeout or consumer close) it is
   * dead-lettered instead, with reason `max-deliveries`.
   */
  readonly maxDeliveries: number;
  /**
   * Concrete subject (no wildcards) where dead letters are published, with the original
   * headers plus `promptly-dead-reason` (the `term` reason or `max-deliveries`),
   * `promptly-dead-deliveries` (deliveries made, decimal) and `promptly-dead-subject`
   * (the original subject). The queue must not capture it itself; a stream may.
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
  /** Deliveries handed out but not yet settled, at most (integer ≥ 1, default 1). */
  readonly prefetch?: number;
  readonly signal?: AbortSignal;
}

/** A command received by a responder; answer it once with `reply`. */
export interface Request extends BusMessage {
  /** Sends the answer to the requester (a second reply is a no-op). */
  reply(data: Uint8Array, headers?: Readonly<Record<string, string>>): Promise<void>;
}

export interface RequestOptions {
  /** How long to wait for the answer, ms (integer 1..600 000). */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
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
  /**
   * When the oldest message not yet acked (waiting or in flight) entered the queue, ms since
   * the Unix epoch; absent when the queue holds none.
   */
  readonly oldestTimeMs?: number;
}

/** Health of a stream, for the bus health view. */
export interface StreamInfo {
  readonly name: string;
  /** Messages stored now. */
  readonly messages: number;
  /** Sequence of the oldest stored message (0 when empty). */
  readonly firstSeq: number;
  /** Highest sequence ever assigned (0 before the first message). */
  readonly lastSeq: number;
  /** When the oldest stored message was stored, ms since the Unix epoch; absent when empty. */
  readonly oldestTimeMs?: number;
}

export interface Bus {
  /**
   * Publishes to every live subscriber whose filter matches, and stores the message in the
   * stream or queue that captures its subject. Resolves once stored (durable for
   * distributed backends); volatile subjects resolve once handed to the transport.
   */
  publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<void>;
  /**
   * Live, volatile subscription. Active when the promise resolves: nothing published after
   * is missed. Messages a slow reader has not taken yet are buffered (the memory bus
   * buffers without bound), never pushed back on the publisher.
   */
  subscribe(filter: string, options?: SubscribeOptions): Promise<Subscription<BusMessage>>;
  /** Creates the stream, or updates its subjects and limits (tightened limits apply at once); idempotent. */
  ensureStream(config: StreamConfig): Promise<void>;
  /** Reads history per `deliver`, then follows live messages, in order. Never blocks on history. */
  readStream(stream: string, options: ReadStreamOptions): Promise<Subscription<StreamMessage>>;
  /** Creates the queue, or updates its settings; idempotent. */
  ensureQueue(config: QueueConfig): Promise<void>;
  /**
   * Competing consumer: each message goes to one consumer at a time; messages published
   * before any consumer exists wait. Closing the consumer gives its unsettled deliveries
   * back for redelivery at once (each counted as a delivery made).
   */
  consume(queue: string, options?: ConsumeOptions): Promise<Subscription<Delivery>>;
  queueInfo(queue: string): Promise<QueueInfo>;
  /** What a stream holds now. A queue's name is not a stream's: PROMPTLY_E_BUS_NO_STREAM. */
  streamInfo(stream: string): Promise<StreamInfo>;
  /**
   * Command: sends `data` to ONE responder serving `subject` (a concrete subject) and resolves
   * with its answer. No responder: PROMPTLY_E_BUS_NO_RESPONDER at once; no answer within
   * `timeoutMs`: PROMPTLY_E_BUS_TIMEOUT. Volatile: nothing is stored.
   */
  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage>;
  /**
   * Serves commands on `subject` (a concrete subject). Several responders may serve one
   * subject, in this process or others: each command goes to exactly one of them.
   */
  serve(subject: string, options?: SubscribeOptions): Promise<Subscription<Request>>;
  /**
   * Closes every subscription and clears every timer; later calls fail with
   * PROMPTLY_E_BUS_CLOSED. Idempotent: closing again resolves.
   */
  close(): Promise<void>;
}
