/**
 * A job of the job manager, in the IVOA UWS model (phases, error summary, results) with a
 * JSON shape. Times are real ms since the Unix epoch; a job's id is assigned by the manager.
 */

/**
 * UWS phases. PENDING: accepted, waiting for its data (a gate); QUEUED: handed to the batch
 * system, waiting for resources; EXECUTING; then one of COMPLETED, ERROR, ABORTED for good.
 */
export const JOB_PHASES = [
  'PENDING',
  'QUEUED',
  'EXECUTING',
  'COMPLETED',
  'ERROR',
  'ABORTED',
] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

export const TERMINAL_PHASES: ReadonlySet<JobPhase> = new Set(['COMPLETED', 'ERROR', 'ABORTED']);

/** Whether a job in `phase` has ended for good. */
export function isTerminal(phase: JobPhase): boolean {
  return TERMINAL_PHASES.has(phase);
}

/** A parameter value after validation (types from the job type's spec). */
export type ParameterValue = string | number | boolean;

/** Why a job ended in ERROR: a stable code and a message for people. */
export interface JobErrorSummary {
  /** UWS: `fatal` (running it again will fail again) or `transient`. */
  readonly type: 'fatal' | 'transient';
  /** A `PROMPTLY_E_…` code. */
  readonly code: string;
  readonly message: string;
}

/** One result file of a job, under its `results/` directory. */
export interface JobResult {
  /** Path relative to `results/`, `/`-separated. */
  readonly id: string;
  readonly sizeBytes: number;
}

/** Data a job waits for before it is queued. */
export interface JobDependency {
  /** `archived`: an image with a DBB receipt; `ingested`: an image in the OODS. */
  readonly kind: 'archived' | 'ingested';
  readonly instrument: string;
  /** The image name (`<instrument>_<obsId>_<detector>` as the image writer names it). */
  readonly image: string;
}

/** What a job asked of the batch system. */
export interface JobResources {
  /** Cores, 1..256. */
  readonly cores: number;
  /** Memory, MiB. */
  readonly memoryMiB: number;
  /** Wall-clock limit, s (UWS executionDuration). */
  readonly timeLimitS: number;
}

export interface JobRecord {
  readonly jobId: string;
  /** Who submitted it (the token's owner). */
  readonly owner: string;
  /** The job type (a key of the specs file). */
  readonly type: string;
  /** A free label of the client's (UWS runId). */
  readonly runId?: string;
  readonly phase: JobPhase;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly resources: JobResources;
  /** Data the job waits for; empty when it has none. */
  readonly dependencies: readonly JobDependency[];
  /** Longest wait for the dependencies, ms after creation. */
  readonly gateTimeoutMs: number;
  /** The client's idempotency key: a second create with it returns this job. */
  readonly idempotencyKey?: string;
  readonly createdMs: number;
  readonly startedMs?: number;
  readonly endedMs?: number;
  /** Backend kind and its id of the batch job, once queued. */
  readonly backend?: string;
  readonly batchId?: string;
  readonly exitCode?: number;
  readonly error?: JobErrorSummary;
  readonly results: readonly JobResult[];
}
