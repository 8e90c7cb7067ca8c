import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptlyError, throwIfAborted } from '../../../core/errors.js';
import type {
  BatchAttachOptions,
  BatchBackend,
  BatchCallOptions,
  BatchEvent,
  BatchLaunch,
  BatchState,
} from '../batch-backend.js';
import { EventQueue } from '../event-queue.js';
import { checkWorkDir, intOption, validateLaunch } from '../validate-launch.js';
import { BATCH_SCRIPT_FILE, batchScript, sbatchArgs } from './sbatch-script.js';
import { DEFAULT_SLURM_COMMANDS, runSlurmTool, type SlurmCommands } from './slurm-cli.js';
import {
  SACCT_FORMAT,
  SQUEUE_FORMAT,
  parseSacct,
  parseScontrolJob,
  parseSqueue,
  slurmEvent,
  slurmStateRan,
  type SlurmJob,
} from './slurm-state.js';

/** Options of {@link SlurmBackend}; every field has a default. */
export interface SlurmBackendOptions {
  /**
   * Interval of the reconcile that follows jobs, ms, 100..60 000; default 1000. It runs only
   * while some followed job has not ended, and asks about those jobs only.
   */
  readonly reconcileMs?: number;
  /** Partition to submit to (`[A-Za-z0-9_.-]{1,64}`); default: the cluster's default. */
  readonly partition?: string;
  /** Paths of the Slurm tools; default: found on PATH. */
  readonly commands?: Partial<SlurmCommands>;
  /** Longest a Slurm tool may take to answer, ms, 1000..300 000; default 30 000. */
  readonly commandTimeoutMs?: number;
}

const PARTITION = /^[A-Za-z0-9_.-]{1,64}$/;
/** Plain job ids only (no array or het-job ids: the backend never submits those). */
const JOB_ID = /^[1-9][0-9]{0,9}$/;
const TERMINAL: ReadonlySet<BatchState> = new Set(['completed', 'failed', 'cancelled', 'timeout']);

interface FollowedJob {
  readonly jobId: string;
  last: BatchEvent;
}

/**
 * BatchBackend on Slurm (Debian's slurm-wlm), through its command-line tools run without a
 * shell. `submit` writes a batch script into the workDir that `exec`s the job under `env -i`
 * with exactly `launch.env`, and submits it with `sbatch --export=NONE` (nothing of this
 * process's environment reaches the job), the job named `promptly-<jobId>`, output appended to
 * `stdout.log`/`stderr.log`, the time limit rounded up to whole minutes.
 *
 * Following jobs: Slurm pushes nothing to a client, so a reconcile runs every `reconcileMs`
 * while any followed job has not ended (and not at all otherwise): one `squeue --states=all`
 * for exactly those job ids, then `scontrol show job -o` for each job that just ended (its exit
 * code). Both read slurmctld's memory, which holds a finished job for `MinJobAge` seconds
 * (default 300), so they work without Slurm accounting; a job slurmctld has already forgotten
 * is looked up with `sacct` (works only where accounting is configured), else reported failed.
 *
 * Events: `queued` on submit (sbatch accepted it), `running`, then one terminal state; a job
 * that started and ended between two reconciles gets its `running` reported just before its end.
 */
export class SlurmBackend implements BatchBackend {
  readonly kind = 'slurm';
  readonly reconcileMs: number;
  readonly partition: string | undefined;
  readonly commandTimeoutMs: number;
  readonly #commands: SlurmCommands;
  readonly #events = new EventQueue<BatchEvent>();
  readonly #followed = new Map<string, FollowedJob>();
  /** Aborts the tools still running when the backend closes. */
  readonly #closing = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #reconciling = false;

  constructor(options: SlurmBackendOptions = {}) {
    this.reconcileMs = intOption('reconcileMs', options.reconcileMs, 100, 60_000, 1_000);
    this.commandTimeoutMs = intOption(
      'commandTimeoutMs',
      options.commandTimeoutMs,
      1_000,
      300_000,
      30_000,
    );
    if (options.partition !== undefined && !PARTITION.test(options.partition)) {
      throw new PromptlyError(
        'PROMPTLY_E_BATCH_INVALID',
        `Slurm partition must match ${PARTITION.source}, got ${options.partition}`,
        { details: [{ path: 'partition', message: `must match ${PARTITION.source}` }] },
      );
    }
    this.partition = options.partition;
    this.#commands = { ...DEFAULT_SLURM_COMMANDS, ...options.commands };
  }

  async submit(launch: BatchLaunch, options: BatchCallOptions = {}): Promise<string> {
    this.#throwIfClosed();
    throwIfAborted(options.signal);
    validateLaunch(launch);
    if (launch.argv[0]?.includes('=')) {
      throw new PromptlyError(
        'PROMPTLY_E_BATCH_INVALID',
        `job ${launch.jobId}: on Slurm argv[0] must not contain "=" (env(1) would read it as a variable)`,
        { details: [{ path: 'argv[0]', message: 'must not contain "="' }] },
      );
    }
    await checkWorkDir(launch.workDir, options.signal);
    const script = path.join(launch.workDir, BATCH_SCRIPT_FILE);
    // The script holds the job's environment: readable by its owner only.
    await writeFile(script, batchScript(launch), { mode: 0o600 });
    const result = await this.#run(
      this.#commands.sbatch,
      sbatchArgs(launch, script, this.partition),
      options.signal,
    );
    const batchId = /^(\d+)(;\S*)?$/.exec(result.stdout.trim())?.[1];
    if (result.exitCode !== 0 || batchId === undefined) {
      const said = (result.stderr.trim() || result.stdout.trim()).slice(0, 2000);
      throw new PromptlyError(
        'PROMPTLY_E_BATCH_SUBMIT',
        `sbatch refused job ${launch.jobId} (exit ${result.exitCode}): ${said}`,
      );
    }
    const queued: BatchEvent = { jobId: launch.jobId, batchId, state: 'queued', atMs: Date.now() };
    if (!this.#followed.has(batchId)) {
      this.#followed.set(batchId, { jobId: launch.jobId, last: queued });
      this.#events.push(queued);
    }
    this.#schedule();
    return batchId;
  }

  async attach(
    jobId: string,
    batchId: string,
    options: BatchAttachOptions = {},
  ): Promise<BatchEvent | undefined> {
    this.#throwIfClosed();
    throwIfAborted(options.signal);
    const known = this.#followed.get(batchId);
    if (known) return known.jobId === jobId ? known.last : undefined;
    if (!JOB_ID.test(batchId)) return undefined;
    const job = await this.#lookup(batchId, options.signal);
    if (job?.name !== `promptly-${jobId}`) return undefined;
    // A state this backend does not know is a job still alive in some form: queued until seen.
    const now = slurmEvent(jobId, job, Date.now()) ?? {
      jobId,
      batchId,
      state: 'queued',
      atMs: Date.now(),
    };
    this.#throwIfClosed();
    if (!TERMINAL.has(now.state) && !this.#followed.has(batchId)) {
      this.#followed.set(batchId, { jobId, last: now });
      this.#schedule();
    }
    return now;
  }

  async cancel(batchId: string, options: BatchCallOptions = {}): Promise<void> {
    this.#throwIfClosed();
    throwIfAborted(options.signal);
    if (!JOB_ID.test(batchId)) {
      throw new PromptlyError('PROMPTLY_E_BATCH_INVALID', `not a Slurm job id: ${batchId}`, {
        details: [{ path: 'batchId', message: 'must be a Slurm job id' }],
      });
    }
    const last = this.#followed.get(batchId)?.last;
    if (last && TERMINAL.has(last.state)) return;
    const result = await this.#run(this.#commands.scancel, [batchId], options.signal);
    // Cancelling a job that has ended (or that Slurm has forgotten) changes nothing: fine.
    if (
      result.exitCode !== 0 &&
      !/already completing or completed|Invalid job id/i.test(result.stderr)
    ) {
      throw new PromptlyError(
        'PROMPTLY_E_BATCH_UNAVAILABLE',
        `scancel ${batchId} failed (exit ${result.exitCode}): ${result.stderr.trim()}`,
      );
    }
  }

  events(): AsyncIterable<BatchEvent> {
    return this.#events;
  }

  /** Stops following jobs (they go on running in Slurm) and aborts tools still running. */
  close(): Promise<void> {
    if (!this.#closing.signal.aborted) {
      this.#closing.abort();
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#followed.clear();
      this.#events.end();
    }
    return Promise.resolve();
  }

  #throwIfClosed(): void {
    if (this.#closing.signal.aborted) {
      throw new PromptlyError('PROMPTLY_E_BATCH_CLOSED', 'the Slurm batch backend is closed');
    }
  }

  #run(file: string, args: readonly string[], signal: AbortSignal | undefined) {
    const signals = signal ? [signal, this.#closing.signal] : [this.#closing.signal];
    return runSlurmTool(file, args, {
      signal: AbortSignal.any(signals),
      timeoutMs: this.commandTimeoutMs,
    });
  }

  /** Job `batchId` from slurmctld, else from accounting; undefined when neither knows it. */
  async #lookup(batchId: string, signal?: AbortSignal): Promise<SlurmJob | undefined> {
    const shown = await this.#run(this.#commands.scontrol, ['show', 'job', '-o', batchId], signal);
    const job = shown.exitCode === 0 ? parseScontrolJob(shown.stdout) : undefined;
    if (job) return job;
    // Forgotten by slurmctld (older than MinJobAge): only accounting can still know it. Without
    // accounting, sacct fails and the job is unknown.
    const args = ['--parsable2', '--noheader', '--jobs', batchId, '--format', SACCT_FORMAT];
    const acct = await this.#run(this.#commands.sacct, args, signal).catch(() => undefined);
    return acct?.exitCode === 0 ? parseSacct(acct.stdout, batchId) : undefined;
  }

  /** Arms the next reconcile, if any followed job has not ended and none is armed. */
  #schedule(): void {
    if (this.#closing.signal.aborted || this.#timer || this.#reconciling) return;
    if (this.#followed.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#reconciling = true;
      void this.#reconcile()
        .catch(() => undefined) // Controller away: the next round asks again.
        .finally(() => {
          this.#reconciling = false;
          this.#schedule();
        });
    }, this.reconcileMs);
  }

  async #reconcile(): Promise<void> {
    const ids = [...this.#followed.keys()];
    if (ids.length === 0) return;
    const args = ['--noheader', '--states=all', '--jobs', ids.join(','), '--format', SQUEUE_FORMAT];
    const listed = await this.#run(this.#commands.squeue, args, undefined);
    // squeue fails with "Invalid job id specified" when it knows none of the ids.
    if (listed.exitCode !== 0 && !/Invalid job id/i.test(listed.stderr)) {
      throw new PromptlyError(
        'PROMPTLY_E_BATCH_UNAVAILABLE',
        `squeue failed (exit ${listed.exitCode}): ${listed.stderr.trim()}`,
      );
    }
    const rows = listed.exitCode === 0 ? parseSqueue(listed.stdout) : new Map<string, SlurmJob>();
    for (const batchId of ids) {
      const followed = this.#followed.get(batchId);
      if (!followed) continue; // Closed meanwhile.
      const row = rows.get(batchId);
      const seen = row ? slurmEvent(followed.jobId, row, Date.now()) : undefined;
      if (seen && !TERMINAL.has(seen.state)) {
        this.#advance(batchId, followed, seen, row);
        continue;
      }
      if (row && !seen) continue; // A state we do not know: wait for one we do.
      // Ended (or forgotten): the details say how.
      const job = (await this.#lookup(batchId)) ?? row;
      const ended = job ? slurmEvent(followed.jobId, job, Date.now()) : undefined;
      this.#advance(
        batchId,
        followed,
        ended ?? {
          jobId: followed.jobId,
          batchId,
          state: 'failed',
          reason:
            'Slurm no longer knows the job (past MinJobAge, no accounting) and it was not seen ending',
          atMs: Date.now(),
        },
        job,
      );
    }
  }

  /** Reports `next` if it changes the job's state, with `running` first if it was skipped. */
  #advance(batchId: string, job: FollowedJob, next: BatchEvent, slurm: SlurmJob | undefined): void {
    if (this.#closing.signal.aborted || next.state === job.last.state) return;
    if (TERMINAL.has(job.last.state)) return;
    // Never backwards (a requeue, which --no-requeue rules out for our own submissions).
    if (job.last.state === 'running' && next.state === 'queued') return;
    if (
      job.last.state === 'queued' &&
      TERMINAL.has(next.state) &&
      slurm &&
      slurmStateRan(slurm.state)
    ) {
      this.#events.push({ jobId: job.jobId, batchId, state: 'running', atMs: next.atMs });
    }
    job.last = next;
    this.#events.push(next);
    if (TERMINAL.has(next.state)) this.#followed.delete(batchId);
  }
}
