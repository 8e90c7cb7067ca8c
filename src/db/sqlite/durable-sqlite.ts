import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { ErrorCode } from '../../core/error-codes.js';
import { toPromptlyError } from '../../core/errors.js';

/** Where a store keeps itself in SQLite, and how long it waits for another process's lock. */
export interface DurableSqliteOptions {
  /** Database file, or `':memory:'`. */
  readonly filename: string;
  /** How long a writer waits for another process's lock, ms (0..60 000). Default 5000. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens a SQLite file for a store whose writes must outlive a power cut (ledger, APDB, jobs):
 * WAL for a file, the busy timeout clamped to 0..60 000 ms, `synchronous = FULL`. A file that
 * cannot be opened is `unavailable`.
 */
export function openDurableSqlite(
  options: DurableSqliteOptions,
  unavailable: ErrorCode,
): Database.Database {
  try {
    const database = new Database(options.filename);
    if (options.filename !== ':memory:' && options.filename !== '')
      database.pragma('journal_mode = WAL');
    const busy = Math.min(60_000, Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000)));
    database.pragma(`busy_timeout = ${busy}`);
    database.pragma('synchronous = FULL');
    return database;
  } catch (err) {
    throw toPromptlyError(err, unavailable);
  }
}

/** Kysely over `database`, its schema brought up to date by `migrate` (closed if that fails). */
export async function migratedSqlite<DB>(
  database: Database.Database,
  migrate: (db: Kysely<unknown>) => Promise<void>,
): Promise<Kysely<DB>> {
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrate(db as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    throw toPromptlyError(err);
  }
  return db;
}
