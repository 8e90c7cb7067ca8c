import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { sleepReal } from '../../../core/clock.js';
import type { BatchLaunch } from '../batch-backend.js';
import { runBatchConformance } from '../testing/batch-conformance.js';
import { BatchEventLog } from '../testing/batch-event-log.js';
import { BATCH_SCRIPT_FILE } from './sbatch-script.js';
import { SlurmBackend } from './slurm-backend.js';

/** Why the Slurm tests must skip (printed once), or undefined when a node answers sinfo. */
async function slurmSkipReason(): Promise<string | undefined> {
  const hint = '(apt package slurm-wlm; .ci/slurm-setup sets it up)';
  let reason: string | undefined;
  try {
    const { stdout } = await promisify(execFile)('sinfo', ['-h', '-o', '%T'], { timeout: 10_000 });
    if (stdout.trim() === '') reason = `slurm tests skipped: sinfo lists no node ${hint}`;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    reason =
      e.code === 'ENOENT'
        ? `slurm tests skipped: sinfo not found ${hint}`
        : `slurm tests skipped: no slurmctld reachable ${hint}`;
  }
  if (reason) console.warn(reason);
  return reason;
}

const skip = await slurmSkipReason();
const tempDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'promptly-slurm-batch-'));
const DEADLINE_MS = 120_000;

describe.skipIf(skip !== undefined)('SlurmBackend on a real Slurm', () => {
  // Slurm keeps time limits in whole minutes and checks them about every 30 s: a 60 s limit
  // ends the job 60..~100 s after it started.
  runBatchConformance(
    'slurm',
    () => ({
      open: () => Promise.resolve(new SlurmBackend({ reconcileMs: 250 })),
      workDir: tempDir,
      unknownBatchId: '4000000000',
    }),
    { timeLimitS: 60, timeLimitCaseMs: 240_000, deadlineMs: DEADLINE_MS, caseMs: 180_000 },
  );

  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });
  const launchIn = async (argv: string[], fields: Partial<BatchLaunch> = {}) => {
    const workDir = await tempDir();
    cleanup.push(() => rm(workDir, { recursive: true, force: true }));
    return {
      jobId: `s${Date.now().toString(36)}`,
      argv,
      env: { PATH: '/usr/bin:/bin' },
      workDir,
      cores: 1,
      memoryMiB: 64,
      timeLimitS: 120,
      ...fields,
    };
  };
  const open = (options: ConstructorParameters<typeof SlurmBackend>[0] = {}) => {
    const backend = new SlurmBackend(options);
    cleanup.push(() => backend.close());
    return { backend, log: new BatchEventLog(backend) };
  };

  it('refuses a job Slurm cannot place with PROMPTLY_E_BATCH_SUBMIT, carrying sbatch stderr', async () => {
    const { backend } = open({ partition: 'no-such-partition' });
    const err: unknown = await backend
      .submit(await launchIn(['/bin/true']))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PROMPTLY_E_BATCH_SUBMIT' });
    expect((err as Error).message).toMatch(/partition/i);
  });

  it('reports a missing Slurm tool as PROMPTLY_E_BATCH_UNAVAILABLE', async () => {
    const { backend } = open({ commands: { sbatch: '/nonexistent/sbatch' } });
    await expect(backend.submit(await launchIn(['/bin/true']))).rejects.toMatchObject({
      code: 'PROMPTLY_E_BATCH_UNAVAILABLE',
    });
  });

  it('writes a batch script readable by its owner only, and refuses "=" in argv[0]', async () => {
    const { backend, log } = open();
    const launch = await launchIn(['/bin/true']);
    const id = await backend.submit(launch);
    const script = path.join(launch.workDir, BATCH_SCRIPT_FILE);
    expect((await stat(script)).mode & 0o777).toBe(0o600);
    expect(await readFile(script, 'utf8')).toContain(
      "exec /usr/bin/env -i \\\n  'PATH=/usr/bin:/bin'",
    );
    await log.terminal(id, DEADLINE_MS);
    await expect(backend.submit(await launchIn(['/bin/a=b']))).rejects.toMatchObject({
      code: 'PROMPTLY_E_BATCH_INVALID',
    });
  });

  it('asks squeue only about jobs it follows, and stops asking once they have ended', async () => {
    const dir = await tempDir();
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const calls = path.join(dir, 'calls');
    const counting = path.join(dir, 'squeue');
    await writeFile(counting, `#!/bin/sh\necho "$*" >> '${calls}'\nexec squeue "$@"\n`);
    await chmod(counting, 0o755);
    const { backend, log } = open({ reconcileMs: 100, commands: { squeue: counting } });
    const first = await backend.submit(await launchIn(['/bin/true']));
    const second = await backend.submit(await launchIn(['/bin/true']));
    await log.terminal(first, DEADLINE_MS);
    await log.terminal(second, DEADLINE_MS);
    const asked = (await readFile(calls, 'utf8')).trim().split('\n');
    expect(asked.length).toBeGreaterThan(0);
    for (const line of asked) {
      const ids = /--jobs (\S+)/.exec(line)?.[1]?.split(',') ?? [];
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect([first, second]).toContain(id);
    }
    // Nothing left to follow: twenty intervals pass without a single squeue.
    await sleepReal(2_000);
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toHaveLength(asked.length);
  });
});
