import { describe, expect, it } from 'vitest';
import type { Delivery, StreamMessage } from '../bus.js';
import { runBusConformance } from '../testing/bus-conformance.js';
import { createMemoryBus } from './memory-bus.js';

// eslint-disable-next-line @typescript-eslint/require-await
runBusConformance('memory', async () => createMemoryBus());

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

/** Lets queued microtasks run, but no timer or I/O callback. */
async function microtasks(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

const queueConfig = (name: string, subject: string) => ({
  name,
  subjects: [subject],
  ackWaitMs: 60_000,
  maxDeliveries: 3,
  deadLetterSubject: `${subject}.dead`,
});

describe('MemoryBus specifics', () => {
  it('resolves a waiting consumer, subscriber and stream reader within microtasks, never via a timer', async () => {
    const bus = createMemoryBus();
    await bus.ensureQueue(queueConfig('Q', 'work.q'));
    await bus.ensureStream({ name: 'S', subjects: ['ev.>'] });
    const consumer = (await bus.consume('Q'))[Symbol.asyncIterator]();
    const sub = (await bus.subscribe('ev.>'))[Symbol.asyncIterator]();
    const reader = (await bus.readStream('S', { deliver: { kind: 'new' } }))[
      Symbol.asyncIterator
    ]();
    const got: string[] = [];
    void consumer.next().then(() => got.push('consumer'));
    void sub.next().then(() => got.push('subscriber'));
    void reader.next().then(() => got.push('reader'));
    await bus.publish('work.q', bytes('w'));
    await bus.publish('ev.a', bytes('e'));
    await microtasks();
    expect(got.sort()).toEqual(['consumer', 'reader', 'subscriber']);
    await bus.close();
  });

  it('fans 189 work items out to 189 waiting consumers, each item to one', async () => {
    const bus = createMemoryBus();
    await bus.ensureQueue(queueConfig('fanout', 'work.visit.LSSTCam'));
    const consumers = await Promise.all(Array.from({ length: 189 }, () => bus.consume('fanout')));
    const its = consumers.map((c) => c[Symbol.asyncIterator]());
    const round = async (): Promise<number> => {
      const waits = its.map((it) => it.next());
      const t0 = performance.now();
      for (let d = 0; d < 189; d++)
        await bus.publish('work.visit.LSSTCam', bytes(`{"detector":${d}}`));
      const results = await Promise.all(waits);
      const ms = performance.now() - t0;
      await Promise.all(results.map((r) => (r.value as Delivery).ack()));
      const seqs = new Set(results.map((r) => (r.value as Delivery).seq));
      expect(seqs.size).toBe(189);
      return ms;
    };
    // Best of a few rounds: the first ones include JIT warm-up.
    let ms = Infinity;
    for (let i = 0; i < 5; i++) ms = Math.min(ms, await round());
    console.log(`memory bus: 189 work items published and picked up in ${ms.toFixed(3)} ms`);
    // Typically well under 1 ms; printed, not held to a bound (the bus bench compares it).
    expect(await bus.queueInfo('fanout')).toEqual({
      name: 'fanout',
      pending: 0,
      inFlight: 0,
      consumers: 189,
    });
    await bus.close();
  });

  it('clears every visibility and nak-delay timer on close', async () => {
    const before = activeTimers();
    const bus = createMemoryBus();
    await bus.ensureQueue({ ...queueConfig('T', 'work.t'), maxDeliveries: 10 });
    for (let i = 0; i < 4; i++) await bus.publish('work.t', bytes(String(i)));
    const it = (await bus.consume('T', { prefetch: 4 }))[Symbol.asyncIterator]();
    const ds: Delivery[] = [];
    for (let i = 0; i < 4; i++) ds.push((await it.next()).value as Delivery);
    await ds[0]!.nak(60_000);
    expect(activeTimers()).toBe(before + 4);
    await bus.close();
    expect(activeTimers()).toBe(before);
  });

  it('ignores a settle from a delivery that was already taken back by the visibility timeout', async () => {
    const bus = createMemoryBus();
    await bus.ensureQueue({ ...queueConfig('V', 'work.v'), ackWaitMs: 30 });
    await bus.publish('work.v', bytes('x'));
    const it = (await bus.consume('V'))[Symbol.asyncIterator]();
    const d1 = (await it.next()).value as Delivery;
    const d2 = (await it.next()).value as Delivery; // arrives after ackWaitMs
    expect(d2.deliveryCount).toBe(2);
    await d1.ack();
    await d1.term('stale');
    expect(await bus.queueInfo('V')).toMatchObject({ pending: 0, inFlight: 1 });
    await d2.ack();
    expect(await bus.queueInfo('V')).toMatchObject({ pending: 0, inFlight: 0 });
    await bus.close();
  });

  it('rejects settling after the bus is closed with PROMPTLY_E_BUS_CLOSED', async () => {
    const bus = createMemoryBus();
    await bus.ensureQueue(queueConfig('C', 'work.c'));
    await bus.publish('work.c', bytes('x'));
    const it = (await bus.consume('C'))[Symbol.asyncIterator]();
    const d = (await it.next()).value as Delivery;
    await bus.close();
    await expect(d.ack()).rejects.toMatchObject({ code: 'PROMPTLY_E_BUS_CLOSED' });
  });

  it('expires stream messages by the injected clock, without timers', async () => {
    let now = 1_000_000;
    const bus = createMemoryBus({ now: () => now });
    await bus.ensureStream({ name: 'A', subjects: ['age.>'], maxAgeMs: 1000 });
    await bus.publish('age.a', bytes('1'));
    now += 600;
    await bus.publish('age.b', bytes('2'));
    now += 600; // '1' is now 1200 ms old, '2' 600 ms
    const it = (await bus.readStream('A', { deliver: { kind: 'all' } }))[Symbol.asyncIterator]();
    const first = (await it.next()).value;
    expect(first).toMatchObject({ seq: 2, subject: 'age.b', timeMs: 1_000_600 });
    await bus.close();
  });

  it('keeps a last-value stream correct and compact across many overwrites', async () => {
    const bus = createMemoryBus();
    await bus.ensureStream({ name: 'LV', subjects: ['lv.>'], maxMsgsPerSubject: 1 });
    await bus.publish('lv.rare', bytes('rare'));
    for (let i = 0; i < 20_000; i++) await bus.publish(`lv.hot${i % 3}`, bytes(String(i)));
    const it = (await bus.readStream('LV', { deliver: { kind: 'all' } }))[Symbol.asyncIterator]();
    const got: [number, string][] = [];
    for (let i = 0; i < 4; i++) {
      const m = (await it.next()).value as StreamMessage;
      got.push([m.seq, m.subject]);
    }
    expect(got).toEqual([
      [1, 'lv.rare'],
      [19_999, 'lv.hot2'], // i = 19997
      [20_000, 'lv.hot0'],
      [20_001, 'lv.hot1'],
    ]);
    const from = (await bus.readStream('LV', { deliver: { kind: 'from-seq', seq: 2 } }))[
      Symbol.asyncIterator
    ]();
    expect((await from.next()).value?.seq).toBe(19_999);
    await bus.close();
  });

  it('does not let a publisher mutate headers after publish', async () => {
    const bus = createMemoryBus();
    const it = (await bus.subscribe('h.x'))[Symbol.asyncIterator]();
    const headers: Record<string, string> = { k: 'before' };
    await bus.publish('h.x', bytes(''), { headers });
    headers.k = 'after';
    expect((await it.next()).value?.headers).toEqual({ k: 'before' });
    await bus.close();
  });
});
