import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { PromptlyError } from '../../../core/errors.js';

/** Row type of the job table (portable column types: text, integer, bigint). */
export interface JobDb {
  job: {
    job_id: string;
    owner: string;
    type: string;
    run_id: string | null;
    phase: string;
    parameters_json: string;
    resources_json: string;
    dependencies_json: string;
    gate_timeout_ms: number;
    idempotency_key: string | null;
    created_ms: number;
    started_ms: number | null;
    ended_ms: number | null;
    backend: string | null;
    batch_id: string | null;
    exit_code: number | null;
    error_json: string | null;
    results_json: string;
  };
}

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('job')
        .addColumn('job_id', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('parameters_json', 'text', (c) => c.notNull())
        .addColumn('resources_json', 'text', (c) => c.notNull())
        .addColumn('dependencies_json', 'text', (c) => c.notNull())
        .addColumn('gate_timeout_ms', 'bigint', (c) => c.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('started_ms', 'bigint')
        .addColumn('ended_ms', 'bigint')
        .addColumn('backend', 'text')
        .addColumn('batch_id', 'text')
        .addColumn('exit_code', 'integer')
        .addColumn('error_json', 'text')
        .addColumn('results_json', 'text', (c) => c.notNull())
        .execute();
      // several NULL keys are allowed by both SQLite and PostgreSQL
      await db.schema
        .createIndex('job_idempotency')
        .on('job')
        .columns(['owner', 'idempotency_key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('job_by_owner')
        .on('job')
        .columns(['owner', 'created_ms'])
        .execute();
      await db.schema
        .createIndex('job_by_phase')
        .on('job')
        .columns(['phase', 'created_ms'])
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** Brings the job table up to date (Kysely serialises concurrent migrators). */
export async function migrateJobs(
  db: Kysely<unknown>,
  options: { readonly schema?: string } = {},
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'job_migration',
    migrationLockTableName: 'job_migration_lock',
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new PromptlyError('PROMPTLY_E_INTERNAL', `job table migration ${failed} failed`, {
      cause: error,
    });
  }
}
