import type { Kysely } from 'kysely';
import {
  openPostgresDatabase,
  type PostgresDatabaseOptions,
} from '../../../db/postgres/postgres-database.js';
import { migrateJobs, type JobDb } from '../sql/job-schema.js';
import { SqlJobStore } from '../sql/sql-job-store.js';

/**
 * Jobs in a PostgreSQL schema (usually the central registry's: the table is `job`), shared
 * by every job manager process of a distributed deployment.
 */
export async function createPostgresJobStore(
  options: PostgresDatabaseOptions,
): Promise<SqlJobStore> {
  const db = await openPostgresDatabase<JobDb>(options, 'jobs', (kysely, schema) =>
    migrateJobs(kysely as Kysely<unknown>, { schema }),
  );
  return new SqlJobStore(db);
}
