/**
 * The BatchBackend contract: where a job manager's jobs actually run. The job manager
 * (src/jobs) owns job records, gates and the REST API; a backend only launches a prepared
 * command, reports its state changes, and cancels it. Backends: `local/` (a process pool on
 * this machine, the embedded default) and `slurm/` (Debian's slurm-wlm). Both pass
 * `testing/batch-conformance.ts` unchanged.
 *
 * A backend never reads the manager's environment on a job's behalf: `env` is the complete
 * environment the job's process gets (the manager has already reduced it to the variables
 * the job type declares), so nothing undeclared can leak into a job.
 */

/** What to run: everything a backend needs, resolved by the manager. */
export interface BatchLaunch {
  /** The job's id (manager-assigned, `[A-Za-z0-9_-]{1,64}`); names the batch job. */
  readonly jobId: string;
  /** argv[0] and its arguments; no shell is involved. */
  readonly argv: readonly string[];
  /** The whole environment of the job's process (nothing else is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * The job's own directory (absolute, exists): its working directory; stdout and stderr go
   * to `stdout.log` and `stderr.log` in it, results under `results/`.
   */
  readonly workDir: string;
  /** Cores requested, integer 1..256. */
  readonly cores: number;
  /** Memory requested in MiB, integer 1..4 194 304. */
  readonly memoryMiB: number;
  /** Wall-clock limit in seconds, integer 1..604 800; the backend ends the job after it. */
  readonly timeLimitS: number;
}

/** The states a batch job passes through, as the backend sees them. */
export type BatchState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'timeout';

/** A state change of one batch job. Terminal states carry what ended it. */
export interface BatchEvent {
  readonly jobId: string;
  /**
   * The backend's own id of the batch job, opaque to the manager (local: `local-` and 16 hex
   * digits, recorded in the job's workDir with the pid; Slurm: the job id).
   */
  readonly batchId: string;
  readonly state: BatchState;
  /** Exit code when the process ended (completed/failed). */
  readonly exitCode?: number;
  /** Human-readable reason for failed/cancelled/timeout. */
  readonly reason?: string;
  /** Real ms since the Unix epoch when the backend observed the change. */
  readonly atMs: number;
}

export interface BatchCallOptions {
  readonly signal?: AbortSignal;
}

/** Options of {@link BatchBackend.attach}. */
export interface BatchAttachOptions extends BatchCallOptions {
  /**
   * The job's workDir, as given to `submit`. The local backend keeps its records there (pid,
   * process start time, exit status) and cannot attach without it; Slurm ignores it. Always
   * pass it.
   */
  readonly workDir?: string;
}

export interface BatchBackend {
  /** A short name for records and logs: `local`, `slurm`. */
  readonly kind: string;
  /**
   * Submits a job; resolves with the backend's batch id once the backend has accepted it
   * (for Slurm: sbatch returned an id). State changes arrive on `events()`.
   */
  submit(launch: BatchLaunch, options?: BatchCallOptions): Promise<string>;
  /**
   * Re-attaches to a job submitted before a restart of the manager (by this or another
   * instance): resolves its current state, and later changes arrive on `events()` (the
   * resolved state itself is not repeated there). A job that ended meanwhile resolves its
   * terminal event. Unknown batch ids, and ids that belong to another job id, resolve
   * `undefined`.
   */
  attach(
    jobId: string,
    batchId: string,
    options?: BatchAttachOptions,
  ): Promise<BatchEvent | undefined>;
  /**
   * Cancels a queued or running job; idempotent; a finished job stays as it ended. Resolves
   * once the cancel is under way; the job's `cancelled` event follows on `events()`.
   */
  cancel(batchId: string, options?: BatchCallOptions): Promise<void>;
  /**
   * Every state change of every job this backend instance submitted or attached, in order
   * per job (`queued`, `running`, then one terminal state), each at least once. `queued` may
   * be missing when a job started at once; `running` comes before the terminal state of every
   * job that started. One consumer per backend instance; the iteration ends on `close()`.
   */
  events(): AsyncIterable<BatchEvent>;
  /** Stops following jobs (running jobs go on running) and releases resources. */
  close(): Promise<void>;
}
