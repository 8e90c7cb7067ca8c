import type { Kysely } from 'kysely';
import {
  openPostgresDatabase,
  type PostgresDatabaseOptions,
} from '../../db/postgres/postgres-database.js';
import { migrateApdb, type ApdbDb } from '../sql/apdb-schema.js';
import { SqlApdb, type ApdbWriteTransaction } from '../sql/sql-apdb.js';

/** Options of {@link createPostgresApdb}: where the APDB's schema lives. */
export type PostgresApdbOptions = PostgresDatabaseOptions;

/**
 * The APDB in a PostgreSQL schema (usually the central registry's: its tables start with
 * `apdb_`), shared by every worker of a distributed deployment. A store is one READ
 * COMMITTED transaction that first inserts the visit-detector's write marker with
 * `on conflict do nothing`: a second writer of the same marker waits for the first to
 * commit and then inserts nothing, so it writes nothing and is refused
 * (PROMPTLY_E_APDB_ALREADY_WRITTEN); if the first rolls back, the second proceeds. int8
 * columns are read as bounds-checked numbers; a server that is away fails the call with
 * PROMPTLY_E_APDB_UNAVAILABLE instead of hanging.
 */
export async function createPostgresApdb(options: PostgresApdbOptions): Promise<SqlApdb> {
  const db = await openPostgresDatabase<ApdbDb>(options, 'apdb', (kysely, schema) =>
    migrateApdb(kysely as Kysely<unknown>, { schema }),
  );
  return new SqlApdb(db, postgresWriteTransaction(db));
}

function postgresWriteTransaction(db: Kysely<ApdbDb>): ApdbWriteTransaction {
  return (marker, rest) =>
    db.transaction().execute(async (trx) => {
      const inserted = await trx.executeQuery(marker);
      if (Number(inserted.numAffectedRows ?? 0n) === 0) return false;
      for (const q of rest) await trx.executeQuery(q);
      return true;
    });
}
