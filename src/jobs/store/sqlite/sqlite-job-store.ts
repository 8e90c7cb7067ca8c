import {
  migratedSqlite,
  openDurableSqlite,
  type DurableSqliteOptions,
} from '../../../db/sqlite/durable-sqlite.js';
import { migrateJobs, type JobDb } from '../sql/job-schema.js';
import { SqlJobStore } from '../sql/sql-job-store.js';

/**
 * Jobs in one SQLite file (WAL, `synchronous = FULL`: a job the API answered "created" must
 * survive a crash of the manager), or `:memory:`.
 */
export async function createSqliteJobStore(options: DurableSqliteOptions): Promise<SqlJobStore> {
  const database = openDurableSqlite(options, 'PROMPTLY_E_JOB_STORE_UNAVAILABLE');
  const db = await migratedSqlite<JobDb>(database, migrateJobs);
  return new SqlJobStore(db);
}
