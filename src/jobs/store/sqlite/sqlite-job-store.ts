import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { toPromptlyError } from '../../../core/errors.js';
import { migrateJobs, type JobDb } from '../sql/job-schema.js';
import { SqlJobStore } from '../sql/sql-job-store.js';

/**
 * Jobs in one SQLite file (WAL, `synchronous = FULL`: a job the API answered "created" must
 * survive a crash of the manager), or `:memory:`.
 */
export async function createSqliteJobStore(options: {
  readonly filename: string;
  /** How long a writer waits for another process's lock, ms (0..60 000). Default 5000. */
  readonly busyTimeoutMs?: number;
}): Promise<SqlJobStore> {
  let database: Database.Database;
  try {
    database = new Database(options.filename);
    if (options.filename !== ':memory:' && options.filename !== '')
      database.pragma('journal_mode = WAL');
    const busy = Math.min(60_000, Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000)));
    database.pragma(`busy_timeout = ${busy}`);
    database.pragma('synchronous = FULL');
  } catch (err) {
    throw toPromptlyError(err, 'PROMPTLY_E_JOB_STORE_UNAVAILABLE');
  }
  const db = new Kysely<JobDb>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrateJobs(db as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    throw toPromptlyError(err);
  }
  return new SqlJobStore(db);
}
