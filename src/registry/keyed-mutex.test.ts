import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time, in arrival order', async () => {
    const m = new KeyedMutex();
    const gate = deferred();
    const log: string[] = [];
    const a = m.run('k', async () => {
      log.push('a start');
      await gate.promise;
      log.push('a end');
    });
    const b = m.run('k', () => {
      log.push('b');
      return Promise.resolve();
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    gate.resolve();
    await Promise.all([a, b]);
    expect(log).toEqual(['a start', 'a end', 'b']);
    expect(m.size).toBe(0);
  });

  it('runs tasks of different keys concurrently', async () => {
    const m = new KeyedMutex();
    const gate = deferred();
    const blocked = m.run('x', () => gate.promise);
    const other = await m.run('y', () => Promise.resolve('y done'));
    expect(other).toBe('y done');
    gate.resolve();
    await blocked;
  });

  it('runs the next task after one that failed, and passes the failure to its caller', async () => {
    const m = new KeyedMutex();
    const failed = m.run('k', () => Promise.reject(new Error('boom')));
    const next = m.run('k', () => Promise.resolve(2));
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe(2);
  });
});
