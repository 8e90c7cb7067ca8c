import { z } from 'zod';
import { PromptlyError } from '../../../core/errors.js';
import type { TaskDefinition } from '../../task.js';
import { TaskRegistry } from '../../task-registry.js';

/**
 * Tasks the thread-pool tests run inside pipeline threads: `echo` exercises every host call,
 * `hold` blocks its thread until the main thread raises a flag, `fail` throws a coded error,
 * `exit` ends its thread, `wait-abort` returns once its run is aborted.
 */
const anyConfig = z.any();

const echo: TaskDefinition = {
  kind: 'echo',
  summary: 'writes bias ‖ snaps as src, logs the work dir',
  configSchema: anyConfig,
  requires: () => [],
  produces: () => ['src'],
  async run(ctx) {
    const parts = [(await ctx.readInput('bias')) ?? new Uint8Array()];
    for (const s of ctx.snaps) parts.push(await s.read());
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    ctx.log(`workdir ${await ctx.workDir()}`);
    await ctx.writeOutput('src', out);
  },
};

/** Blocks the thread (Atomics.wait) until flag[0] is 1, at most 60 s; flag[1] = 1 if it saw it. */
const hold: TaskDefinition<{ flag: SharedArrayBuffer }> = {
  kind: 'hold',
  summary: 'blocks its thread until the main thread raises a flag',
  configSchema: z.object({ flag: z.instanceof(SharedArrayBuffer) }),
  requires: () => [],
  produces: () => [],
  run(_ctx, config) {
    const flag = new Int32Array(config.flag);
    Atomics.wait(flag, 0, 0, 60_000);
    Atomics.store(flag, 1, Atomics.load(flag, 0));
    return Promise.resolve();
  },
};

const fail: TaskDefinition = {
  kind: 'fail',
  summary: 'throws PROMPTLY_E_RAW_CORRUPT',
  configSchema: anyConfig,
  requires: () => [],
  produces: () => [],
  run: () => Promise.reject(new PromptlyError('PROMPTLY_E_RAW_CORRUPT', 'bad pixels')),
};

const exit: TaskDefinition = {
  kind: 'exit',
  summary: 'ends its thread',
  configSchema: anyConfig,
  requires: () => [],
  produces: () => [],
  run: () => {
    process.exit(3);
  },
};

const waitAbort: TaskDefinition = {
  kind: 'wait-abort',
  summary: 'returns once its run is aborted',
  configSchema: anyConfig,
  requires: () => [],
  produces: () => [],
  run: (ctx) =>
    new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true })),
};

export function taskRegistry(): TaskRegistry {
  return new TaskRegistry([echo, hold, fail, exit, waitAbort]);
}
