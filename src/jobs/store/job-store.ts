import type { JobPhase, JobRecord } from '../job.js';

/** Which jobs a list returns, newest first. */
export interface JobFilter {
  readonly owner?: string;
  readonly phases?: readonly JobPhase[];
  readonly type?: string;
  /** Created at or after / before, real ms. */
  readonly createdFromMs?: number;
  readonly createdBeforeMs?: number;
  /** At most this many, 1..1000. */
  readonly limit: number;
}

/** What a phase change may set besides the phase: those fields of the job, as they are there. */
export type JobPatch = Pick<JobRecord, 'phase'> &
  Partial<
    Pick<
      JobRecord,
      'startedMs' | 'endedMs' | 'backend' | 'batchId' | 'exitCode' | 'error' | 'results'
    >
  >;

/**
 * The JobStore contract: where the job manager keeps its jobs, so they survive its restart.
 * Backends: SQLite (embedded) and PostgreSQL (distributed), both in `sql/`, both pass
 * `testing/job-store-conformance.ts`.
 */
export interface JobStore {
  /**
   * Stores a new job. When the owner already has a job with the same idempotency key, stores
   * nothing and returns that job with `created: false`.
   */
  create(job: JobRecord): Promise<{ job: JobRecord; created: boolean }>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /** The owner's job created with `idempotencyKey`, if any. */
  findByKey(owner: string, idempotencyKey: string): Promise<JobRecord | undefined>;
  list(filter: JobFilter): Promise<JobRecord[]>;
  /**
   * Moves a job to `patch.phase` only if its phase is one of `from` (a compare-and-set, so
   * two changes racing cannot both win); returns the job after, or undefined if it was not
   * in `from` (or does not exist).
   */
  transition(
    jobId: string,
    from: readonly JobPhase[],
    patch: JobPatch,
  ): Promise<JobRecord | undefined>;
  /** Jobs not yet ended (PENDING, QUEUED, EXECUTING) of `owner`, or of everyone. */
  unfinished(owner?: string): Promise<JobRecord[]>;
  /** How many jobs of `owner` have not yet ended (the per-owner limit counts them). */
  countUnfinished(owner: string): Promise<number>;
  /** Removes a job's record (after it ended and its files were removed). */
  remove(jobId: string): Promise<void>;
  dispose(): Promise<void>;
}
