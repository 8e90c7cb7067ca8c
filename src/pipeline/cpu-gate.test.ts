import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { CpuGate } from './cpu-gate.js';

describe('CpuGate', () => {
  it('runs at most `permits` tasks at once and the rest in arrival order', async () => {
    const gate = new CpuGate(2);
    const order: number[] = [];
    let peak = 0;
    const releases: (() => void)[] = [];
    const tasks = [0, 1, 2, 3].map((i) =>
      gate.run(async () => {
        order.push(i);
        peak = Math.max(peak, gate.running);
        await new Promise<void>((r) => releases.push(r));
      }),
    );
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(tasks);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(gate.running).toBe(0);
  });

  it('lets a waiter leave on abort without taking a permit', async () => {
    const gate = new CpuGate(1);
    let release: () => void = () => {};
    const first = gate.run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    const waiting = gate.run(() => Promise.resolve('never'), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toSatisfy((e) => isPromptlyError(e, 'PROMPTLY_E_ABORTED'));
    release();
    await first;
    expect(await gate.run(() => Promise.resolve('next'))).toBe('next');
  });
});
