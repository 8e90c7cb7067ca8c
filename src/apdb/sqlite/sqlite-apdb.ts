import Database from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import { migratedSqlite, openDurableSqlite } from '../../db/sqlite/durable-sqlite.js';
import { migrateApdb, type ApdbDb } from '../sql/apdb-schema.js';
import { SqlApdb, type ApdbWriteTransaction } from '../sql/sql-apdb.js';

export interface SqliteApdbOptions {
  /**
   * Database file, or `':memory:'` for a private in-memory APDB. Use a file of its own (e.g.
   * `apdb.sqlite3` in the work dir), not the registry's: a store holds the file's write lock
   * synchronously, and would wait on a registry transaction of the same process.
   */
  readonly filename: string;
  /** How long a writer waits for another process's lock, ms (0..60 000). Default 5000. */
  readonly busyTimeoutMs?: number;
}

/**
 * The APDB in one SQLite file (better-sqlite3 under Kysely; WAL, `synchronous = FULL`: a
 * visit-detector marked written must stay written through a power cut, or its rerun would
 * write its sources twice). A store runs as one synchronous BEGIN IMMEDIATE transaction, so
 * it never interleaves with another store — not even a second handle's on the same file in
 * the same process — and a second process waits up to `busyTimeoutMs` for the lock.
 */
export async function createSqliteApdb(options: SqliteApdbOptions): Promise<SqlApdb> {
  const database = openDurableSqlite(options, 'PROMPTLY_E_APDB_UNAVAILABLE');
  const db = await migratedSqlite<ApdbDb>(database, migrateApdb);
  return new SqlApdb(db, sqliteWriteTransaction(database));
}

/** Runs a store's statements in one synchronous immediate transaction (see SqlApdb). */
function sqliteWriteTransaction(database: Database.Database): ApdbWriteTransaction {
  const run = (query: CompiledQuery): number =>
    database.prepare(query.sql).run(...(query.parameters as unknown[])).changes;
  const transaction = database.transaction(
    (marker: CompiledQuery, rest: readonly CompiledQuery[]): boolean => {
      if (run(marker) === 0) return false;
      for (const q of rest) run(q);
      return true;
    },
  );
  return (marker, rest) => Promise.resolve().then(() => transaction.immediate(marker, rest));
}
