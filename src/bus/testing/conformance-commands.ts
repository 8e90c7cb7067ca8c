import { expect, it } from 'vitest';
import type { Request } from '../bus.js';
import { bytes, text, unique, type ConformanceContext } from './conformance-helpers.js';

/** Commands: request/reply with one responder, timeouts, no responder. */
export function commandCases(ctx: ConformanceContext): void {
  async function answerAll(subs: AsyncIterable<Request>, tag: string): Promise<void> {
    for await (const r of subs) await r.reply(bytes(`${tag}:${text(r.data)}`), { who: tag });
  }

  it('answers a command from one responder, with its headers', async () => {
    const bus = ctx.bus();
    const subject = `${unique()}.cmd.status`;
    const r = ctx.track(await bus.serve(subject));
    void answerAll(r.sub, 'a');
    const answer = await bus.request(subject, bytes('ping'), { timeoutMs: ctx.waitMs });
    expect(text(answer.data)).toBe('a:ping');
    expect(answer.headers).toMatchObject({ who: 'a' });
  });

  it('gives each command to exactly one of several responders', async () => {
    const bus = ctx.bus();
    const subject = `${unique()}.cmd.work`;
    const seen: string[] = [];
    for (const tag of ['a', 'b']) {
      const r = ctx.track(await bus.serve(subject));
      void (async () => {
        for await (const req of r.sub) {
          seen.push(tag);
          await req.reply(bytes(tag));
        }
      })();
    }
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        bus.request(subject, bytes(String(i)), { timeoutMs: ctx.waitMs }),
      ),
    );
    expect(answers).toHaveLength(6);
    expect(seen).toHaveLength(6);
  });

  it('refuses a command nobody serves, and times out one nobody answers', async () => {
    const bus = ctx.bus();
    const p = unique();
    await expect(
      bus.request(`${p}.cmd.none`, bytes('x'), { timeoutMs: ctx.waitMs }),
    ).rejects.toMatchObject({
      code: 'PROMPTLY_E_BUS_NO_RESPONDER',
    });
    ctx.track(await bus.serve(`${p}.cmd.mute`)); // takes commands, never answers
    await expect(
      bus.request(`${p}.cmd.mute`, bytes('x'), { timeoutMs: ctx.ms(100) }),
    ).rejects.toMatchObject({ code: 'PROMPTLY_E_BUS_TIMEOUT' });
    await expect(bus.request(`${p}.cmd.*`, bytes('x'), { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'PROMPTLY_E_BUS_SUBJECT_INVALID',
    });
    await expect(bus.request(`${p}.cmd.x`, bytes('x'), { timeoutMs: 0 })).rejects.toMatchObject({
      code: 'PROMPTLY_E_BUS_CONFIG_INVALID',
    });
  });
}
