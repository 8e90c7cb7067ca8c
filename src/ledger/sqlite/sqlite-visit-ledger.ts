import { migratedSqlite, openDurableSqlite } from '../../db/sqlite/durable-sqlite.js';
import { migrateLedger, type LedgerDb } from '../sql/ledger-schema.js';
import { SqlVisitLedger } from '../sql/sql-visit-ledger.js';

export interface SqliteVisitLedgerOptions {
  /** Database file, or `':memory:'`. Use a file of its own, not the registry's. */
  readonly filename: string;
  /** How long a writer waits for another process's lock, ms (0..60 000). Default 5000. */
  readonly busyTimeoutMs?: number;
}

/**
 * The ledger in one SQLite file (WAL, `synchronous = FULL`: an accepted visit must survive
 * a power cut as well as a crash, since the fan-out answers "accepted" once it is stored).
 * Every statement is a single idempotent write, so no explicit transactions are needed.
 */
export async function createSqliteVisitLedger(
  options: SqliteVisitLedgerOptions,
): Promise<SqlVisitLedger> {
  const database = openDurableSqlite(options, 'PROMPTLY_E_LEDGER_UNAVAILABLE');
  const db = await migratedSqlite<LedgerDb>(database, migrateLedger);
  return new SqlVisitLedger(db);
}
