import { expect, it } from 'vitest';
import type { BusMessage } from '../bus.js';
import { bytes, text, unique, type ConformanceContext } from './conformance-helpers.js';

const INVALID = 'PROMPTLY_E_BUS_SUBJECT_INVALID';

/** Subjects, wildcards, live subscriptions, close and abort. */
export function pubsubCases(ctx: ConformanceContext): void {
  it('rejects malformed subjects and filters with PROMPTLY_E_BUS_SUBJECT_INVALID', async () => {
    const bus = ctx.bus();
    const p = unique();
    for (const s of ['', 'a..b', '.a', 'a.', `${p}.*`, `${p}.>`, `${p}.a b`, `${p}.a*`]) {
      await expect(bus.publish(s, bytes('x')), `publish "${s}"`).rejects.toMatchObject({
        code: INVALID,
      });
    }
    for (const f of ['', 'a..b', `${p}.>.b`, `${p}.b*`, `${p}.>x`, `${p}. `]) {
      await expect(bus.subscribe(f), `subscribe "${f}"`).rejects.toMatchObject({ code: INVALID });
    }
  });

  it('delivers a message published after subscribe resolves, with data and headers intact', async () => {
    const bus = ctx.bus();
    const subject = `${unique()}.hello`;
    const sub = ctx.track(await bus.subscribe(subject));
    await bus.publish(subject, bytes('world'), { headers: { 'x-k': 'v 1' } });
    const m = await sub.next(ctx.waitMs);
    expect(m.subject).toBe(subject);
    expect(text(m.data)).toBe('world');
    expect(m.headers?.['x-k']).toBe('v 1');
  });

  it('delivers messages from one publisher in publish order', async () => {
    const bus = ctx.bus();
    const subject = `${unique()}.seq`;
    const sub = ctx.track(await bus.subscribe(subject));
    for (let i = 0; i < 50; i++) await bus.publish(subject, bytes(String(i)));
    const got = (await sub.take(50, ctx.waitMs)).map((m) => text(m.data));
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
  });

  it('matches `*` to exactly one token', async () => {
    const bus = ctx.bus();
    const p = unique();
    const sub = ctx.track(await bus.subscribe(`${p}.*.x`));
    for (const s of [`${p}.a.x`, `${p}.a.b.x`, `${p}.x`, `${p}.a.y`, `${p}.b.x`, `${p}.end.x`]) {
      await bus.publish(s, bytes(s));
    }
    // The last publish matches; everything the filter must skip was published before it.
    const got = (await sub.take(3, ctx.waitMs)).map((m) => m.subject);
    expect(got).toEqual([`${p}.a.x`, `${p}.b.x`, `${p}.end.x`]);
  });

  it('matches `>` to one or more trailing tokens, never to none', async () => {
    const bus = ctx.bus();
    const p = unique();
    const sub = ctx.track(await bus.subscribe(`${p}.a.>`));
    for (const s of [`${p}.a`, `${p}.a.b`, `${p}.b.c`, `${p}.a.b.c.d`, `${p}.end`, `${p}.a.z`]) {
      await bus.publish(s, bytes(s));
    }
    const got = (await sub.take(3, ctx.waitMs)).map((m) => m.subject);
    expect(got).toEqual([`${p}.a.b`, `${p}.a.b.c.d`, `${p}.a.z`]);
  });

  it('gives each matching subscription its own copy, and a subscription one copy per message', async () => {
    const bus = ctx.bus();
    const p = unique();
    const subject = `${p}.a.b`;
    const exact = ctx.track(await bus.subscribe(subject));
    const star = ctx.track(await bus.subscribe(`${p}.*.b`));
    const tail = ctx.track(await bus.subscribe(`${p}.>`));
    await bus.publish(subject, bytes('1'));
    await bus.publish(`${p}.a.c`, bytes('2'));
    for (const r of [exact, star]) expect(text((await r.next(ctx.waitMs)).data)).toBe('1');
    expect((await tail.take(2, ctx.waitMs)).map((m) => text(m.data))).toEqual(['1', '2']);
    // '2' does not match exact or star; the next thing they see is the marker.
    await bus.publish(subject, bytes('3'));
    for (const r of [exact, star]) expect(text((await r.next(ctx.waitMs)).data)).toBe('3');
  });

  it('ends iteration on close, including a pending next(), and delivers nothing after', async () => {
    const bus = ctx.bus();
    const subject = `${unique()}.c`;
    const sub = ctx.track(await bus.subscribe(subject));
    const pending = sub.poll(ctx.waitMs);
    await sub.sub.close();
    const r = await pending;
    expect(r).toMatchObject({ done: true });
    await bus.publish(subject, bytes('late'));
    expect(await sub.ended(ctx.waitMs)).toBe(true);
    await sub.sub.close(); // idempotent
  });

  it('ends iteration when the abort signal fires', async () => {
    const bus = ctx.bus();
    const subject = `${unique()}.abort`;
    const ac = new AbortController();
    const sub = ctx.track(await bus.subscribe(subject, { signal: ac.signal }));
    await bus.publish(subject, bytes('before'));
    expect(text((await sub.next(ctx.waitMs)).data)).toBe('before');
    const pending = sub.poll(ctx.waitMs);
    ac.abort();
    expect(await pending).toMatchObject({ done: true });
    await bus.publish(subject, bytes('after'));
    expect(await sub.ended(ctx.waitMs)).toBe(true);
  });

  it('rejects subscribe with an already-aborted signal with PROMPTLY_E_ABORTED', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(ctx.bus().subscribe(`${unique()}.x`, { signal: ac.signal })).rejects.toMatchObject(
      {
        code: 'PROMPTLY_E_ABORTED',
      },
    );
  });

  it('ends open subscriptions on bus close and then rejects every call with PROMPTLY_E_BUS_CLOSED', async () => {
    const bus = ctx.bus();
    const p = unique();
    const sub = ctx.track(await bus.subscribe(`${p}.x`));
    await bus.ensureQueue({
      name: `Q_${p}`,
      subjects: [`${p}.work`],
      ackWaitMs: ctx.ms(60_000),
      maxDeliveries: 3,
      deadLetterSubject: `${p}.dead`,
    });
    await bus.ensureStream({ name: `S_${p}`, subjects: [`${p}.ev`] });
    const consumer = ctx.track(await bus.consume(`Q_${p}`));
    const reader = ctx.track(await bus.readStream(`S_${p}`, { deliver: { kind: 'all' } }));
    await bus.close();
    for (const r of [sub, consumer, reader] as const) expect(await r.ended(ctx.waitMs)).toBe(true);
    const closed = { code: 'PROMPTLY_E_BUS_CLOSED' };
    await expect(bus.publish(`${p}.x`, bytes('x'))).rejects.toMatchObject(closed);
    await expect(bus.subscribe(`${p}.x`)).rejects.toMatchObject(closed);
    await expect(
      bus.ensureStream({ name: `S2_${p}`, subjects: [`${p}.s2`] }),
    ).rejects.toMatchObject(closed);
    await expect(bus.readStream(`S_${p}`, { deliver: { kind: 'all' } })).rejects.toMatchObject(
      closed,
    );
    await expect(
      bus.ensureQueue({
        name: `Q2_${p}`,
        subjects: [`${p}.q2`],
        ackWaitMs: 1000,
        maxDeliveries: 1,
        deadLetterSubject: `${p}.d2`,
      }),
    ).rejects.toMatchObject(closed);
    await expect(bus.consume(`Q_${p}`)).rejects.toMatchObject(closed);
    await expect(bus.queueInfo(`Q_${p}`)).rejects.toMatchObject(closed);
    await bus.close(); // idempotent
  });

  it('keeps buffered messages for a subscriber that reads slowly', async () => {
    const bus = ctx.bus();
    const subject = `${unique()}.slow`;
    const sub = ctx.track(await bus.subscribe(subject));
    const n = 500;
    for (let i = 0; i < n; i++) await bus.publish(subject, bytes(String(i)));
    const got: BusMessage[] = await sub.take(n, ctx.waitMs);
    expect(got.map((m) => Number(text(m.data)))).toEqual(Array.from({ length: n }, (_, i) => i));
  });
}
