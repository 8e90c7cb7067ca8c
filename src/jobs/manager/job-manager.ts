import { randomBytes } from 'node:crypto';
import { PromptlyError, toPromptlyError } from '../../core/errors.js';
import type { BatchBackend, BatchEvent } from '../batch/batch-backend.js';
import type { DataGates } from '../gates/data-gates.js';
import { isTerminal, type JobPhase, type JobRecord } from '../job.js';
import { resolveDependencies, resolveParameters } from '../spec/job-parameters.js';
import type { JobSpecs } from '../spec/job-spec.js';
import type { JobFilter, JobPatch, JobStore } from '../store/job-store.js';
import { jobLaunch, type JobRuntime } from './job-launch.js';
import type { JobFiles } from './job-files.js';

/** A request to create a job, as the API received it. */
export interface JobRequest {
  readonly type: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly runId?: string;
  readonly idempotencyKey?: string;
}

export interface JobManagerOptions {
  readonly store: JobStore;
  readonly specs: JobSpecs;
  readonly backend: BatchBackend;
  readonly gates: DataGates;
  readonly files: JobFiles;
  /** The environment a job type's `env` names are taken from (default: process.env). */
  readonly serverEnv?: Readonly<Record<string, string | undefined>>;
  /** What `{$node}`, `{$promptly}`, `{$config}` stand for in commands. */
  readonly runtime?: JobRuntime;
  /** Unfinished jobs one owner may have, 1..100 000. */
  readonly maxJobsPerOwner: number;
  /** Real time, ms since the Unix epoch (tests may pass their own). */
  readonly now?: () => number;
  readonly log?: (line: string) => void;
  /** Told of every phase change (the bench and `up` follow jobs with it). */
  readonly onChange?: (job: JobRecord) => void;
}

const UNFINISHED: readonly JobPhase[] = ['PENDING', 'QUEUED', 'EXECUTING'];

/**
 * The job manager: accepts jobs of the types its specs define, holds each behind its data
 * gate, hands it to the batch backend, and follows the backend's events into the job's phase,
 * every change a compare-and-set in the store. On start it takes up what a previous run left:
 * pending jobs wait on their gates again (for what is left of their timeout), queued and
 * executing ones are re-attached to their batch jobs.
 */
export class JobManager {
  readonly #o: JobManagerOptions;
  readonly #now: () => number;
  readonly #gateAborts = new Map<string, AbortController>();
  readonly #tasks = new Set<Promise<void>>();
  #events: Promise<void> | undefined;
  #closed = false;

  constructor(options: JobManagerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get specs(): JobSpecs {
    return this.#o.specs;
  }

  async start(): Promise<void> {
    this.#events = this.#follow();
    for (const job of await this.#o.store.unfinished()) {
      if (job.phase === 'PENDING') this.#spawn(this.#advance(job));
      else if (job.batchId === undefined) {
        // submitted, but the batch id was never stored: it cannot be followed
        await this.#end(job.jobId, UNFINISHED, 'ERROR', {
          type: 'transient',
          code: 'PROMPTLY_E_JOB_LOST',
          message: 'the manager stopped while submitting this job; submit it again',
        });
      } else this.#spawn(this.#reattach(job));
    }
  }

  #spawn(task: Promise<void>): void {
    const t = task.catch((err: unknown) => this.#o.log?.(`jobs: ${toPromptlyError(err).message}`));
    this.#tasks.add(t);
    void t.finally(() => this.#tasks.delete(t));
  }

  /** Creates a job (or returns the owner's job with the same idempotency key). */
  async create(owner: string, req: JobRequest): Promise<{ job: JobRecord; created: boolean }> {
    const o = this.#o;
    const spec = o.specs.get(req.type);
    if (!spec)
      throw new PromptlyError(
        'PROMPTLY_E_JOB_INVALID',
        `unknown job type ${JSON.stringify(req.type)}`,
        {
          details: [{ path: 'type', message: `one of: ${[...o.specs.keys()].join(', ')}` }],
        },
      );
    const parameters = resolveParameters(req.type, spec, req.parameters ?? {});
    if (req.idempotencyKey !== undefined) {
      const same = await o.store.findByKey(owner, req.idempotencyKey);
      if (same) return { job: same, created: false };
    }
    if ((await o.store.countUnfinished(owner)) >= o.maxJobsPerOwner)
      throw new PromptlyError(
        'PROMPTLY_E_JOB_LIMIT',
        `${owner} already has ${o.maxJobsPerOwner} unfinished jobs`,
      );
    const job: JobRecord = {
      jobId: `j${this.#now().toString(36)}${randomBytes(6).toString('hex')}`,
      owner,
      type: req.type,
      ...(req.runId !== undefined ? { runId: req.runId } : {}),
      phase: 'PENDING',
      parameters,
      resources: spec.resources,
      dependencies: resolveDependencies(spec, parameters),
      gateTimeoutMs: spec.gateTimeoutS * 1000,
      ...(req.idempotencyKey !== undefined ? { idempotencyKey: req.idempotencyKey } : {}),
      createdMs: this.#now(),
      results: [],
    };
    await o.files.create(job.jobId);
    const stored = await o.store.create(job);
    if (!stored.created) {
      await o.files.remove(job.jobId);
      return stored;
    }
    o.onChange?.(job);
    this.#spawn(this.#advance(job));
    return stored;
  }

  /** A job `owner` may see (`undefined` owner: an admin, who sees every job). */
  async get(jobId: string, owner?: string): Promise<JobRecord> {
    const job = await this.#o.store.get(jobId);
    if (!job || (owner !== undefined && job.owner !== owner))
      throw new PromptlyError('PROMPTLY_E_JOB_NOT_FOUND', `no job ${jobId}`);
    return job;
  }

  list(filter: JobFilter): Promise<JobRecord[]> {
    return this.#o.store.list(filter);
  }

  /** Aborts a job that has not ended; a job that has ended stays as it is (idempotent). */
  async cancel(jobId: string, owner?: string): Promise<JobRecord> {
    const job = await this.get(jobId, owner);
    if (isTerminal(job.phase)) return job;
    this.#gateAborts.get(jobId)?.abort();
    if (job.batchId !== undefined) await this.#o.backend.cancel(job.batchId);
    const ended = await this.#end(jobId, UNFINISHED, 'ABORTED');
    return ended ?? this.get(jobId);
  }

  /** Removes a job, its record and its files (aborting it first if it has not ended). */
  async delete(jobId: string, owner?: string): Promise<void> {
    await this.cancel(jobId, owner);
    await this.#o.files.remove(jobId);
    await this.#o.store.remove(jobId);
  }

  async #advance(job: JobRecord): Promise<void> {
    const o = this.#o;
    if (job.dependencies.length > 0) {
      const abort = new AbortController();
      this.#gateAborts.set(job.jobId, abort);
      let result;
      try {
        result = await o.gates.wait(
          job.dependencies,
          job.createdMs + job.gateTimeoutMs - this.#now(),
          abort.signal,
        );
      } finally {
        this.#gateAborts.delete(job.jobId);
      }
      if (result === 'aborted') return;
      if (result === 'timeout') {
        await this.#end(job.jobId, ['PENDING'], 'ERROR', {
          type: 'transient',
          code: 'PROMPTLY_E_JOB_GATE_TIMEOUT',
          message: `its data did not arrive within ${job.gateTimeoutMs / 1000} s: ${job.dependencies
            .map((d) => `${d.kind} ${d.image}`)
            .join(', ')}`,
        });
        return;
      }
    }
    const spec = o.specs.get(job.type);
    if (!spec) {
      await this.#end(job.jobId, ['PENDING'], 'ERROR', {
        type: 'fatal',
        code: 'PROMPTLY_E_JOB_INVALID',
        message: `job type ${job.type} is no longer defined`,
      });
      return;
    }
    let launch;
    try {
      launch = jobLaunch(
        job,
        spec,
        o.files.dirOf(job.jobId),
        o.serverEnv ?? process.env,
        o.runtime,
      );
    } catch (err) {
      await this.#fail(job.jobId, 'fatal', err);
      return;
    }
    if ((await o.store.get(job.jobId))?.phase !== 'PENDING') return; // cancelled meanwhile
    let batchId: string;
    try {
      batchId = await o.backend.submit(launch);
    } catch (err) {
      await this.#fail(job.jobId, 'transient', err);
      return;
    }
    const queued = await this.#change(job.jobId, ['PENDING'], {
      phase: 'QUEUED',
      backend: o.backend.kind,
      batchId,
    });
    // cancelled between submit and record: the batch job must not run on
    if (!queued) await o.backend.cancel(batchId);
  }

  async #reattach(job: JobRecord): Promise<void> {
    const event = await this.#o.backend.attach(job.jobId, job.batchId ?? '', {
      workDir: this.#o.files.dirOf(job.jobId),
    });
    if (!event && job.phase === 'QUEUED') {
      // it never started (the local pool forgets jobs still waiting for cores): submit again
      const again = await this.#change(job.jobId, ['QUEUED'], { phase: 'PENDING' });
      if (again) await this.#advance(again);
      return;
    }
    if (!event) {
      await this.#end(job.jobId, UNFINISHED, 'ERROR', {
        type: 'transient',
        code: 'PROMPTLY_E_JOB_LOST',
        message: `the batch system no longer knows batch job ${job.batchId}`,
      });
      return;
    }
    await this.#apply(event);
  }

  async #follow(): Promise<void> {
    for await (const event of this.#o.backend.events()) {
      if (this.#closed) break;
      await this.#apply(event).catch((err: unknown) =>
        this.#o.log?.(`jobs: ${event.jobId}: ${toPromptlyError(err).message}`),
      );
    }
  }

  /** One batch event into the job's phase (an event the phase has passed changes nothing). */
  async #apply(e: BatchEvent): Promise<void> {
    switch (e.state) {
      case 'queued':
        return;
      case 'running':
        await this.#change(e.jobId, ['QUEUED', 'PENDING'], {
          phase: 'EXECUTING',
          startedMs: e.atMs,
        });
        return;
      case 'completed':
        await this.#end(e.jobId, UNFINISHED, 'COMPLETED', undefined, e);
        return;
      case 'cancelled':
        await this.#end(e.jobId, UNFINISHED, 'ABORTED', undefined, e);
        return;
      case 'failed':
      case 'timeout':
        await this.#end(
          e.jobId,
          UNFINISHED,
          'ERROR',
          {
            type: e.state === 'timeout' ? 'transient' : 'fatal',
            code: e.state === 'timeout' ? 'PROMPTLY_E_JOB_TIME_LIMIT' : 'PROMPTLY_E_JOB_EXIT',
            message: e.reason ?? (e.exitCode !== undefined ? `exit code ${e.exitCode}` : e.state),
          },
          e,
        );
        return;
    }
  }

  async #end(
    jobId: string,
    from: readonly JobPhase[],
    phase: 'COMPLETED' | 'ERROR' | 'ABORTED',
    error?: JobRecord['error'],
    e?: BatchEvent,
  ): Promise<JobRecord | undefined> {
    const results = await this.#o.files.results(jobId).catch(() => []);
    return this.#change(jobId, from, {
      phase,
      endedMs: e?.atMs ?? this.#now(),
      ...(e?.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
      ...(error ? { error } : {}),
      results,
    });
  }

  /** A pending job that cannot be run ends in ERROR with what was thrown (its code and message). */
  async #fail(jobId: string, type: 'fatal' | 'transient', err: unknown): Promise<void> {
    const e = toPromptlyError(err);
    await this.#end(jobId, ['PENDING'], 'ERROR', { type, code: e.code, message: e.message });
  }

  async #change(
    jobId: string,
    from: readonly JobPhase[],
    patch: JobPatch,
  ): Promise<JobRecord | undefined> {
    const job = await this.#o.store.transition(jobId, from, patch);
    if (job) this.#o.onChange?.(job);
    return job;
  }

  /** Stops following (batch jobs go on running; a restart re-attaches to them). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const a of this.#gateAborts.values()) a.abort();
    await Promise.all([...this.#tasks]);
    await this.#o.backend.close();
    await this.#events?.catch(() => undefined);
  }
}
