import { afterEach, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { threadEntry } from '../../core/thread-entry.js';
import type { FannedOutVisit } from '../../core/next-visit.js';
import type { CompiledPipeline } from '../pipeline-set.js';
import type { TaskContext } from '../task.js';
import { taskRegistry } from './testing/test-task-module.js';
import { ThreadPoolRunner } from './thread-pool-runner.js';
import { HandOffs } from '../hand-off.js';

const tasksModule = threadEntry(new URL('./testing/test-task-module.js', import.meta.url)).url;
const tasks = taskRegistry();

function pipeline(...steps: [kind: string, config?: unknown][]): CompiledPipeline {
  return {
    name: `p-${steps.map(([k]) => k).join('-')}`,
    description: '',
    requires: [],
    produces: [],
    steps: steps.map(([kind, config], i) => ({
      label: `${kind}${i}`,
      task: tasks.get(kind),
      config: config ?? {},
    })),
  };
}

/** A host context recording what the thread asked of it. */
function host(signal: AbortSignal = new AbortController().signal) {
  const written: { type: string; bytes: Uint8Array }[] = [];
  const logs: string[] = [];
  const context: TaskContext = {
    visit: { groupId: 'g1' } as unknown as FannedOutVisit,
    dataId: { instrument: 'LATISS', detector: 0, group: 'g1' },
    snaps: [0, 1].map((snap) => ({
      snap,
      read: () => Promise.resolve(Buffer.from(`snap${snap};`)),
    })),
    readInput: (type) =>
      Promise.resolve(type === 'bias' ? new TextEncoder().encode('bias;') : undefined),
    writeOutput: (type, bytes) => {
      written.push({ type, bytes });
      return Promise.resolve();
    },
    handOffs: new HandOffs(),
    workDir: () => Promise.resolve('/tmp/work-g1-0'),
    signal,
    log: (m) => logs.push(m),
  };
  return { context, written, logs };
}

let runner: ThreadPoolRunner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

describe('ThreadPoolRunner', () => {
  it('runs a pipeline on a thread whose reads, writes, logs and work dir go through the main thread', async () => {
    runner = new ThreadPoolRunner({ threads: 1, tasksModule });
    const h = host();
    let started = 0;
    const timings = await runner.run(pipeline(['echo']), h.context, () => started++);
    expect(started).toBe(1);
    expect(timings.map((t) => t.label)).toEqual(['echo0']);
    expect(h.written).toHaveLength(1);
    expect(h.written[0]!.type).toBe('src');
    expect(new TextDecoder().decode(h.written[0]!.bytes)).toBe('bias;snap0;snap1;');
    expect(h.logs).toEqual(['workdir /tmp/work-g1-0']);
  });

  it('keeps the main event loop free while a pipeline computes', async () => {
    runner = new ThreadPoolRunner({ threads: 1, tasksModule });
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const done = runner.run(pipeline(['hold', { flag: flag.buffer }]), host().context);
    // Raised from a timer callback: it can run only if this event loop is not the one blocked.
    setTimeout(() => {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    }, 50);
    await done;
    expect(Atomics.load(flag, 1)).toBe(1);
  });

  it('computes at most `threads` pipelines at once, the rest in arrival order', async () => {
    runner = new ThreadPoolRunner({ threads: 1, tasksModule });
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const order: string[] = [];
    const first = runner.run(pipeline(['hold', { flag: flag.buffer }]), host().context, () =>
      order.push('first'),
    );
    const second = runner.run(pipeline(['echo']), host().context, () => order.push('second'));
    expect(order).toEqual(['first']);
    expect(runner.waiting).toBe(1);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await first;
    await second;
    expect(order).toEqual(['first', 'second']);
  });

  it('keeps the code of an error a task throws, naming the pipeline and step', async () => {
    runner = new ThreadPoolRunner({ threads: 1, tasksModule });
    const err = await runner
      .run(pipeline(['echo'], ['fail']), host().context)
      .catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_RAW_CORRUPT')).toBe(true);
    expect((err as Error).message).toBe('p-echo-fail/fail1: bad pixels');
  });

  it('fails only the run whose thread died, and runs the next on a fresh thread', async () => {
    runner = new ThreadPoolRunner({ threads: 1, tasksModule });
    const err = await runner.run(pipeline(['exit']), host().context).catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_PIPELINE_THREAD_DIED')).toBe(true);
    const h = host();
    await runner.run(pipeline(['echo']), h.context);
    expect(h.written).toHaveLength(1);
  });

  it('rejects an aborted run at once and tells its thread, which then takes the next run', async () => {
    runner = new ThreadPoolRunner({ threads: 1, tasksModule });
    const ac = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const aborted = runner.run(
      pipeline(['wait-abort'], ['echo']),
      host(ac.signal).context,
      started,
    );
    const queued = new AbortController();
    const neverRan = runner.run(pipeline(['echo']), host(queued.signal).context);
    queued.abort();
    await expect(neverRan).rejects.toMatchObject({ code: 'PROMPTLY_E_ABORTED' });
    await running;
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'PROMPTLY_E_ABORTED' });
    const h = host();
    await runner.run(pipeline(['echo']), h.context);
    expect(h.written).toHaveLength(1);
  });

  it('refuses a thread count outside 1..256 and runs after close', async () => {
    expect(() => new ThreadPoolRunner({ threads: 0, tasksModule })).toThrow(/1\.\.256/);
    const closed = new ThreadPoolRunner({ threads: 1, tasksModule });
    await closed.close();
    await expect(closed.run(pipeline(['echo']), host().context)).rejects.toMatchObject({
      code: 'PROMPTLY_E_ABORTED',
    });
  });
});
