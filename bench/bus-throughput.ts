import { randomBytes } from 'node:crypto';
import type { Bus, BusMessage, Subscription } from '../src/bus/bus.js';
import { createMemoryBus } from '../src/bus/memory/memory-bus.js';
import { createNatsBus } from '../src/bus/nats/nats-bus.js';
import { percentile } from '../src/observe/night-summary.js';
import type { BenchRow } from './bench-row.js';
import { withinDeadline } from './deadline.js';
import { privateNatsSkipReason, startPrivateNatsServer } from '../src/testing/nats-server.js';

/** How a message travels from publisher to receiver. */
export type BusPath = 'live subscription' | 'stream publish' | 'work queue consume+ack';

const PATHS: readonly BusPath[] = ['live subscription', 'stream publish', 'work queue consume+ack'];

/** Options of {@link benchBusPath}. */
export interface BusPathOptions {
  /** Payload bytes (≥ 4: the first four carry the message's index). */
  readonly payloadBytes: number;
  /** Messages sent one at a time, each awaited, for the latency percentiles. */
  readonly latencyMessages: number;
  /** Messages sent back to back (up to `window` unanswered) for the rate. */
  readonly rateMessages: number;
  /** Publishes in flight at once in the rate series. */
  readonly window: number;
}

/** One path of one bus, measured. */
export interface BusPathResult {
  /** publish called → message in the receiver's hands, ms. */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Messages delivered (and acked, for the work queue) per second, back to back. */
  readonly messagesPerS: number;
}

interface Received {
  readonly index: number;
  readonly atMs: number;
}

/** A message taken by the receiver: its payload and when it arrived (before any ack). */
interface Taken {
  readonly data: Uint8Array;
  readonly atMs: number;
}

/** Messages of `sub`, stamped on arrival; `settle` runs after the stamp (a queue's ack). */
async function* stamped<T extends BusMessage>(
  sub: Subscription<T>,
  settle: (m: T) => Promise<void>,
): AsyncGenerator<Taken> {
  for await (const m of sub) {
    const atMs = performance.now();
    await settle(m);
    yield { data: m.data, atMs };
  }
}

/**
 * Sets up a fresh subject (and stream or queue, randomly named) on `bus` and returns what the
 * receiver takes, acking work-queue deliveries.
 */
async function receiver(
  bus: Bus,
  path: BusPath,
): Promise<{ subject: string; taken: AsyncIterable<Taken>; close: () => Promise<void> }> {
  const id = randomBytes(6).toString('hex');
  const kind =
    path === 'live subscription' ? 'live' : path === 'stream publish' ? 'stream' : 'work';
  const subject = `bench.${kind}.${id}`;
  const none = async (): Promise<void> => {};
  if (path === 'live subscription') {
    const sub = await bus.subscribe(subject);
    return { subject, taken: stamped(sub, none), close: () => sub.close() };
  }
  if (path === 'stream publish') {
    const name = `BENCH_STREAM_${id}`;
    await bus.ensureStream({ name, subjects: [subject], maxMsgs: 100_000 });
    const sub = await bus.readStream(name, { deliver: { kind: 'new' } });
    return { subject, taken: stamped(sub, none), close: () => sub.close() };
  }
  const name = `BENCH_QUEUE_${id}`;
  await bus.ensureQueue({
    name,
    subjects: [subject],
    ackWaitMs: 30_000,
    maxDeliveries: 5,
    deadLetterSubject: `bench.dead.${id}`,
  });
  const sub = await bus.consume(name, { prefetch: 64 });
  return { subject, taken: stamped(sub, (d) => d.ack()), close: () => sub.close() };
}

/**
 * Publish → deliver latency (one message at a time) and back-to-back rate of one path of
 * `bus`, with a payload of `payloadBytes` whose first four bytes number the message.
 */
export async function benchBusPath(
  bus: Bus,
  path: BusPath,
  options: BusPathOptions,
): Promise<BusPathResult> {
  const { subject, taken, close } = await receiver(bus, path);
  const waiters = new Map<number, (r: Received) => void>();
  let received = 0;
  let allReceived: () => void = () => {};
  const loop = (async () => {
    for await (const { data, atMs } of taken) {
      const index = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
      received++;
      waiters.get(index)?.({ index, atMs });
      waiters.delete(index);
      if (received === options.latencyMessages + options.rateMessages) allReceived();
    }
  })();
  const message = (index: number): Uint8Array => {
    const data = new Uint8Array(options.payloadBytes);
    new DataView(data.buffer).setUint32(0, index);
    return data;
  };
  try {
    const latencies: number[] = [];
    for (let i = 0; i < options.latencyMessages; i++) {
      const got = new Promise<Received>((r) => waiters.set(i, r));
      const t0 = performance.now();
      await bus.publish(subject, message(i));
      latencies.push((await withinDeadline(got, 60_000, `${path} message ${i}`)).atMs - t0);
    }
    const done = new Promise<void>((r) => (allReceived = r));
    const first = options.latencyMessages;
    const t0 = performance.now();
    let next = first;
    const sender = async (): Promise<void> => {
      while (next < first + options.rateMessages) await bus.publish(subject, message(next++));
    };
    await Promise.all(Array.from({ length: options.window }, sender));
    await withinDeadline(done, 300_000, `${path} rate series`);
    const rateMs = performance.now() - t0;
    return {
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      messagesPerS: options.rateMessages / (rateMs / 1000),
    };
  } finally {
    await close();
    await loop;
  }
}

/**
 * The memory bus next to NATS JetStream (a nats-server of the bench's own on loopback) on the
 * same paths and payload sizes, measured in the same run: live subscription, stream publish
 * (resolves once stored) read by a stream reader, and work queue consume + ack. Each row is
 * NATS with the memory bus as its anchor, so the ratio is the cost of the network hop and
 * JetStream's persistence on this machine.
 */
export async function runBusThroughputBench(
  options: {
    payloadSizes?: readonly number[];
    latencyMessages?: number;
    rateMessages?: number;
  } = {},
): Promise<BenchRow[]> {
  const group = 'bus-throughput';
  const skip = privateNatsSkipReason();
  if (skip)
    return [
      { group, name: 'NATS vs memory bus', value: NaN, unit: 'ms', note: `not measured: ${skip}` },
    ];
  const sizes = options.payloadSizes ?? [256, 65_536];
  const run: Omit<BusPathOptions, 'payloadBytes'> = {
    latencyMessages: options.latencyMessages ?? 300,
    rateMessages: options.rateMessages ?? 2_000,
    window: 32,
  };
  const nats = await startPrivateNatsServer();
  const rows: BenchRow[] = [];
  try {
    const memoryBus = createMemoryBus();
    const natsBus = await createNatsBus({ servers: [nats.url] });
    try {
      for (const path of PATHS) {
        for (const payloadBytes of sizes) {
          const mem = await benchBusPath(memoryBus, path, { ...run, payloadBytes });
          const nat = await benchBusPath(natsBus, path, { ...run, payloadBytes });
          const what = `${path}, ${payloadBytes} B`;
          const anchorName = 'memory bus (same run)';
          rows.push(
            {
              group,
              name: `NATS ${what}: publish → deliver p50`,
              value: nat.latencyP50Ms,
              unit: 'ms',
              anchorName,
              anchorValue: mem.latencyP50Ms,
            },
            {
              group,
              name: `NATS ${what}: publish → deliver p99`,
              value: nat.latencyP99Ms,
              unit: 'ms',
              anchorName,
              anchorValue: mem.latencyP99Ms,
            },
            {
              group,
              name: `NATS ${what}: rate`,
              value: nat.messagesPerS,
              unit: 'msg/s',
              anchorName,
              anchorValue: mem.messagesPerS,
            },
          );
        }
      }
    } finally {
      await natsBus.close();
      await memoryBus.close();
    }
  } finally {
    await nats.dispose();
  }
  const last = rows.at(-1);
  if (last)
    rows[rows.length - 1] = {
      ...last,
      note: `${run.latencyMessages} messages one at a time for the latencies, ${run.rateMessages} with ${run.window} publishes in flight for the rate; NATS: a nats-server -js of the bench's own on loopback, file store`,
    };
  return rows;
}
