import { expect, it } from 'vitest';
import type { Bus, BusMessage, ConsumeOptions, Delivery, QueueConfig } from '../bus.js';
import {
  bytes,
  text,
  TIMEOUT,
  unique,
  type ConformanceContext,
  type Reader,
} from './conformance-helpers.js';

interface QueueFixture {
  readonly bus: Bus;
  readonly name: string;
  readonly subject: string;
  readonly deadSubject: string;
  /** Live subscription to the dead-letter subject, open before any work is published. */
  readonly dead: Reader<BusMessage>;
  publish(body: string, headers?: Record<string, string>): Promise<void>;
  consume(options?: ConsumeOptions): Promise<Reader<Delivery>>;
  info(): Promise<{ pending: number; inFlight: number; consumers: number }>;
}

/** Work queues: ack, nak, visibility timeout, dead letters, competing consumers, prefetch. */
export function queueCases(ctx: ConformanceContext): void {
  async function queue(
    cfg: Partial<Omit<QueueConfig, 'name' | 'subjects'>> = {},
  ): Promise<QueueFixture> {
    const bus = ctx.bus();
    const p = unique();
    const name = `Q_${p}`;
    const subject = `${p}.work`;
    const deadSubject = cfg.deadLetterSubject ?? `${p}.dead`;
    const dead = ctx.track(await bus.subscribe(deadSubject));
    await bus.ensureQueue({
      name,
      subjects: [subject],
      ackWaitMs: cfg.ackWaitMs ?? ctx.ms(60_000),
      maxDeliveries: cfg.maxDeliveries ?? 5,
      deadLetterSubject: deadSubject,
    });
    return {
      bus,
      name,
      subject,
      deadSubject,
      dead,
      publish: (body, headers) =>
        bus.publish(subject, bytes(body), headers === undefined ? {} : { headers }),
      consume: async (options) => ctx.track(await bus.consume(name, options)),
      info: async () => {
        const i = await bus.queueInfo(name);
        expect(i.name).toBe(name);
        return { pending: i.pending, inFlight: i.inFlight, consumers: i.consumers };
      },
    };
  }

  it('keeps messages published before any consumer until one comes; ack removes them', async () => {
    const q = await queue();
    await q.publish('one');
    await q.publish('two');
    expect(await q.info()).toEqual({ pending: 2, inFlight: 0, consumers: 0 });
    const c = await q.consume({ prefetch: 2 });
    const [d1, d2] = await c.take(2, ctx.waitMs);
    expect([text(d1!.data), text(d2!.data)]).toEqual(['one', 'two']);
    expect(d1).toMatchObject({ queue: q.name, subject: q.subject, deliveryCount: 1 });
    expect(d2!.seq).toBeGreaterThan(d1!.seq);
    expect(await q.info()).toEqual({ pending: 0, inFlight: 2, consumers: 1 });
    await d1!.ack();
    await d2!.ack();
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 1 });
  });

  it('reports when the oldest unacked message entered the queue, and nothing once all are acked', async () => {
    const q = await queue();
    expect((await q.bus.queueInfo(q.name)).oldestTimeMs).toBeUndefined();
    const before = Date.now();
    await q.publish('one');
    const after = Date.now();
    await q.publish('two');
    const c = await q.consume({ prefetch: 2 });
    const [d1, d2] = await c.take(2, ctx.waitMs);
    const held = await q.bus.queueInfo(q.name);
    // Server and client share this machine's clock; 1 s covers timestamp rounding.
    expect(held.oldestTimeMs).toBeGreaterThanOrEqual(before - 1000);
    expect(held.oldestTimeMs).toBeLessThanOrEqual(after + 1000);
    await d1!.ack();
    await d2!.ack();
    expect((await q.bus.queueInfo(q.name)).oldestTimeMs).toBeUndefined();
  });

  it('treats a second settle of the same delivery as a no-op', async () => {
    const q = await queue();
    await q.publish('x');
    const c = await q.consume();
    const d = await c.next(ctx.waitMs);
    await d.ack();
    await d.ack();
    await d.nak();
    await d.term('too late');
    await d.working();
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 1 });
    await q.publish('y');
    expect(text((await c.next(ctx.waitMs)).data)).toBe('y');
    expect(await q.dead.quiet(ctx.quietMs)).toBe(true);
  });

  it('redelivers at once after nak() with an incremented deliveryCount and the same seq', async () => {
    const q = await queue();
    await q.publish('again');
    const c = await q.consume();
    const d1 = await c.next(ctx.waitMs);
    await d1.nak();
    const d2 = await c.next(ctx.waitMs);
    expect(d2).toMatchObject({ seq: d1.seq, deliveryCount: 2 });
    expect(text(d2.data)).toBe('again');
    await d2.ack();
  });

  it('redelivers after nak(delayMs) no sooner than the delay', async () => {
    const q = await queue();
    await q.publish('later');
    const c = await q.consume();
    const d1 = await c.next(ctx.waitMs);
    const delay = ctx.ms(150);
    const t0 = performance.now();
    await d1.nak(delay);
    expect((await q.info()).inFlight).toBe(0);
    const d2 = await c.next(delay + ctx.waitMs);
    // 2 ms of slack for timer rounding.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(delay - 2);
    expect(d2.deliveryCount).toBe(2);
    await d2.ack();
  });

  it('redelivers an unsettled delivery once ackWaitMs has passed', async () => {
    const ackWaitMs = ctx.ms(100);
    const q = await queue({ ackWaitMs });
    await q.publish('slow');
    const c = await q.consume();
    const t0 = performance.now();
    const d1 = await c.next(ctx.waitMs);
    const d2 = await c.next(ackWaitMs + ctx.waitMs);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(ackWaitMs - 2);
    expect(d2).toMatchObject({ seq: d1.seq, deliveryCount: 2 });
    await d1.ack(); // stale: must not disturb the current delivery
    await d2.ack();
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 1 });
  });

  it('postpones redelivery while working() is called within ackWaitMs', async () => {
    const ackWaitMs = ctx.ms(150);
    const q = await queue({ ackWaitMs });
    await q.publish('long job');
    const a = await q.consume();
    const d = await a.next(ctx.waitMs);
    const b = await q.consume();
    // Heartbeat every ackWait/3 for three ackWait periods; a redelivery would reach a or b.
    const until = performance.now() + 3 * ackWaitMs;
    while (performance.now() < until) {
      const [ra, rb] = await Promise.all([a.poll(ackWaitMs / 3), b.poll(ackWaitMs / 3)]);
      expect(ra).toBe(TIMEOUT);
      expect(rb).toBe(TIMEOUT);
      await d.working();
    }
    expect(await q.info()).toEqual({ pending: 0, inFlight: 1, consumers: 2 });
    await d.ack();
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 2 });
  });

  it('dead-letters a message instead of delivering it a (maxDeliveries+1)-th time', async () => {
    const q = await queue({ maxDeliveries: 2 });
    await q.publish('poison', { 'x-origin': 'test' });
    const c = await q.consume();
    const d1 = await c.next(ctx.waitMs);
    await d1.nak();
    const d2 = await c.next(ctx.waitMs);
    expect(d2.deliveryCount).toBe(2);
    await d2.nak();
    const dead = await q.dead.next(ctx.waitMs);
    expect(dead.subject).toBe(q.deadSubject);
    expect(text(dead.data)).toBe('poison');
    expect(dead.headers).toMatchObject({
      'promptly-dead-reason': 'max-deliveries',
      'promptly-dead-deliveries': '2',
      'promptly-dead-subject': q.subject,
      'x-origin': 'test',
    });
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 1 });
    expect(await c.quiet(ctx.quietMs)).toBe(true);
  });

  it('dead-letters a message whose last delivery times out', async () => {
    const ackWaitMs = ctx.ms(60);
    const q = await queue({ ackWaitMs, maxDeliveries: 1 });
    await q.publish('stuck');
    const c = await q.consume();
    const d = await c.next(ctx.waitMs);
    expect(d.deliveryCount).toBe(1);
    const dead = await q.dead.next(ackWaitMs + ctx.waitMs);
    expect(dead.headers).toMatchObject({
      'promptly-dead-reason': 'max-deliveries',
      'promptly-dead-deliveries': '1',
      'promptly-dead-subject': q.subject,
    });
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 1 });
  });

  it('dead-letters at once on term(reason), with the reason in the headers', async () => {
    const q = await queue({ maxDeliveries: 5 });
    await q.publish('hopeless');
    const c = await q.consume();
    const d = await c.next(ctx.waitMs);
    await d.term('no pipeline for this visit');
    const dead = await q.dead.next(ctx.waitMs);
    expect(text(dead.data)).toBe('hopeless');
    expect(dead.headers).toMatchObject({
      'promptly-dead-reason': 'no pipeline for this visit',
      'promptly-dead-deliveries': '1',
      'promptly-dead-subject': q.subject,
    });
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 1 });
    expect(await c.quiet(ctx.quietMs)).toBe(true);
  });

  it('hands a second consumer the next message while the first holds its only prefetch slot', async () => {
    const q = await queue();
    await q.publish('m1');
    await q.publish('m2');
    const a = await q.consume();
    const da = await a.next(ctx.waitMs);
    const b = await q.consume();
    const db = await b.next(ctx.waitMs);
    expect(db.seq).not.toBe(da.seq);
    expect(new Set([text(da.data), text(db.data)])).toEqual(new Set(['m1', 'm2']));
    await da.ack();
    await db.ack();
  });

  it('shares work between competing consumers without duplicates', async () => {
    const q = await queue();
    const n = 60;
    const consumers = [await q.consume(), await q.consume(), await q.consume({ prefetch: 3 })];
    for (let i = 0; i < n; i++) await q.publish(String(i));
    const seen: string[] = [];
    const perConsumer = [0, 0, 0];
    await Promise.all(
      consumers.map(async (c, k) => {
        const deadline = performance.now() + 3 * ctx.waitMs;
        while (seen.length < n && performance.now() < deadline) {
          const r = await c.poll(ctx.quietMs);
          if (r === TIMEOUT) continue;
          if (r.done === true) return;
          seen.push(text(r.value.data));
          perConsumer[k]!++;
          await r.value.ack();
        }
      }),
    );
    expect(seen.length).toBe(n);
    expect(new Set(seen).size).toBe(n);
    expect(perConsumer.reduce((x, y) => x + y, 0)).toBe(n);
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 3 });
  });

  it('never lets a consumer hold more unsettled deliveries than its prefetch', async () => {
    const q = await queue();
    for (let i = 0; i < 5; i++) await q.publish(String(i));
    const c = await q.consume({ prefetch: 2 });
    const [d1, d2] = await c.take(2, ctx.waitMs);
    expect(await c.quiet(ctx.quietMs)).toBe(true);
    expect(await q.info()).toEqual({ pending: 3, inFlight: 2, consumers: 1 });
    await d1!.ack();
    const d3 = await c.next(ctx.waitMs);
    expect(await c.quiet(ctx.quietMs)).toBe(true);
    await d2!.ack();
    await d3.ack();
    expect((await c.take(2, ctx.waitMs)).length).toBe(2);
  });

  it('gives a closing consumer’s unsettled deliveries back at once, counted as delivered', async () => {
    const q = await queue({ ackWaitMs: ctx.ms(60_000) });
    await q.publish('orphan');
    const a = await q.consume();
    const d1 = await a.next(ctx.waitMs);
    const b = await q.consume();
    await a.sub.close();
    const d2 = await b.next(ctx.waitMs);
    expect(d2).toMatchObject({ seq: d1.seq, deliveryCount: 2 });
    expect(await q.info()).toEqual({ pending: 0, inFlight: 1, consumers: 1 });
    await d2.ack();
  });

  it('ends a consumer on abort and when the for-await loop is left', async () => {
    const q = await queue();
    const ac = new AbortController();
    const c = ctx.track(await q.bus.consume(q.name, { signal: ac.signal }));
    const pending = c.poll(ctx.waitMs);
    ac.abort();
    expect(await pending).toMatchObject({ done: true });
    await q.publish('loop');
    const sub = await q.bus.consume(q.name);
    for await (const d of sub) {
      await d.ack();
      break;
    }
    expect(await q.info()).toEqual({ pending: 0, inFlight: 0, consumers: 0 });
    await sub.close();
  });

  it('rejects unknown queues, bad definitions and a dead-letter subject the queue captures', async () => {
    const bus = ctx.bus();
    const p = unique();
    const none = { code: 'PROMPTLY_E_BUS_NO_STREAM' };
    await expect(bus.consume(`N_${p}`)).rejects.toMatchObject(none);
    await expect(bus.queueInfo(`N_${p}`)).rejects.toMatchObject(none);
    const good: QueueConfig = {
      name: `Q_${p}`,
      subjects: [`${p}.w.>`],
      ackWaitMs: 1000,
      maxDeliveries: 2,
      deadLetterSubject: `${p}.dead`,
    };
    const cfg = { code: 'PROMPTLY_E_BUS_CONFIG_INVALID' };
    await expect(
      bus.ensureQueue({ ...good, deadLetterSubject: `${p}.w.dead` }),
    ).rejects.toMatchObject(cfg);
    await expect(bus.ensureQueue({ ...good, ackWaitMs: 0 })).rejects.toMatchObject(cfg);
    await expect(bus.ensureQueue({ ...good, maxDeliveries: 0 })).rejects.toMatchObject(cfg);
    await bus.ensureQueue(good);
    await bus.ensureQueue(good); // idempotent
    await expect(bus.consume(good.name, { prefetch: 0 })).rejects.toMatchObject(cfg);
    await expect(
      bus.ensureStream({ name: `S_${p}`, subjects: [`${p}.*.x`] }),
    ).rejects.toMatchObject(cfg);
  });
}
