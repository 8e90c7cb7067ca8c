import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
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
import { BATCH_LIMITS, checkWorkDir, intOption, validateLaunch } from '../validate-launch.js';
import {
  BATCH_RECORD_FILE,
  EXIT_RECORD_FILE,
  endedEvent,
  readBatchRecord,
  removeRecords,
  writeJsonAtomic,
  type BatchRecord,
} from './job-files.js';
import { startWrapper, wrapperEntry, type WrapperEntry } from './job-wrapper.js';
import { isSameProcessAlive, readProcStatSync } from './proc-stat.js';

/** Options of {@link LocalBackend}; every field has a default. */
export interface LocalBackendOptions {
  /**
   * Cores the pool hands out at once, integer 1..256; default `os.availableParallelism()`
   * (at most 256). A job waits `queued` until its cores are free; jobs start in submit order.
   */
  readonly maxRunning?: number;
  /** Time a job gets between SIGTERM and SIGKILL on cancel or time limit, ms, 100..60 000; default 3000. */
  readonly killGraceMs?: number;
  /**
   * How often a job attached after a restart is looked up in /proc, ms, 50..10 000; default
   * 500. Jobs this instance started are not polled: their wrapper is its child.
   */
  readonly pollMs?: number;
}

/** Time after a cancel's grace at which the backend SIGKILLs a wrapper that still runs, ms. */
const WRAPPER_SLACK_MS = 2_000;
const BATCH_ID = /^local-[0-9a-f]{16}$/;
const TERMINAL: ReadonlySet<BatchState> = new Set(['completed', 'failed', 'cancelled', 'timeout']);

interface LocalJob {
  readonly jobId: string;
  readonly batchId: string;
  readonly workDir: string;
  readonly cores: number;
  /** Set while queued; dropped once started. */
  launch?: BatchLaunch;
  state: BatchState;
  /** Holds cores: set once taken from the queue until the job has ended. */
  holdsCores: boolean;
  pid?: number;
  startTicks?: number;
  /** Our child (started here); undefined for an attached job. */
  child?: ChildProcess;
  cancelRequested: boolean;
  killTimer?: NodeJS.Timeout;
  /** The last event reported. */
  last?: BatchEvent;
}

/**
 * The embedded BatchBackend: a process pool on this machine. Each job runs under a small
 * wrapper (`run-job.ts`, a Node process spawned detached, so it leads the job's process
 * group) that gives the job exactly `launch.env`, appends its output to `stdout.log` and
 * `stderr.log` in its workDir, enforces its time limit (SIGTERM, then SIGKILL after
 * `killGraceMs`: `timeout`) and writes how it ended to `workDir/.exit`. The backend records
 * the wrapper's pid and start time in `workDir/.batch.json`, so a manager started later can
 * `attach` (it then polls /proc, since the wrapper is not its child) and a reused pid is never
 * mistaken for the job. Memory is not enforced locally (`memoryMiB` is validated only).
 *
 * Events: `queued` at submit, `running` once the wrapper runs, then one terminal state. Queued
 * jobs live in this instance only: after a restart they are unknown (`attach` → undefined).
 */
export class LocalBackend implements BatchBackend {
  readonly kind = 'local';
  /** Cores the pool hands out at once. */
  readonly maxRunning: number;
  readonly killGraceMs: number;
  readonly pollMs: number;
  readonly #events = new EventQueue<BatchEvent>();
  readonly #jobs = new Map<string, LocalJob>();
  readonly #queue: LocalJob[] = [];
  readonly #watched = new Set<LocalJob>();
  readonly #wrapper: WrapperEntry;
  #usedCores = 0;
  #pollTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: LocalBackendOptions = {}) {
    const cores = Math.min(availableParallelism(), BATCH_LIMITS.maxCores);
    this.maxRunning = intOption('maxRunning', options.maxRunning, 1, BATCH_LIMITS.maxCores, cores);
    this.killGraceMs = intOption('killGraceMs', options.killGraceMs, 100, 60_000, 3_000);
    this.pollMs = intOption('pollMs', options.pollMs, 50, 10_000, 500);
    if (readProcStatSync(process.pid) === undefined) {
      throw new PromptlyError(
        'PROMPTLY_E_BATCH_UNAVAILABLE',
        'the local batch backend needs Linux /proc (to tell its jobs from reused pids)',
      );
    }
    this.#wrapper = wrapperEntry();
  }

  async submit(launch: BatchLaunch, options: BatchCallOptions = {}): Promise<string> {
    this.#throwIfClosed();
    throwIfAborted(options.signal);
    validateLaunch(launch);
    if (launch.cores > this.maxRunning) {
      throw new PromptlyError(
        'PROMPTLY_E_BATCH_INVALID',
        `job ${launch.jobId} asks for ${launch.cores} cores; this pool has ${this.maxRunning}`,
        {
          details: [{ path: 'cores', message: `must be at most maxRunning (${this.maxRunning})` }],
        },
      );
    }
    await checkWorkDir(launch.workDir, options.signal);
    this.#throwIfClosed();
    const job: LocalJob = {
      jobId: launch.jobId,
      batchId: `local-${randomBytes(8).toString('hex')}`,
      workDir: launch.workDir,
      cores: launch.cores,
      launch: { ...launch, argv: [...launch.argv], env: { ...launch.env } },
      state: 'queued',
      holdsCores: false,
      cancelRequested: false,
    };
    this.#jobs.set(job.batchId, job);
    this.#queue.push(job);
    this.#emit(job, { state: 'queued' });
    this.#pump();
    return job.batchId;
  }

  async attach(
    jobId: string,
    batchId: string,
    options: BatchAttachOptions = {},
  ): Promise<BatchEvent | undefined> {
    this.#throwIfClosed();
    throwIfAborted(options.signal);
    const known = this.#jobs.get(batchId);
    if (known) return known.jobId === jobId ? known.last : undefined;
    if (options.workDir === undefined || !path.isAbsolute(options.workDir)) {
      throw new PromptlyError(
        'PROMPTLY_E_BATCH_INVALID',
        `the local backend attaches to job ${jobId} only with its absolute workDir`,
        { details: [{ path: 'workDir', message: 'required: where the job records live' }] },
      );
    }
    if (!BATCH_ID.test(batchId)) return undefined;
    const workDir = options.workDir;
    const record = await readBatchRecord(workDir);
    throwIfAborted(options.signal);
    if (record?.batchId !== batchId || record.jobId !== jobId) return undefined;
    if (await isSameProcessAlive(record.pid, record.startTicks)) {
      this.#throwIfClosed();
      const raced = this.#jobs.get(batchId); // Attached by a concurrent call meanwhile.
      if (raced) return raced.last;
      const job: LocalJob = {
        jobId,
        batchId,
        workDir,
        cores: record.cores,
        state: 'running',
        holdsCores: true,
        pid: record.pid,
        startTicks: record.startTicks,
        cancelRequested: false,
      };
      this.#jobs.set(batchId, job);
      this.#usedCores += job.cores;
      job.last = { jobId, batchId, state: 'running', atMs: Date.now() };
      this.#watched.add(job);
      this.#schedulePoll();
      return job.last;
    }
    return endedEvent(jobId, batchId, workDir, { cancelRequested: false });
  }

  async cancel(batchId: string, options: BatchCallOptions = {}): Promise<void> {
    this.#throwIfClosed();
    throwIfAborted(options.signal);
    const job = this.#jobs.get(batchId);
    if (!job || TERMINAL.has(job.state) || job.cancelRequested) return;
    job.cancelRequested = true;
    if (job.state === 'queued') {
      const at = this.#queue.indexOf(job);
      if (at >= 0) {
        this.#queue.splice(at, 1);
        this.#finish(job, { state: 'cancelled', reason: 'cancelled before it started' });
      }
      // Otherwise it is starting: #start ends it once it has started.
      return;
    }
    await this.#signalCancel(job);
  }

  /**
   * Cancels a started job: SIGTERM to its wrapper, which ends the job's process group (SIGTERM,
   * `killGraceMs`, SIGKILL) and records the end; should the wrapper still run a little later,
   * the backend SIGKILLs the whole group itself.
   */
  async #signalCancel(job: LocalJob): Promise<void> {
    const { pid, startTicks } = job;
    if (pid === undefined || startTicks === undefined) return;
    // A wrapper we did not start may have ended and its pid been reused: check first.
    if (!job.child && !(await isSameProcessAlive(pid, startTicks))) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return; // Already gone; its end is on its way.
    }
    job.killTimer = setTimeout(() => {
      void isSameProcessAlive(pid, startTicks).then((alive) => {
        if (alive && !TERMINAL.has(job.state)) killGroup(pid, 'SIGKILL');
      });
    }, this.killGraceMs + WRAPPER_SLACK_MS);
    job.killTimer.unref();
  }

  events(): AsyncIterable<BatchEvent> {
    return this.#events;
  }

  /** Stops following jobs; running jobs go on running, queued ones are forgotten. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    clearTimeout(this.#pollTimer);
    for (const job of this.#jobs.values()) {
      clearTimeout(job.killTimer);
      job.child?.unref();
    }
    this.#queue.length = 0;
    this.#watched.clear();
    this.#events.end();
    return Promise.resolve();
  }

  #throwIfClosed(): void {
    if (this.#closed) {
      throw new PromptlyError('PROMPTLY_E_BATCH_CLOSED', 'the local batch backend is closed');
    }
  }

  #emit(job: LocalJob, fields: Partial<BatchEvent> & { state: BatchState }): void {
    job.state = fields.state;
    job.last = { jobId: job.jobId, batchId: job.batchId, atMs: Date.now(), ...fields };
    if (!this.#closed) this.#events.push(job.last);
  }

  /** Emits the terminal event, frees the job's cores and starts what now fits. */
  #finish(job: LocalJob, fields: Partial<BatchEvent> & { state: BatchState }): void {
    if (TERMINAL.has(job.state)) return;
    clearTimeout(job.killTimer);
    this.#emit(job, fields);
    this.#watched.delete(job);
    // Forgotten once ended: a later attach reads how it ended from its workDir.
    this.#jobs.delete(job.batchId);
    if (job.holdsCores) {
      job.holdsCores = false;
      this.#usedCores -= job.cores;
    }
    this.#pump();
  }

  /** Starts queued jobs in submit order while the head of the queue fits. */
  #pump(): void {
    while (!this.#closed) {
      const next = this.#queue[0];
      if (!next || next.cores > this.maxRunning - this.#usedCores) return;
      this.#queue.shift();
      next.holdsCores = true;
      this.#usedCores += next.cores;
      void this.#start(next).catch((err: unknown) => {
        this.#finish(next, {
          state: 'failed',
          reason: `could not start: ${(err as Error).message}`,
        });
      });
    }
  }

  async #start(job: LocalJob): Promise<void> {
    const launch = job.launch;
    if (!launch) return;
    job.launch = undefined;
    await removeRecords(job.workDir);
    if (job.cancelRequested || this.#closed) {
      this.#finish(job, { state: 'cancelled', reason: 'cancelled before it started' });
      return;
    }
    const { child, pid, startTicks } = await startWrapper(this.#wrapper, job.workDir, {
      v: 1,
      batchId: job.batchId,
      exitFile: path.join(job.workDir, EXIT_RECORD_FILE),
      argv: launch.argv,
      env: launch.env,
      timeLimitS: launch.timeLimitS,
      killGraceMs: this.killGraceMs,
    });
    let reported!: () => void;
    const running = new Promise<void>((resolve) => {
      reported = resolve;
    });
    this.#follow(job, child, running);
    try {
      if (pid === undefined) return; // 'error' follows.
      job.pid = pid;
      if (startTicks === undefined) {
        killGroup(pid, 'SIGKILL');
        this.#finish(job, { state: 'failed', reason: `cannot read /proc/${pid}/stat` });
        return;
      }
      job.startTicks = startTicks;
      const record: BatchRecord = {
        v: 1,
        batchId: job.batchId,
        jobId: job.jobId,
        pid,
        startTicks,
        cores: job.cores,
        startedAtMs: Date.now(),
      };
      try {
        // Written before `running` is reported: whoever sees `running` can attach.
        await writeJsonAtomic(path.join(job.workDir, BATCH_RECORD_FILE), record);
      } catch (error) {
        killGroup(pid, 'SIGKILL');
        const reason = `cannot record the job in ${job.workDir}: ${(error as Error).message}`;
        this.#finish(job, { state: 'failed', reason });
        return;
      }
      if (job.state === 'queued') this.#emit(job, { state: 'running' });
      if (job.cancelRequested) await this.#signalCancel(job);
    } finally {
      reported();
    }
  }

  /** Reports the end of our child, the wrapper, once `running` has been reported. */
  #follow(job: LocalJob, child: ChildProcess, running: Promise<void>): void {
    job.child = child;
    child.once('error', (error) => {
      const reason = `could not start the job wrapper: ${error.message}`;
      void running.then(() => this.#finish(job, { state: 'failed', reason }));
    });
    child.once('exit', (code, signal) => {
      void running.then(() => this.#childEnded(job, code, signal));
    });
  }

  async #childEnded(job: LocalJob, code: number | null, signal: string | null): Promise<void> {
    if (TERMINAL.has(job.state)) return;
    const how = signal ? `wrapper killed by ${signal}` : `wrapper exit status ${String(code)}`;
    const seen = { cancelRequested: job.cancelRequested, how };
    this.#finish(job, await endedEvent(job.jobId, job.batchId, job.workDir, seen));
  }

  #schedulePoll(): void {
    if (this.#closed || this.#pollTimer !== undefined || this.#watched.size === 0) return;
    this.#pollTimer = setTimeout(() => {
      void this.#poll().finally(() => {
        this.#pollTimer = undefined;
        this.#schedulePoll();
      });
    }, this.pollMs);
  }

  /** Looks up each attached job in /proc; reports those that have ended. */
  async #poll(): Promise<void> {
    for (const job of [...this.#watched]) {
      if (job.pid === undefined || job.startTicks === undefined) continue;
      if (await isSameProcessAlive(job.pid, job.startTicks)) continue;
      const seen = { cancelRequested: job.cancelRequested };
      this.#finish(job, await endedEvent(job.jobId, job.batchId, job.workDir, seen));
    }
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
