import type {
  Bus,
  BusMessage,
  ConsumeOptions,
  Delivery,
  PublishOptions,
  QueueConfig,
  QueueInfo,
  StreamInfo,
  ReadStreamOptions,
  Request,
  RequestOptions,
  StreamConfig,
  StreamMessage,
  SubscribeOptions,
  Subscription,
} from '../bus.js';
import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import {
  findOverlap,
  overlapError,
  resolvePrefetch,
  validateDeliverPolicy,
  validateQueueConfig,
  validateStreamConfig,
} from '../config-validation.js';
import { noResponderError, timeoutError, validateRequest } from '../request-options.js';
import {
  compileFilter,
  tokenizeFilter,
  tokenizeSubject,
  validateSubject,
} from '../subject-filter.js';
import { SubjectTrie } from '../subject-trie.js';
import { Channel } from '../channel.js';
import { StreamReader } from './stream-reader.js';
import { StreamStore } from './stream-store.js';
import { WorkQueue } from './work-queue.js';

/** Options of the embedded bus. */
export interface MemoryBusOptions {
  /**
   * Clock for stream timestamps and `maxAgeMs`, ms since the Unix epoch (default
   * `Date.now`). Visibility timeouts and nak delays always use real timers.
   */
  readonly now?: () => number;
}

type Capture = StreamStore | WorkQueue;

/**
 * The embedded, in-process bus: the default backend for a laptop or a single server.
 *
 * - publish is synchronous underneath: routed to the capturing stream or queue and to every
 *   matching subscriber before the returned promise settles; the cost is O(subject depth)
 *   thanks to subject tries, whatever the number of subscriptions.
 * - Payloads are not copied: every receiver gets the publisher's `Uint8Array`. Treat
 *   message data as read-only on both sides.
 * - Subscriptions buffer without bound (a slow consumer costs memory, never blocks a
 *   publisher); stream readers buffer nothing (they are cursors into the stream).
 * - Streams keep history in memory only; it is lost when the process exits.
 * - Stream and queue names share one namespace, as in JetStream (a queue there is a stream).
 */
export class MemoryBus implements Bus {
  private closed = false;
  private readonly now: () => number;
  private readonly subs = new SubjectTrie<Channel<BusMessage>>();
  /** Every open subscription and responder, ended on close. */
  private readonly channels = new Set<{ end(): void }>();
  private readonly captures = new SubjectTrie<Capture>();
  private readonly streams = new Map<string, StreamStore>();
  private readonly queues = new Map<string, WorkQueue>();
  private readonly readers = new Set<StreamReader>();
  /** Responders by subject, taken in turn. */
  private readonly responders = new Map<string, Channel<Request>[]>();

  constructor(options: MemoryBusOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  private assertOpen(): void {
    if (this.closed) throw new PromptlyError('PROMPTLY_E_BUS_CLOSED', 'the memory bus is closed');
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<void> {
    this.assertOpen();
    throwIfAborted(options?.signal);
    const tokens = tokenizeSubject(subject);
    const headers =
      options?.headers === undefined ? undefined : Object.freeze({ ...options.headers });
    this.route(subject, tokens, data, headers);
  }

  /** Synchronous routing shared by publish and dead letters. */
  private route(
    subject: string,
    tokens: readonly string[],
    data: Uint8Array,
    headers: Readonly<Record<string, string>> | undefined,
  ): void {
    // Overlap is rejected at definition time, so at most one capture matches.
    let target: Capture | undefined;
    this.captures.visit(tokens, (c) => {
      target ??= c;
    });
    if (target instanceof StreamStore) target.append(subject, data, headers);
    else if (target instanceof WorkQueue) target.enqueue(subject, data, headers);
    if (this.subs.empty) return;
    const msg: BusMessage = headers === undefined ? { subject, data } : { subject, data, headers };
    this.subs.visit(tokens, (ch) => {
      ch.push(msg);
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async subscribe(filter: string, options?: SubscribeOptions): Promise<Subscription<BusMessage>> {
    this.assertOpen();
    throwIfAborted(options?.signal);
    tokenizeFilter(filter);
    const channel: Channel<BusMessage> = new Channel<BusMessage>(() => {
      this.subs.remove(filter, channel);
      this.channels.delete(channel);
    }, options?.signal);
    this.subs.insert(filter, channel);
    this.channels.add(channel);
    return channel;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async ensureStream(config: StreamConfig): Promise<void> {
    this.assertOpen();
    validateStreamConfig(config);
    if (this.queues.has(config.name)) {
      throw new PromptlyError(
        'PROMPTLY_E_BUS_CONFIG_INVALID',
        `stream ${config.name}: a queue has that name`,
      );
    }
    const frozen: StreamConfig = Object.freeze({
      ...config,
      subjects: Object.freeze([...config.subjects]),
    });
    const existing = this.streams.get(config.name);
    this.checkOverlap('stream', frozen.name, frozen.subjects, existing);
    if (existing === undefined) {
      const store = new StreamStore(frozen, this.now);
      this.streams.set(frozen.name, store);
      for (const f of frozen.subjects) this.captures.insert(f, store);
      return;
    }
    this.recapture(existing, existing.config.subjects, frozen.subjects);
    existing.reconfigure(frozen);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async readStream(
    stream: string,
    options: ReadStreamOptions,
  ): Promise<Subscription<StreamMessage>> {
    this.assertOpen();
    throwIfAborted(options.signal);
    const store = this.streams.get(stream);
    if (store === undefined) {
      throw new PromptlyError('PROMPTLY_E_BUS_NO_STREAM', `no stream named ${stream}`);
    }
    validateDeliverPolicy(options.deliver);
    const match = options.filter === undefined ? undefined : compileFilter(options.filter);
    const reader = new StreamReader(
      store,
      store.start(options.deliver, match),
      match,
      (r) => this.readers.delete(r),
      options.signal,
    );
    this.readers.add(reader);
    return reader;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async ensureQueue(config: QueueConfig): Promise<void> {
    this.assertOpen();
    validateQueueConfig(config);
    if (this.streams.has(config.name)) {
      throw new PromptlyError(
        'PROMPTLY_E_BUS_CONFIG_INVALID',
        `queue ${config.name}: a stream has that name`,
      );
    }
    const frozen: QueueConfig = Object.freeze({
      ...config,
      subjects: Object.freeze([...config.subjects]),
    });
    const existing = this.queues.get(config.name);
    this.checkOverlap('queue', frozen.name, frozen.subjects, existing);
    if (existing === undefined) {
      const queue = new WorkQueue(
        frozen,
        (subject, data, headers) => {
          if (!this.closed) this.route(subject, tokenizeSubject(subject), data, headers);
        },
        this.now,
      );
      this.queues.set(frozen.name, queue);
      for (const f of frozen.subjects) this.captures.insert(f, queue);
      return;
    }
    this.recapture(existing, existing.config.subjects, frozen.subjects);
    existing.config = frozen;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async consume(queue: string, options?: ConsumeOptions): Promise<Subscription<Delivery>> {
    this.assertOpen();
    throwIfAborted(options?.signal);
    const q = this.queues.get(queue);
    if (q === undefined)
      throw new PromptlyError('PROMPTLY_E_BUS_NO_STREAM', `no queue named ${queue}`);
    return q.consume(resolvePrefetch(options), options?.signal);
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    this.assertOpen();
    throwIfAborted(options.signal);
    validateRequest(subject, options);
    const list = this.responders.get(subject);
    const responder = list?.shift();
    if (!list || responder === undefined) throw noResponderError(subject);
    list.push(responder);
    return new Promise<BusMessage>((resolve, reject) => {
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        reject(timeoutError(subject, options.timeoutMs));
      }, options.timeoutMs);
      responder.push({
        subject,
        data,
        ...(options.headers ? { headers: options.headers } : {}),
        reply: (answer, headers) => {
          if (!answered) {
            answered = true;
            clearTimeout(timer);
            resolve({ subject, data: answer, ...(headers ? { headers } : {}) });
          }
          return Promise.resolve();
        },
      });
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async serve(subject: string, options?: SubscribeOptions): Promise<Subscription<Request>> {
    this.assertOpen();
    throwIfAborted(options?.signal);
    validateSubject(subject);
    const channel: Channel<Request> = new Channel<Request>(() => {
      const list = this.responders.get(subject)?.filter((c) => c !== channel) ?? [];
      if (list.length > 0) this.responders.set(subject, list);
      else this.responders.delete(subject);
      this.channels.delete(channel);
    }, options?.signal);
    this.responders.set(subject, [...(this.responders.get(subject) ?? []), channel]);
    this.channels.add(channel);
    return channel;
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async queueInfo(queue: string): Promise<QueueInfo> {
    this.assertOpen();
    const q = this.queues.get(queue);
    if (q === undefined)
      throw new PromptlyError('PROMPTLY_E_BUS_NO_STREAM', `no queue named ${queue}`);
    return q.info();
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async streamInfo(stream: string): Promise<StreamInfo> {
    this.assertOpen();
    const s = this.streams.get(stream);
    if (s === undefined)
      throw new PromptlyError('PROMPTLY_E_BUS_NO_STREAM', `no stream named ${stream}`);
    const oldest = s.oldest();
    return {
      name: stream,
      messages: s.size,
      firstSeq: oldest?.seq ?? 0,
      lastSeq: s.lastSequence,
      ...(oldest === undefined ? {} : { oldestTimeMs: oldest.timeMs }),
    };
  }

  /** Ends every subscription, reader and consumer and clears every timer. Idempotent. */
  // eslint-disable-next-line @typescript-eslint/require-await
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const ch of [...this.channels]) ch.end();
    for (const r of [...this.readers]) r.end();
    for (const q of this.queues.values()) q.close();
  }

  private checkOverlap(
    kind: string,
    name: string,
    subjects: readonly string[],
    self: Capture | undefined,
  ): void {
    for (const [other, s] of this.streams) {
      if (s === self) continue;
      const pair = findOverlap(subjects, s.config.subjects);
      if (pair !== undefined) throw overlapError(kind, name, `stream ${other}`, pair);
    }
    for (const [other, q] of this.queues) {
      if (q === self) continue;
      const pair = findOverlap(subjects, q.config.subjects);
      if (pair !== undefined) throw overlapError(kind, name, `queue ${other}`, pair);
    }
  }

  private recapture(target: Capture, before: readonly string[], after: readonly string[]): void {
    for (const f of before) this.captures.remove(f, target);
    for (const f of after) this.captures.insert(f, target);
  }
}

/** Creates an embedded bus. See {@link MemoryBus}. */
export function createMemoryBus(options?: MemoryBusOptions): MemoryBus {
  return new MemoryBus(options);
}
