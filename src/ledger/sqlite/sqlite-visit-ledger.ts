import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { toPromptlyError } from '../../core/errors.js';
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
  let database: Database.Database;
  try {
    database = new Database(options.filename);
    if (options.filename !== ':memory:' && options.filename !== '')
      database.pragma('journal_mode = WAL');
    const busy = Math.min(60_000, Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000)));
    database.pragma(`busy_timeout = ${busy}`);
    database.pragma('synchronous = FULL');
  } catch (err) {
    throw toPromptlyError(err, 'PROMPTLY_E_LEDGER_UNAVAILABLE');
  }
  const db = new Kysely<LedgerDb>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrateLedger(db as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    throw toPromptlyError(err);
  }
  return new SqlVisitLedger(db);
}
