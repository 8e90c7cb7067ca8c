import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BatchBackend, BatchLaunch } from '../batch-backend.js';
import { BatchEventLog, isTerminal, statesOf } from './batch-event-log.js';
import { expectCode, expectLifecycle, processEnded, until } from './conformance-helpers.js';

/** What a backend gives the suite. */
export interface BatchConformanceHarness {
  /** A new backend instance, as a (re)started manager would create it. */
  open(): Promise<BatchBackend>;
  /**
   * A new, empty, absolute work directory that the backend's jobs can use (for a cluster: on
   * the shared file system). The suite removes it after the test.
   */
  workDir(): Promise<string>;
  /** A batch id of the backend's own form that names no job. */
  readonly unknownBatchId: string;
}

/** Options of {@link runBatchConformance}. */
export interface BatchConformanceOptions {
  /** `timeLimitS` of the time-limit case, s; default 1 (Slurm counts whole minutes: 60). */
  readonly timeLimitS?: number;
  /** Vitest timeout of the time-limit case, ms; default 60 000. */
  readonly timeLimitCaseMs?: number;
  /** Failure deadline of every wait for an event, ms; default 60 000. */
  readonly deadlineMs?: number;
  /** Vitest timeout of the other cases, ms; default 120 000. */
  readonly caseMs?: number;
}

/** Declared in every job's environment; the suite's own process has other variables too. */
const PATH_ENV = '/usr/bin:/bin';
/** Set in the test runner's environment: a job must never see it. */
const LEAK_NAME = 'PROMPTLY_BATCH_CONFORMANCE_LEAK';
/** Runs until a file `release` appears in its work dir, then exits 0. */
const GATE = ['/bin/sh', '-c', 'while [ ! -e release ]; do sleep 0.1; done; echo released'];

/**
 * The one BatchBackend conformance suite: the local pool and Slurm run it unchanged. Each test
 * uses fresh backend instances and work dirs, and waits on the backend's events (deadlines only
 * fail a test that hangs). Jobs are small shell programs from /bin and /usr/bin, so the machine
 * that runs them (a Slurm node) needs nothing else.
 *
 * Ordering: every job must report `running` before its terminal state; `queued` is optional
 * (a backend may start a job at once without reporting it queued).
 */
export function runBatchConformance(
  backendName: string,
  makeHarness: () => BatchConformanceHarness | Promise<BatchConformanceHarness>,
  options: BatchConformanceOptions = {},
): void {
  const deadlineMs = options.deadlineMs ?? 60_000;
  const caseMs = options.caseMs ?? 120_000;
  const timeLimitS = options.timeLimitS ?? 1;

  describe(`BatchBackend conformance: ${backendName}`, () => {
    let harness: BatchConformanceHarness;
    let backends: BatchBackend[] = [];
    let workDirs: string[] = [];
    let jobs: { jobId: string; batchId: string; workDir: string }[] = [];
    let ended = new Set<string>();
    let logs: BatchEventLog[] = [];

    beforeAll(async () => {
      harness = await makeHarness();
      process.env[LEAK_NAME] = 'must-not-reach-a-job';
    });
    afterAll(() => {
      delete process.env[LEAK_NAME];
    });

    afterEach(async () => {
      for (const log of logs)
        for (const e of log.events) if (isTerminal(e.state)) ended.add(e.batchId);
      for (const b of backends) await b.close();
      const leftovers = jobs.filter((j) => !ended.has(j.batchId));
      if (leftovers.length > 0) {
        // A failed test may leave jobs running: a fresh instance ends them.
        const cleaner = await harness.open();
        for (const j of leftovers) {
          await cleaner.attach(j.jobId, j.batchId, { workDir: j.workDir }).catch(() => undefined);
          await cleaner.cancel(j.batchId).catch(() => undefined);
        }
        await cleaner.close();
      }
      for (const dir of workDirs) {
        await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      }
      backends = [];
      workDirs = [];
      jobs = [];
      ended = new Set();
      logs = [];
    });

    const open = async (): Promise<{ backend: BatchBackend; log: BatchEventLog }> => {
      const backend = await harness.open();
      backends.push(backend);
      const log = new BatchEventLog(backend);
      logs.push(log);
      return { backend, log };
    };
    const workDir = async (): Promise<string> => {
      const dir = await harness.workDir();
      workDirs.push(dir);
      return dir;
    };
    const launchIn = (dir: string, argv: string[], extra: Partial<BatchLaunch> = {}) => ({
      jobId: `c${randomUUID().replaceAll('-', '').slice(0, 12)}`,
      argv,
      env: { PATH: PATH_ENV },
      workDir: dir,
      cores: 1,
      memoryMiB: 64,
      timeLimitS: 600,
      ...extra,
    });
    const submit = async (backend: BatchBackend, launch: BatchLaunch): Promise<string> => {
      const batchId = await backend.submit(launch);
      jobs.push({ jobId: launch.jobId, batchId, workDir: launch.workDir });
      return batchId;
    };
    const stdout = (dir: string): Promise<string> => readFile(path.join(dir, 'stdout.log'), 'utf8');

    it(
      'runs a job with exactly the environment it is given, nothing inherited from the submitter',
      async () => {
        expect(process.env[LEAK_NAME]).toBeDefined();
        const { backend, log } = await open();
        const dir = await workDir();
        const env = {
          PATH: PATH_ENV,
          PROMPTLY_DECLARED: `spaces, = signs, 'quotes' "and" $dollars`,
          PROMPTLY_EMPTY: '',
        };
        const launch = launchIn(dir, ['/usr/bin/env'], { env });
        const batchId = await submit(backend, launch);
        const end = await log.terminal(batchId, deadlineMs);
        expect(end).toMatchObject({
          jobId: launch.jobId,
          batchId,
          state: 'completed',
          exitCode: 0,
        });
        const lines = (await stdout(dir)).split('\n').filter((l) => l !== '');
        expect(lines.sort()).toEqual(
          Object.entries(env)
            .map(([k, v]) => `${k}=${v}`)
            .sort(),
        );
        expectLifecycle(log.events, batchId, 'completed');
      },
      caseMs,
    );

    it(
      'passes every argument through verbatim: spaces, quotes, $, *, backslashes, newlines, empty',
      async () => {
        const { backend, log } = await open();
        const dir = await workDir();
        const args = ['two words', `it's`, '"dq"', '$HOME', '*', 'back\\slash', 'new\nline', ''];
        const script = 'for a in "$@"; do printf "<%s>\\n" "$a"; done';
        const batchId = await submit(
          backend,
          launchIn(dir, ['/bin/sh', '-c', script, 'sh', ...args]),
        );
        expect(await log.terminal(batchId, deadlineMs)).toMatchObject({ state: 'completed' });
        expect(await stdout(dir)).toBe(args.map((a) => `<${a}>\n`).join(''));
      },
      caseMs,
    );

    it(
      'runs in its work dir and appends stdout and stderr to stdout.log and stderr.log there',
      async () => {
        const { backend, log } = await open();
        const dir = await workDir();
        await writeFile(path.join(dir, 'stdout.log'), 'earlier\n');
        const script = 'pwd -P; echo to-out; echo to-err >&2';
        const batchId = await submit(backend, launchIn(dir, ['/bin/sh', '-c', script]));
        expect(await log.terminal(batchId, deadlineMs)).toMatchObject({ state: 'completed' });
        expect(await stdout(dir)).toBe(`earlier\n${await realpath(dir)}\nto-out\n`);
        expect(await readFile(path.join(dir, 'stderr.log'), 'utf8')).toBe('to-err\n');
      },
      caseMs,
    );

    it(
      'reports exit status 0 as completed, a non-zero status as failed with its code, and a signal as failed',
      async () => {
        const { backend, log } = await open();
        const ok = await submit(backend, launchIn(await workDir(), ['/bin/sh', '-c', 'exit 0']));
        const bad = await submit(backend, launchIn(await workDir(), ['/bin/sh', '-c', 'exit 3']));
        const killed = await submit(
          backend,
          launchIn(await workDir(), ['/bin/sh', '-c', 'kill -KILL $$']),
        );
        expect(await log.terminal(ok, deadlineMs)).toMatchObject({
          state: 'completed',
          exitCode: 0,
        });
        const failed = await log.terminal(bad, deadlineMs);
        expect(failed).toMatchObject({ state: 'failed', exitCode: 3 });
        expect(failed.reason).toMatch(/3/);
        const signalled = await log.terminal(killed, deadlineMs);
        expect(signalled.state).toBe('failed');
        expect(signalled.exitCode).toBeUndefined();
        expect(signalled.reason).toMatch(/KILL|9/);
        expectLifecycle(log.events, ok, 'completed');
        expectLifecycle(log.events, bad, 'failed');
        expectLifecycle(log.events, killed, 'failed');
      },
      caseMs,
    );

    it(
      'cancels a running job: it and the processes it started end, it reports cancelled, a second cancel is a no-op',
      async () => {
        const { backend, log } = await open();
        const dir = await workDir();
        const script = 'sleep 600 & echo $! > child.pid; wait';
        const batchId = await submit(backend, launchIn(dir, ['/bin/sh', '-c', script]));
        await log.state(batchId, 'running', deadlineMs);
        const pidFile = path.join(dir, 'child.pid');
        await until('child.pid written', () => Promise.resolve(existsSync(pidFile)), deadlineMs);
        const child = Number((await readFile(pidFile, 'utf8')).trim());
        expect(Number.isInteger(child)).toBe(true);
        await backend.cancel(batchId);
        const end = await log.terminal(batchId, deadlineMs);
        expect(end.state).toBe('cancelled');
        await until(`the job's own child ${child} ended`, () => processEnded(child), deadlineMs);
        await backend.cancel(batchId);
        expectLifecycle(log.events, batchId, 'cancelled');
      },
      caseMs,
    );

    it(
      'leaves a finished job as it ended when it is cancelled afterwards',
      async () => {
        const { backend, log } = await open();
        const done = await submit(backend, launchIn(await workDir(), ['/bin/sh', '-c', 'exit 0']));
        await log.terminal(done, deadlineMs);
        await backend.cancel(done);
        // A later job's end orders after anything the cancel could have caused.
        const marker = await submit(backend, launchIn(await workDir(), ['/bin/true']));
        await log.terminal(marker, deadlineMs);
        expect(statesOf(log.events, done).at(-1)).toBe('completed');
        expect(
          log
            .of(done)
            .filter((e) => isTerminal(e.state))
            .map((e) => e.state),
        ).toEqual(['completed']);
      },
      caseMs,
    );

    it(
      'ends a job that runs past its time limit and reports timeout',
      async () => {
        const { backend, log } = await open();
        const launch = launchIn(await workDir(), ['/bin/sleep', '3000'], { timeLimitS });
        const batchId = await submit(backend, launch);
        const end = await log.terminal(batchId, options.timeLimitCaseMs ?? deadlineMs);
        expect(end.state).toBe('timeout');
        expectLifecycle(log.events, batchId, 'timeout');
      },
      options.timeLimitCaseMs ?? 60_000,
    );

    it(
      'reports each of several concurrent jobs in order, with its own output',
      async () => {
        const { backend, log } = await open();
        const dirs = [await workDir(), await workDir(), await workDir()];
        const ids = await Promise.all(
          dirs.map((dir, i) => submit(backend, launchIn(dir, ['/bin/sh', '-c', `echo job-${i}`]))),
        );
        for (const [i, batchId] of ids.entries()) {
          expect(await log.terminal(batchId, deadlineMs)).toMatchObject({ state: 'completed' });
          expect(await stdout(dirs[i]!)).toBe(`job-${i}\n`);
          expectLifecycle(log.events, batchId, 'completed');
        }
        expect(new Set(ids).size).toBe(3);
      },
      caseMs,
    );

    it(
      'lets a new instance attach to a job that runs on after a manager restart, and reports its end',
      async () => {
        const first = await open();
        const dir = await workDir();
        const launch = launchIn(dir, GATE);
        const batchId = await submit(first.backend, launch);
        await first.log.state(batchId, 'running', deadlineMs);
        await first.backend.close();
        await first.log.ended();

        const second = await open();
        const now = await second.backend.attach(launch.jobId, batchId, { workDir: dir });
        expect(now).toMatchObject({ jobId: launch.jobId, batchId, state: 'running' });
        await writeFile(path.join(dir, 'release'), '');
        const end = await second.log.terminal(batchId, deadlineMs);
        expect(end).toMatchObject({ jobId: launch.jobId, state: 'completed', exitCode: 0 });
        expect(statesOf(second.log.events, batchId).filter((s) => s !== 'running')).toEqual([
          'completed',
        ]);
        expect(await stdout(dir)).toBe('released\n');
      },
      caseMs,
    );

    it(
      'lets a new instance attach to a job that ended meanwhile, and refuses a batch id under another job id',
      async () => {
        const first = await open();
        const dir = await workDir();
        const launch = launchIn(dir, ['/bin/sh', '-c', 'exit 4']);
        const batchId = await submit(first.backend, launch);
        await first.log.terminal(batchId, deadlineMs);
        await first.backend.close();

        const { backend } = await open();
        const then = await backend.attach(launch.jobId, batchId, { workDir: dir });
        expect(then).toMatchObject({ jobId: launch.jobId, batchId, state: 'failed', exitCode: 4 });
        await expect(
          backend.attach('someone-else', batchId, { workDir: dir }),
        ).resolves.toBeUndefined();
      },
      caseMs,
    );

    it(
      'resolves undefined when attaching to a batch id it does not know',
      async () => {
        const { backend } = await open();
        const dir = await workDir();
        await expect(
          backend.attach('nobody', harness.unknownBatchId, { workDir: dir }),
        ).resolves.toBeUndefined();
      },
      caseMs,
    );

    it(
      'refuses out-of-range or malformed launches with PROMPTLY_E_BATCH_INVALID and starts nothing',
      async () => {
        const { backend, log } = await open();
        const dir = await workDir();
        const good = launchIn(dir, ['/bin/true']);
        const bad: Partial<BatchLaunch>[] = [
          { cores: 0 },
          { cores: 257 },
          { cores: 1.5 },
          { cores: Number.NaN },
          { memoryMiB: 0 },
          { memoryMiB: 4_194_305 },
          { timeLimitS: 0 },
          { timeLimitS: 604_801 },
          { timeLimitS: Number.POSITIVE_INFINITY },
          { argv: [] },
          { argv: [''] },
          { argv: ['/bin/echo', 'nul\0byte'] },
          { env: { 'A=B': 'x' } },
          { env: { '1A': 'x' } },
          { jobId: 'has space' },
          { jobId: 'x'.repeat(65) },
          { workDir: 'relative/dir' },
          { workDir: path.join(dir, 'does-not-exist') },
        ];
        for (const fields of bad) {
          await expectCode(backend.submit({ ...good, ...fields }), 'PROMPTLY_E_BATCH_INVALID');
        }
        // Everything refused before anything was queued.
        expect(log.events).toEqual([]);
      },
      caseMs,
    );

    it(
      'honours an aborted signal in submit, attach and cancel, and refuses work once closed',
      async () => {
        const { backend } = await open();
        const dir = await workDir();
        const signal = AbortSignal.abort();
        const launch = launchIn(dir, ['/bin/true']);
        await expectCode(backend.submit(launch, { signal }), 'PROMPTLY_E_ABORTED');
        await expectCode(
          backend.attach('nobody', harness.unknownBatchId, { workDir: dir, signal }),
          'PROMPTLY_E_ABORTED',
        );
        await expectCode(backend.cancel(harness.unknownBatchId, { signal }), 'PROMPTLY_E_ABORTED');
        await backend.close();
        await expectCode(backend.submit(launch), 'PROMPTLY_E_BATCH_CLOSED');
        await backend.close(); // idempotent
      },
      caseMs,
    );
  });
}
