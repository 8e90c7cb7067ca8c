import type { Kysely } from 'kysely';
import {
  openPostgresDatabase,
  type PostgresDatabaseOptions,
} from '../../db/postgres/postgres-database.js';
import { migrateLedger, type LedgerDb } from '../sql/ledger-schema.js';
import { SqlVisitLedger } from '../sql/sql-visit-ledger.js';

/**
 * The ledger in a PostgreSQL schema (usually the central registry's database and schema:
 * its tables are prefixed `ledger_`), shared by every process of a distributed deployment.
 * Writes are single idempotent statements (`on conflict`), so no transaction isolation
 * beyond the default is needed; a server that is away fails the call with
 * PROMPTLY_E_LEDGER_UNAVAILABLE instead of hanging.
 */
export async function createPostgresVisitLedger(
  options: PostgresDatabaseOptions,
): Promise<SqlVisitLedger> {
  const db = await openPostgresDatabase<LedgerDb>(options, 'ledger', (kysely, schema) =>
    migrateLedger(kysely as Kysely<unknown>, { schema }),
  );
  return new SqlVisitLedger(db);
}
