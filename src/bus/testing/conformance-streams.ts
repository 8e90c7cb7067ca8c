import { expect, it } from 'vitest';
import type { Bus, DeliverPolicy, StreamConfig, StreamMessage } from '../bus.js';
import {
  bytes,
  elapse,
  text,
  unique,
  type ConformanceContext,
  type Reader,
} from './conformance-helpers.js';

interface StreamFixture {
  readonly bus: Bus;
  /** Subject prefix captured by the stream (`<p>.>`). */
  readonly p: string;
  readonly name: string;
  publish(suffix: string, body?: string): Promise<void>;
  read(deliver: DeliverPolicy, filter?: string): Promise<Reader<StreamMessage>>;
}

const bodies = (ms: readonly StreamMessage[]): string[] => ms.map((m) => text(m.data));

/** Durable streams: deliver policies, limits, filters, history→live. */
export function streamCases(ctx: ConformanceContext): void {
  async function stream(
    limits: Omit<StreamConfig, 'name' | 'subjects'> = {},
  ): Promise<StreamFixture> {
    const bus = ctx.bus();
    const p = unique();
    const name = `S_${p}`;
    await bus.ensureStream({ name, subjects: [`${p}.>`], ...limits });
    return {
      bus,
      p,
      name,
      publish: (suffix, body = suffix) => bus.publish(`${p}.${suffix}`, bytes(body)),
      read: async (deliver, filter) =>
        ctx.track(
          await bus.readStream(
            name,
            filter === undefined ? { deliver } : { deliver, filter: `${p}.${filter}` },
          ),
        ),
    };
  }

  it('delivers all history in order with stream name and increasing seq, then live messages', async () => {
    const s = await stream();
    const before = Date.now();
    for (const b of ['a', 'b', 'c']) await s.publish(b);
    const r = await s.read({ kind: 'all' });
    const hist = await r.take(3, ctx.waitMs);
    expect(bodies(hist)).toEqual(['a', 'b', 'c']);
    expect(hist.map((m) => m.seq)).toEqual([1, 2, 3]);
    for (const m of hist) {
      expect(m.stream).toBe(s.name);
      expect(m.subject).toBe(`${s.p}.${text(m.data)}`);
      // Generous bound: distributed backends stamp with the server's clock.
      expect(Math.abs(m.timeMs - before)).toBeLessThan(60_000);
    }
    await s.publish('d');
    expect(await r.next(ctx.waitMs)).toMatchObject({ seq: 4, subject: `${s.p}.d` });
  });

  it('with deliver "new" skips history and delivers only what is published after', async () => {
    const s = await stream();
    await s.publish('old1');
    await s.publish('old2');
    const r = await s.read({ kind: 'new' });
    await s.publish('new1');
    expect(await r.next(ctx.waitMs)).toMatchObject({ seq: 3, subject: `${s.p}.new1` });
  });

  it('with deliver "last" delivers the last n (or all when fewer), then live', async () => {
    const s = await stream();
    for (let i = 1; i <= 5; i++) await s.publish(`m${i}`);
    const r = await s.read({ kind: 'last', count: 2 });
    expect(bodies(await r.take(2, ctx.waitMs))).toEqual(['m4', 'm5']);
    const all = await s.read({ kind: 'last', count: 50 });
    expect(bodies(await all.take(5, ctx.waitMs))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    await s.publish('m6');
    expect(text((await r.next(ctx.waitMs)).data)).toBe('m6');
    expect(text((await all.next(ctx.waitMs)).data)).toBe('m6');
  });

  it('gives a late joiner the last message per subject in seq order, then live', async () => {
    const s = await stream();
    const seq: [string, string][] = [
      ['x.a', 'a1'],
      ['x.b', 'b1'],
      ['x.a', 'a2'],
      ['x.c', 'c1'],
      ['x.b', 'b2'],
      ['y.a', 'ya'],
    ];
    for (const [sub, body] of seq) await s.publish(sub, body);
    const r = await s.read({ kind: 'last-per-subject' });
    const hist = await r.take(4, ctx.waitMs);
    expect(bodies(hist)).toEqual(['a2', 'c1', 'b2', 'ya']);
    expect(hist.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    const filtered = await s.read({ kind: 'last-per-subject' }, 'x.*');
    expect(bodies(await filtered.take(3, ctx.waitMs))).toEqual(['a2', 'c1', 'b2']);
    await s.publish('x.a', 'a3');
    expect(text((await r.next(ctx.waitMs)).data)).toBe('a3');
    expect(text((await filtered.next(ctx.waitMs)).data)).toBe('a3');
  });

  it('with deliver "from-seq" starts at that sequence', async () => {
    const s = await stream();
    for (let i = 1; i <= 4; i++) await s.publish(`m${i}`);
    const r = await s.read({ kind: 'from-seq', seq: 3 });
    expect((await r.take(2, ctx.waitMs)).map((m) => m.seq)).toEqual([3, 4]);
    const ahead = await s.read({ kind: 'from-seq', seq: 6 });
    await s.publish('m5');
    await s.publish('m6');
    expect((await ahead.next(ctx.waitMs)).seq).toBe(6);
  });

  it('applies a subject filter to history and to live messages', async () => {
    const s = await stream();
    for (const sub of ['k.a', 'k.b', 'k.a', 'j.a']) await s.publish(sub);
    const r = await s.read({ kind: 'all' }, '*.a');
    expect((await r.take(3, ctx.waitMs)).map((m) => m.seq)).toEqual([1, 3, 4]);
    await s.publish('k.b');
    await s.publish('z.a');
    expect(await r.next(ctx.waitMs)).toMatchObject({ seq: 6, subject: `${s.p}.z.a` });
  });

  it('keeps at most maxMsgs messages, dropping the oldest', async () => {
    const s = await stream({ maxMsgs: 3 });
    for (let i = 1; i <= 5; i++) await s.publish(`m${i}`);
    const r = await s.read({ kind: 'all' });
    expect((await r.take(3, ctx.waitMs)).map((m) => m.seq)).toEqual([3, 4, 5]);
  });

  it('keeps at most maxMsgsPerSubject messages per subject, dropping that subject’s oldest', async () => {
    const s = await stream({ maxMsgsPerSubject: 2 });
    for (const [sub, body] of [
      ['a', 'a1'],
      ['b', 'b1'],
      ['a', 'a2'],
      ['a', 'a3'],
      ['b', 'b2'],
      ['b', 'b3'],
      ['c', 'c1'],
    ] as const) {
      await s.publish(sub, body);
    }
    const r = await s.read({ kind: 'all' });
    expect(bodies(await r.take(5, ctx.waitMs))).toEqual(['a2', 'a3', 'b2', 'b3', 'c1']);
  });

  it('drops messages older than maxAgeMs', async () => {
    const maxAgeMs = ctx.ms(300);
    const s = await stream({ maxAgeMs });
    await s.publish('old');
    // Letting time pass is the point of this case.
    await elapse(maxAgeMs + ctx.ms(400));
    await s.publish('fresh');
    const r = await s.read({ kind: 'all' });
    expect(bodies(await r.take(1, ctx.waitMs))).toEqual(['fresh']);
  });

  it('applies tightened limits when ensureStream is called again, and is otherwise idempotent', async () => {
    const s = await stream({ maxMsgs: 10 });
    await s.bus.ensureStream({ name: s.name, subjects: [`${s.p}.>`], maxMsgs: 10 });
    for (let i = 1; i <= 5; i++) await s.publish(`m${i}`);
    await s.bus.ensureStream({ name: s.name, subjects: [`${s.p}.>`], maxMsgs: 2 });
    const r = await s.read({ kind: 'all' });
    expect(bodies(await r.take(2, ctx.waitMs))).toEqual(['m4', 'm5']);
  });

  it('follows from history into live without gaps or duplicates while a publisher runs', async () => {
    const s = await stream();
    const total = 300;
    let published = 0;
    const publisher = (async () => {
      for (let i = 1; i <= total; i++) {
        await s.publish(`n.${i % 7}`, String(i));
        published = i;
        // Yield to the event loop now and then so readers start mid-stream.
        if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    while (published < 100) await new Promise((resolve) => setImmediate(resolve));
    const all = await s.read({ kind: 'all' });
    const fresh = await s.read({ kind: 'new' });
    await publisher;
    const seqs = (await all.take(total, ctx.waitMs)).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const first = await fresh.next(ctx.waitMs);
    expect(first.seq).toBeGreaterThan(1);
    const rest = (await fresh.take(total - first.seq, ctx.waitMs)).map((m) => m.seq);
    expect(rest).toEqual(Array.from({ length: total - first.seq }, (_, i) => first.seq + 1 + i));
  });

  it('also delivers stream-captured messages to live subscribers', async () => {
    const s = await stream();
    const sub = ctx.track(await s.bus.subscribe(`${s.p}.>`));
    await s.publish('both');
    expect((await sub.next(ctx.waitMs)).subject).toBe(`${s.p}.both`);
  });

  it('ends a stream reader on close and on abort', async () => {
    const s = await stream();
    const r = await s.read({ kind: 'all' });
    const pending = r.poll(ctx.waitMs);
    await r.sub.close();
    expect(await pending).toMatchObject({ done: true });
    const ac = new AbortController();
    const r2 = ctx.track(
      await s.bus.readStream(s.name, { deliver: { kind: 'all' }, signal: ac.signal }),
    );
    const pending2 = r2.poll(ctx.waitMs);
    ac.abort();
    expect(await pending2).toMatchObject({ done: true });
  });

  it('reports what a stream holds: messages, first and last sequence, when the oldest was stored', async () => {
    const s = await stream({ maxMsgs: 2 });
    expect(await s.bus.streamInfo(s.name)).toEqual({
      name: s.name,
      messages: 0,
      firstSeq: 0,
      lastSeq: 0,
    });
    const before = Date.now();
    for (const m of ['m1', 'm2', 'm3']) await s.publish(m);
    const after = Date.now();
    const info = await s.bus.streamInfo(s.name);
    expect(info).toMatchObject({ name: s.name, messages: 2, firstSeq: 2, lastSeq: 3 });
    // Server and client share this machine's clock; 1 s covers timestamp rounding.
    expect(info.oldestTimeMs).toBeGreaterThanOrEqual(before - 1000);
    expect(info.oldestTimeMs).toBeLessThanOrEqual(after + 1000);
    await expect(s.bus.streamInfo(`N_${s.p}`)).rejects.toMatchObject({
      code: 'PROMPTLY_E_BUS_NO_STREAM',
    });
  });

  it('keeps the latest value per subject in a volatile stream for a late joiner', async () => {
    const s = await stream({ volatile: true, maxMsgsPerSubject: 1 });
    await s.publish('a', 'a1');
    await s.publish('b', 'b1');
    await s.publish('a', 'a2');
    const r = await s.read({ kind: 'last-per-subject' });
    expect(bodies(await r.take(2, ctx.waitMs))).toEqual(['b1', 'a2']);
    expect(await s.bus.streamInfo(s.name)).toMatchObject({ messages: 2, lastSeq: 3 });
  });

  it('rejects overlapping subjects, unknown streams and invalid definitions', async () => {
    const s = await stream();
    const bus = s.bus;
    const cfg = { code: 'PROMPTLY_E_BUS_CONFIG_INVALID' };
    await expect(
      bus.ensureStream({ name: `O_${s.p}`, subjects: [`${s.p}.a.*`] }),
    ).rejects.toMatchObject(cfg);
    await expect(
      bus.ensureQueue({
        name: `O_${s.p}`,
        subjects: [`${s.p}.q`],
        ackWaitMs: 1000,
        maxDeliveries: 1,
        deadLetterSubject: `${unique()}.dead`,
      }),
    ).rejects.toMatchObject(cfg);
    await expect(
      bus.ensureStream({ name: 'bad name', subjects: [`${unique()}.a`] }),
    ).rejects.toMatchObject(cfg);
    await expect(
      bus.ensureStream({ name: `L_${s.p}`, subjects: [`${unique()}.a`], maxMsgs: 0 }),
    ).rejects.toMatchObject(cfg);
    await expect(bus.ensureStream({ name: `E_${s.p}`, subjects: [] })).rejects.toMatchObject(cfg);
    await expect(
      bus.readStream(`N_${unique()}`, { deliver: { kind: 'all' } }),
    ).rejects.toMatchObject({
      code: 'PROMPTLY_E_BUS_NO_STREAM',
    });
    await expect(s.read({ kind: 'from-seq', seq: 0 })).rejects.toMatchObject(cfg);
  });
}
