import {
  AckPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig as JsStreamConfig,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import type {
  Bus,
  BusMessage,
  ConsumeOptions,
  Delivery,
  PublishOptions,
  QueueConfig,
  QueueInfo,
  ReadStreamOptions,
  Request,
  RequestOptions,
  StreamConfig,
  StreamInfo,
  StreamMessage,
  SubscribeOptions,
  Subscription,
} from '../bus.js';
import { Channel } from '../channel.js';
import {
  resolvePrefetch,
  validateDeliverPolicy,
  validateQueueConfig,
  validateStreamConfig,
} from '../config-validation.js';
import {
  filtersOverlap,
  subjectMatches,
  validateFilter,
  validateSubject,
} from '../subject-filter.js';
import { validateRequest } from '../request-options.js';
import { ConsumerRegistry } from './consumer-registry.js';
import { natsRequest, natsServe } from './nats-commands.js';
import { isNotFound, natsError } from './nats-errors.js';
import { fromNatsHeaders, toNatsHeaders } from './nats-headers.js';
import { natsQueueInfo, natsStreamInfo, queueMetaOf, type QueueMeta } from './nats-info.js';
import { startQueueConsumer } from './nats-queue-consumer.js';
import { openStreamReader } from './nats-stream-reader.js';

export interface NatsBusOptions {
  /** NATS server URLs, e.g. `nats://127.0.0.1:4222`. */
  readonly servers: readonly string[];
  /** Connection name the server shows (monitoring). Default `promptly`. */
  readonly name?: string;
  /** Replicas of the streams this bus creates (1, 3 or 5). Default 1. */
  readonly streamReplicas?: number;
}

/** Header that makes JetStream drop a repeated publish (within its duplicate window). */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

/** What promptly keeps in a work-queue stream's description. */
const ms = (n: number): number => Math.round(n * 1_000_000); // → nanoseconds

/**
 * Connects and returns the Bus on NATS JetStream. The connection reconnects forever; calls
 * made while it is away fail with PROMPTLY_E_BUS_UNAVAILABLE (the caller's retry decides),
 * subscriptions and consumers resume when it is back. A refused durable publish may still be
 * stored once the server is back (it waited in the client's buffer): a publisher that
 * retries and must not store twice sets a `Nats-Msg-Id` header, which JetStream dedupes
 * within two minutes. Volatile publishes during an outage are buffered, not refused.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<Bus> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: [...options.servers],
      name: options.name ?? 'promptly',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (err) {
    throw new PromptlyError('PROMPTLY_E_BUS_UNAVAILABLE', `NATS unreachable: ${String(err)}`, {
      cause: err,
    });
  }
  try {
    const jsm = await jetstreamManager(nc);
    const registry = await ConsumerRegistry.open(nc, jsm);
    const bus = new NatsBus(nc, jetstream(nc), jsm, registry, options.streamReplicas ?? 1);
    await bus.loadCaptures();
    await bus.followStreamChanges();
    return bus;
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw natsError(err, 'open JetStream');
  }
}

/**
 * The Bus on NATS JetStream. Streams are JetStream streams (limits retention); a queue is a
 * work-queue stream with one durable pull consumer of the same name (explicit ack,
 * `ack_wait`, `max_deliver`), its dead-letter subject kept in the stream's description so
 * every process consuming it knows where dead letters go. A message is dead-lettered by
 * whoever sees it die (the server's max-deliveries advisory, a last nak, a term): it is
 * republished with a `Nats-Msg-Id` derived from its stream and sequence, so JetStream keeps
 * one copy however many processes saw it, then deleted from the queue. Publishes to a subject
 * some stream captures wait for JetStream's acknowledgement (durable); others are core NATS.
 */
class NatsBus implements Bus {
  /** Stream name → its subject filters, for streams this process knows of. */
  readonly #captures = new Map<string, readonly string[]>();
  readonly #queues = new Map<string, { deadLetterSubject: string; maxDeliveries: number }>();
  readonly #subs = new Set<Channel<unknown>>();
  /** In-flight counts this process's consumers are storing (queueInfo waits for them). */
  readonly #reports = new Set<Promise<void>>();
  /** Dead-lettering started by closing consumers; `close()` waits for it before draining. */
  readonly #background = new Set<Promise<void>>();
  #streamChanges: { unsubscribe(): void } | undefined;
  #closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly registry: ConsumerRegistry,
    private readonly replicas: number,
  ) {}

  /** Learns the streams on the server, so publishes to their subjects are stored. */
  async loadCaptures(): Promise<void> {
    for await (const si of this.jsm.streams.list()) {
      this.#captures.set(si.config.name, si.config.subjects ?? []);
    }
  }

  /**
   * Keeps the capture map current when other processes create, update or delete streams (the
   * server's stream action advisories), so a publish to a subject captured by a stream made
   * elsewhere after this bus connected waits for JetStream's acknowledgement. The map is
   * eventually consistent: a publish racing the advisory goes out as core NATS (still stored
   * by the stream, but not acknowledged); dead letters look the subject up on a miss.
   */
  async followStreamChanges(): Promise<void> {
    const sub = this.nc.subscribe('$JS.EVENT.ADVISORY.STREAM.*.*');
    this.#streamChanges = sub;
    void (async () => {
      for await (const m of sub) {
        const [, , , , action, name] = m.subject.split('.');
        if (name === undefined) continue;
        if (action === 'DELETED') this.#captures.delete(name);
        else if (action === 'CREATED' || action === 'UPDATED')
          await this.#learnStream(name).catch(() => undefined);
      }
    })();
    await this.nc.flush();
  }

  async #learnStream(name: string): Promise<void> {
    const si = await this.jsm.streams.info(name);
    this.#captures.set(name, si.config.subjects ?? []);
  }

  /** Whether a stream captures `subject`, asking the server when the local map says no. */
  async #capturedNow(subject: string): Promise<boolean> {
    if (this.#captured(subject)) return true;
    try {
      await this.#learnStream(await this.jsm.streams.find(subject));
      return true;
    } catch (err) {
      if (isNotFound(err) || /no stream matches/i.test(String(err))) return false;
      throw err;
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new PromptlyError('PROMPTLY_E_BUS_CLOSED', 'the bus is closed');
  }

  #captured(subject: string): boolean {
    for (const filters of this.#captures.values())
      for (const f of filters) if (subjectMatches(f, subject)) return true;
    return false;
  }

  async publish(subject: string, data: Uint8Array, options: PublishOptions = {}): Promise<void> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    validateSubject(subject);
    await this.#publish(subject, data, options);
  }

  /** Publish without the open check: dead letters of a closing consumer still go out. */
  async #publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<void> {
    const msgID = options.headers?.[MSG_ID_HEADER];
    const headers = toNatsHeaders(
      Object.fromEntries(
        Object.entries(options.headers ?? {}).filter(([k]) => k !== MSG_ID_HEADER),
      ),
    );
    try {
      if (this.#captured(subject)) {
        await this.js.publish(subject, data, {
          ...(headers ? { headers } : {}),
          ...(msgID ? { msgID } : {}),
        });
      } else {
        this.nc.publish(subject, data, headers ? { headers } : {});
      }
    } catch (err) {
      throw natsError(err, `publish ${subject}`);
    }
  }

  async subscribe(
    filter: string,
    options: SubscribeOptions = {},
  ): Promise<Subscription<BusMessage>> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    validateFilter(filter);
    const sub = this.nc.subscribe(filter);
    const channel: Channel<BusMessage> = new Channel(() => {
      sub.unsubscribe();
      this.#subs.delete(channel as Channel<unknown>);
    }, options.signal);
    this.#subs.add(channel as Channel<unknown>);
    void (async () => {
      for await (const m of sub) {
        const headers = fromNatsHeaders(m.headers);
        channel.push({ subject: m.subject, data: m.data, ...(headers ? { headers } : {}) });
      }
    })();
    await this.nc.flush().catch(() => undefined); // the server knows the interest on return
    return channel;
  }

  async ensureStream(config: StreamConfig): Promise<void> {
    this.#checkOpen();
    validateStreamConfig(config);
    await this.#ensure(config.name, config.subjects, {
      retention: RetentionPolicy.Limits,
      max_msgs: config.maxMsgs ?? -1,
      max_msgs_per_subject: config.maxMsgsPerSubject ?? -1,
      max_age: config.maxAgeMs === undefined ? 0 : ms(config.maxAgeMs),
      ...(config.volatile === true ? { storage: StorageType.Memory } : {}),
    });
  }

  async ensureQueue(config: QueueConfig): Promise<void> {
    this.#checkOpen();
    validateQueueConfig(config);
    const meta: QueueMeta = { promptly: 'queue', deadLetterSubject: config.deadLetterSubject };
    await this.#ensure(config.name, config.subjects, {
      retention: RetentionPolicy.Workqueue,
      description: JSON.stringify(meta),
    });
    const consumer = {
      durable_name: config.name,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ms(config.ackWaitMs),
      max_deliver: config.maxDeliveries,
      max_ack_pending: 100_000,
    };
    try {
      try {
        await this.jsm.consumers.info(config.name, config.name);
        await this.jsm.consumers.update(config.name, config.name, {
          ack_wait: consumer.ack_wait,
          max_deliver: consumer.max_deliver,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await this.jsm.consumers.add(config.name, consumer);
      }
    } catch (err) {
      throw natsError(err, `queue ${config.name}`);
    }
    this.#queues.set(config.name, {
      deadLetterSubject: config.deadLetterSubject,
      maxDeliveries: config.maxDeliveries,
    });
  }

  /** Creates or updates stream `name`; a subject another stream captures is refused. */
  async #ensure(
    name: string,
    subjects: readonly string[],
    rest: Partial<JsStreamConfig>,
  ): Promise<void> {
    for (const [other, filters] of this.#captures) {
      if (other === name) continue;
      for (const f of filters)
        for (const s of subjects)
          if (filtersOverlap(f, s))
            throw new PromptlyError(
              'PROMPTLY_E_BUS_CONFIG_INVALID',
              `${name}: subject ${s} overlaps ${f} of ${other}`,
            );
    }
    const config = {
      name,
      subjects: [...subjects],
      storage: StorageType.File,
      num_replicas: this.replicas,
      ...rest,
      duplicate_window:
        rest.max_age !== undefined && rest.max_age > 0
          ? Math.min(ms(120_000), rest.max_age)
          : ms(120_000),
    } satisfies Partial<JsStreamConfig>;
    try {
      let existing;
      try {
        existing = await this.jsm.streams.info(name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (existing === undefined) {
        await this.jsm.streams.add(config);
      } else {
        if (
          (existing.config.retention === RetentionPolicy.Workqueue) !==
          (rest.retention === RetentionPolicy.Workqueue)
        )
          throw new PromptlyError(
            'PROMPTLY_E_BUS_CONFIG_INVALID',
            `${name} exists as a ${existing.config.retention === RetentionPolicy.Workqueue ? 'queue' : 'stream'}`,
          );
        const { storage: _storage, name: _name, retention: _retention, ...update } = config;
        await this.jsm.streams.update(name, { ...existing.config, ...update });
      }
    } catch (err) {
      throw natsError(err, `stream ${name}`);
    }
    this.#captures.set(name, [...subjects]);
  }

  async readStream(
    stream: string,
    options: ReadStreamOptions,
  ): Promise<Subscription<StreamMessage>> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    validateDeliverPolicy(options.deliver);
    if (options.filter !== undefined) validateFilter(options.filter);
    const channel = await openStreamReader(this.jsm, this.js, stream, options, (c) =>
      this.#subs.delete(c as Channel<unknown>),
    );
    this.#subs.add(channel as Channel<unknown>);
    return channel;
  }

  async #queueMeta(queue: string): Promise<{ deadLetterSubject: string; maxDeliveries: number }> {
    const known = this.#queues.get(queue);
    if (known) return known;
    try {
      const si = await this.jsm.streams.info(queue);
      const ci = await this.jsm.consumers.info(queue, queue);
      const meta = queueMetaOf(si);
      if (meta === undefined)
        throw new PromptlyError('PROMPTLY_E_BUS_NO_STREAM', `${queue} is not a promptly queue`);
      const found = {
        deadLetterSubject: meta.deadLetterSubject,
        maxDeliveries: ci.config.max_deliver ?? 1,
      };
      this.#queues.set(queue, found);
      return found;
    } catch (err) {
      throw natsError(err, `queue ${queue}`);
    }
  }

  /** Publishes stream message `seq` of `queue` as a dead letter (once), then deletes it. */
  async #deadLetter(queue: string, seq: number, reason: string, deliveries: number): Promise<void> {
    const meta = await this.#queueMeta(queue);
    let stored;
    try {
      stored = await this.jsm.streams.getMessage(queue, { seq });
    } catch (err) {
      if (isNotFound(err)) return; // another process dead-lettered it already
      throw natsError(err, `dead letter ${queue}#${seq}`);
    }
    if (!stored) return;
    const original = fromNatsHeaders(stored.header) ?? {};
    const headers = {
      ...original,
      'promptly-dead-reason': reason,
      'promptly-dead-deliveries': String(deliveries),
      'promptly-dead-subject': stored.subject,
    };
    const durable = await this.#capturedNow(meta.deadLetterSubject).catch((err: unknown) => {
      throw natsError(err, `dead letter ${queue}#${seq}`);
    });
    if (durable) {
      // Stored first, removed after: a crash in between leaves the message to die again, and
      // the id (same for every process) makes JetStream keep one dead letter.
      await this.#publish(meta.deadLetterSubject, stored.data, {
        headers: { ...headers, [MSG_ID_HEADER]: `dead:${queue}:${seq}` },
      });
      await this.jsm.streams.deleteMessage(queue, seq, false).catch(() => undefined);
    } else {
      // Volatile dead letter: whoever deletes the message publishes it, so only one process does.
      const claimed = await this.jsm.streams.deleteMessage(queue, seq, false).catch(() => false);
      if (claimed) await this.#publish(meta.deadLetterSubject, stored.data, { headers });
    }
  }

  async consume(queue: string, options: ConsumeOptions = {}): Promise<Subscription<Delivery>> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    const prefetch = resolvePrefetch(options);
    const meta = await this.#queueMeta(queue);
    const consumer = await this.js.consumers.get(queue, queue).catch((err: unknown) => {
      throw natsError(err, `queue ${queue}`);
    });
    const registration = await this.registry.register(queue);
    const ackWaitMs = await this.#ackWaitMs(queue);
    // The server announces a message it will not deliver again; whoever hears it dead-letters.
    const advisories = this.nc.subscribe(
      `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${queue}.${queue}`,
    );
    void (async () => {
      for await (const a of advisories) {
        try {
          const { stream_seq, deliveries } = JSON.parse(new TextDecoder().decode(a.data)) as {
            stream_seq: number;
            deliveries: number;
          };
          await this.#deadLetter(queue, stream_seq, 'max-deliveries', deliveries);
        } catch {
          // A bad advisory or a bus going away: the next consumer's advisory or a redelivery retries.
        }
      }
    })();
    const channel = startQueueConsumer({
      queue,
      consumer,
      prefetch,
      maxDeliveries: meta.maxDeliveries,
      ackWaitMs,
      report: (n) => {
        const stored = registration.update(n);
        this.#reports.add(stored);
        void stored.finally(() => this.#reports.delete(stored));
        return stored;
      },
      deadLetter: (seq, reason, deliveries) => this.#deadLetter(queue, seq, reason, deliveries),
      background: (work) => {
        const p = work.catch(() => undefined);
        this.#background.add(p);
        void p.then(() => this.#background.delete(p));
      },
      checkOpen: () => this.#checkOpen(),
      ...(options.signal ? { signal: options.signal } : {}),
      onClose: () => {
        advisories.unsubscribe();
        void registration.unregister();
        this.#subs.delete(channel as Channel<unknown>);
      },
    });
    this.#subs.add(channel as Channel<unknown>);
    return channel;
  }

  async #ackWaitMs(queue: string): Promise<number> {
    try {
      const ci = await this.jsm.consumers.info(queue, queue);
      return Math.max(1, Math.round((ci.config.ack_wait ?? 30e9) / 1e6));
    } catch (err) {
      throw natsError(err, `queue ${queue}`);
    }
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    validateRequest(subject, options);
    return natsRequest(this.nc, subject, data, options);
  }

  async serve(subject: string, options: SubscribeOptions = {}): Promise<Subscription<Request>> {
    this.#checkOpen();
    throwIfAborted(options.signal);
    validateSubject(subject);
    const channel = await natsServe(this.nc, subject, options, (c) =>
      this.#subs.delete(c as Channel<unknown>),
    );
    this.#subs.add(channel as Channel<unknown>);
    return channel;
  }

  async queueInfo(queue: string): Promise<QueueInfo> {
    this.#checkOpen();
    // This process's consumers report their counts without waiting: wait for them here.
    await Promise.all([...this.#reports]);
    return natsQueueInfo(this.jsm, this.registry, queue);
  }

  async streamInfo(stream: string): Promise<StreamInfo> {
    this.#checkOpen();
    return natsStreamInfo(this.jsm, stream);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    for (const s of [...this.#subs]) await s.close();
    this.#closed = true;
    await Promise.all([...this.#background]);
    this.#streamChanges?.unsubscribe();
    await this.nc.drain().catch(() => undefined);
  }
}
