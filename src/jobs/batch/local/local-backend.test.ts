import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchLaunch } from '../batch-backend.js';
import { runBatchConformance } from '../testing/batch-conformance.js';
import { BatchEventLog, statesOf } from '../testing/batch-event-log.js';
import { BATCH_RECORD_FILE } from './job-files.js';
import { LocalBackend } from './local-backend.js';
import { readProcStat } from './proc-stat.js';

const tempDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'promptly-local-batch-'));

runBatchConformance('local', () => ({
  open: () => Promise.resolve(new LocalBackend({ maxRunning: 4, killGraceMs: 500 })),
  workDir: tempDir,
  unknownBatchId: 'local-0000000000000000',
}));

const DEADLINE_MS = 30_000;
/** Runs until a file `release` appears in its work dir. */
const GATE = ['/bin/sh', '-c', 'while [ ! -e release ]; do sleep 0.05; done'];

describe('LocalBackend', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  function setup(options: ConstructorParameters<typeof LocalBackend>[0]) {
    const backend = new LocalBackend(options);
    const log = new BatchEventLog(backend);
    const dirs: string[] = [];
    cleanup.push(async () => {
      await backend.close();
      for (const dir of dirs) {
        await writeFile(path.join(dir, 'release'), '').catch(() => undefined);
        await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      }
    });
    const launch = async (argv: string[], fields: Partial<BatchLaunch> = {}) => {
      const dir = await tempDir();
      dirs.push(dir);
      return {
        jobId: `t${dirs.length}`,
        argv,
        env: { PATH: '/usr/bin:/bin' },
        workDir: dir,
        cores: 1,
        memoryMiB: 16,
        timeLimitS: 600,
        ...fields,
      };
    };
    return { backend, log, launch };
  }

  it('keeps a job queued until its cores are free, and never lets a later job overtake it', async () => {
    const { backend, log, launch } = setup({ maxRunning: 2 });
    const gate = await launch(GATE);
    const a = await backend.submit(gate);
    await log.state(a, 'running', DEADLINE_MS);
    // One core is free: b needs two and waits; c needs one but must wait behind b.
    const b = await backend.submit(await launch(['/bin/true'], { cores: 2 }));
    const c = await backend.submit(await launch(['/bin/true']));
    await writeFile(path.join(gate.workDir, 'release'), '');
    await log.terminal(c, DEADLINE_MS);
    const name = (id: string): string => (id === a ? 'a' : id === b ? 'b' : 'c');
    const order = log.events.map((e) => `${name(e.batchId)}:${e.state}`);
    expect(order.indexOf('a:completed')).toBeLessThan(order.indexOf('b:running'));
    expect(order.indexOf('b:completed')).toBeLessThan(order.indexOf('c:running'));
    expect(statesOf(log.events, c)).toEqual(['queued', 'running', 'completed']);
  });

  it('cancels a queued job without ever starting it', async () => {
    const { backend, log, launch } = setup({ maxRunning: 1 });
    const gate = await launch(GATE);
    const a = await backend.submit(gate);
    await log.state(a, 'running', DEADLINE_MS);
    const queued = await launch(['/bin/sh', '-c', 'echo ran > ran']);
    const b = await backend.submit(queued);
    await backend.cancel(b);
    expect(await log.terminal(b, DEADLINE_MS)).toMatchObject({ state: 'cancelled' });
    await writeFile(path.join(gate.workDir, 'release'), '');
    await log.terminal(a, DEADLINE_MS);
    expect(statesOf(log.events, b)).toEqual(['queued', 'cancelled']);
    await expect(readFile(path.join(queued.workDir, 'ran'), 'utf8')).rejects.toThrow();
  });

  it('refuses a job that asks for more cores than the pool has', async () => {
    const { backend, launch } = setup({ maxRunning: 2 });
    await expect(backend.submit(await launch(['/bin/true'], { cores: 3 }))).rejects.toMatchObject({
      code: 'PROMPTLY_E_BATCH_INVALID',
    });
  });

  it('SIGKILLs a job that ignores SIGTERM once the grace has passed, and reports timeout', async () => {
    const { backend, log, launch } = setup({ maxRunning: 1, killGraceMs: 200 });
    const stubborn = await launch(['/bin/sh', '-c', 'trap "" TERM; sleep 600'], { timeLimitS: 1 });
    const id = await backend.submit(stubborn);
    const end = await log.terminal(id, DEADLINE_MS);
    expect(end).toMatchObject({ state: 'timeout' });
    expect(end.reason).toMatch(/SIGKILL/);
  });

  it('reports a program that cannot be started as failed, with the reason', async () => {
    const { backend, log, launch } = setup({});
    const id = await backend.submit(await launch(['/nonexistent/program']));
    const end = await log.terminal(id, DEADLINE_MS);
    expect(end).toMatchObject({ state: 'failed' });
    expect(end.reason).toMatch(/ENOENT/);
  });

  it('does not take a reused pid for its job: a live process with another start time is not the job', async () => {
    const { backend, launch } = setup({});
    const { workDir } = await launch(['/bin/true']);
    const me = await readProcStat(process.pid);
    expect(me).toBeDefined();
    const batchId = 'local-00000000000000aa';
    const record = { v: 1, batchId, jobId: 'reused', pid: process.pid, cores: 1, startedAtMs: 0 };
    await writeFile(
      path.join(workDir, BATCH_RECORD_FILE),
      JSON.stringify({ ...record, startTicks: me!.startTicks + 1 }),
    );
    const seen = await backend.attach('reused', batchId, { workDir });
    expect(seen?.state).toBe('failed');
    expect(seen?.reason).toMatch(/without an exit record/);
    // The same record with the true start time is the (live) process: attach says running.
    await writeFile(
      path.join(workDir, BATCH_RECORD_FILE),
      JSON.stringify({ ...record, startTicks: me!.startTicks }),
    );
    const other = new LocalBackend({});
    cleanup.push(() => other.close());
    expect((await other.attach('reused', batchId, { workDir }))?.state).toBe('running');
  });

  it('needs the workDir to attach, and rejects out-of-range options', async () => {
    const { backend } = setup({});
    await expect(backend.attach('j', 'local-0000000000000001')).rejects.toMatchObject({
      code: 'PROMPTLY_E_BATCH_INVALID',
    });
    for (const bad of [
      { maxRunning: 0 },
      { maxRunning: 257 },
      { killGraceMs: 5 },
      { pollMs: 1.5 },
    ]) {
      expect(() => new LocalBackend(bad)).toThrow(
        expect.objectContaining({ code: 'PROMPTLY_E_BATCH_INVALID' }),
      );
    }
  });
});
