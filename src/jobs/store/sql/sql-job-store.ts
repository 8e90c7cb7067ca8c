import type { Kysely, Selectable } from 'kysely';
import { PromptlyError, toPromptlyError } from '../../../core/errors.js';
import type { JobPhase, JobRecord } from '../../job.js';
import type { JobFilter, JobPatch, JobStore } from '../job-store.js';
import type { JobDb } from './job-schema.js';

type Row = Selectable<JobDb['job']>;

const UNFINISHED: readonly JobPhase[] = ['PENDING', 'QUEUED', 'EXECUTING'];

function toRow(j: JobRecord): JobDb['job'] {
  return {
    job_id: j.jobId,
    owner: j.owner,
    type: j.type,
    run_id: j.runId ?? null,
    phase: j.phase,
    parameters_json: JSON.stringify(j.parameters),
    resources_json: JSON.stringify(j.resources),
    dependencies_json: JSON.stringify(j.dependencies),
    gate_timeout_ms: j.gateTimeoutMs,
    idempotency_key: j.idempotencyKey ?? null,
    created_ms: j.createdMs,
    started_ms: j.startedMs ?? null,
    ended_ms: j.endedMs ?? null,
    backend: j.backend ?? null,
    batch_id: j.batchId ?? null,
    exit_code: j.exitCode ?? null,
    error_json: j.error ? JSON.stringify(j.error) : null,
    results_json: JSON.stringify(j.results),
  };
}

function fromRow(r: Row): JobRecord {
  return {
    jobId: r.job_id,
    owner: r.owner,
    type: r.type,
    ...(r.run_id !== null ? { runId: r.run_id } : {}),
    phase: r.phase as JobPhase,
    parameters: JSON.parse(r.parameters_json) as JobRecord['parameters'],
    resources: JSON.parse(r.resources_json) as JobRecord['resources'],
    dependencies: JSON.parse(r.dependencies_json) as JobRecord['dependencies'],
    gateTimeoutMs: Number(r.gate_timeout_ms),
    ...(r.idempotency_key !== null ? { idempotencyKey: r.idempotency_key } : {}),
    createdMs: Number(r.created_ms),
    ...(r.started_ms !== null ? { startedMs: Number(r.started_ms) } : {}),
    ...(r.ended_ms !== null ? { endedMs: Number(r.ended_ms) } : {}),
    ...(r.backend !== null ? { backend: r.backend } : {}),
    ...(r.batch_id !== null ? { batchId: r.batch_id } : {}),
    ...(r.exit_code !== null ? { exitCode: Number(r.exit_code) } : {}),
    ...(r.error_json !== null ? { error: JSON.parse(r.error_json) as JobRecord['error'] } : {}),
    results: JSON.parse(r.results_json) as JobRecord['results'],
  };
}

/**
 * The job store on SQL (SQLite or PostgreSQL through Kysely): one row per job, each change a
 * single statement (the phase change is a compare-and-set in its WHERE clause).
 */
export class SqlJobStore implements JobStore {
  readonly #db: Kysely<JobDb>;

  constructor(db: Kysely<JobDb>) {
    this.#db = db;
  }

  async #run<T>(what: () => Promise<T>): Promise<T> {
    try {
      return await what();
    } catch (err) {
      throw toPromptlyError(err, 'PROMPTLY_E_JOB_STORE_UNAVAILABLE');
    }
  }

  async create(job: JobRecord): Promise<{ job: JobRecord; created: boolean }> {
    return this.#run(async () => {
      const inserted = await this.#db
        .insertInto('job')
        .values(toRow(job))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { job, created: true };
      if (job.idempotencyKey !== undefined) {
        const prior = await this.findByKey(job.owner, job.idempotencyKey);
        if (prior) return { job: prior, created: false };
      }
      throw new PromptlyError('PROMPTLY_E_INTERNAL', `job id ${job.jobId} is taken`);
    });
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    return this.#run(async () => {
      const row = await this.#db
        .selectFrom('job')
        .selectAll()
        .where('job_id', '=', jobId)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    });
  }

  async findByKey(owner: string, idempotencyKey: string): Promise<JobRecord | undefined> {
    return this.#run(async () => {
      const row = await this.#db
        .selectFrom('job')
        .selectAll()
        .where('owner', '=', owner)
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      return row ? fromRow(row) : undefined;
    });
  }

  async list(f: JobFilter): Promise<JobRecord[]> {
    return this.#run(async () => {
      let q = this.#db.selectFrom('job').selectAll();
      if (f.owner !== undefined) q = q.where('owner', '=', f.owner);
      if (f.type !== undefined) q = q.where('type', '=', f.type);
      if (f.phases !== undefined && f.phases.length > 0) q = q.where('phase', 'in', [...f.phases]);
      if (f.createdFromMs !== undefined) q = q.where('created_ms', '>=', f.createdFromMs);
      if (f.createdBeforeMs !== undefined) q = q.where('created_ms', '<', f.createdBeforeMs);
      const limit = Math.min(1000, Math.max(1, Math.floor(f.limit)));
      const rows = await q
        .orderBy('created_ms', 'desc')
        .orderBy('job_id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    });
  }

  async transition(
    jobId: string,
    from: readonly JobPhase[],
    p: JobPatch,
  ): Promise<JobRecord | undefined> {
    if (from.length === 0) return undefined;
    return this.#run(async () => {
      const set: Partial<JobDb['job']> = { phase: p.phase };
      if (p.startedMs !== undefined) set.started_ms = p.startedMs;
      if (p.endedMs !== undefined) set.ended_ms = p.endedMs;
      if (p.backend !== undefined) set.backend = p.backend;
      if (p.batchId !== undefined) set.batch_id = p.batchId;
      if (p.exitCode !== undefined) set.exit_code = p.exitCode;
      if (p.error !== undefined) set.error_json = JSON.stringify(p.error);
      if (p.results !== undefined) set.results_json = JSON.stringify(p.results);
      const r = await this.#db
        .updateTable('job')
        .set(set)
        .where('job_id', '=', jobId)
        .where('phase', 'in', [...from])
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return undefined;
      return this.get(jobId);
    });
  }

  async unfinished(owner?: string): Promise<JobRecord[]> {
    return this.#run(async () => {
      let q = this.#db
        .selectFrom('job')
        .selectAll()
        .where('phase', 'in', [...UNFINISHED]);
      if (owner !== undefined) q = q.where('owner', '=', owner);
      return (await q.orderBy('created_ms', 'asc').execute()).map(fromRow);
    });
  }

  async countUnfinished(owner: string): Promise<number> {
    return this.#run(async () => {
      const row = await this.#db
        .selectFrom('job')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('owner', '=', owner)
        .where('phase', 'in', [...UNFINISHED])
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    });
  }

  async remove(jobId: string): Promise<void> {
    await this.#run(() => this.#db.deleteFrom('job').where('job_id', '=', jobId).execute());
  }

  async dispose(): Promise<void> {
    await this.#db.destroy();
  }
}
