import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { toPromptlyError } from '../../core/errors.js';
import type { RegistryDb } from '../sql/registry-db.js';
import { migrateRegistry } from '../sql/registry-schema.js';
import { SqlRegistry } from '../sql/sql-registry.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import { cachingDatabase } from './statement-cache.js';

export interface SqliteRegistryOptions {
  /** Database file, or `':memory:'` for a private in-memory registry. */
  readonly filename: string;
  /** How long a writer waits for another process's lock before failing, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * SQLite `synchronous` level. Default `'NORMAL'`: with WAL, a commit survives a crash
   * of the process, and a power cut may lose only the last commits. `'FULL'` fsyncs every
   * commit.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

/**
 * A Registry in one SQLite file (better-sqlite3 under Kysely): WAL journal (readers never
 * block the writer; not for ':memory:'), busy_timeout, foreign keys on, transactions
 * BEGIN IMMEDIATE (see ImmediateSqliteDialect). The schema is migrated on open. Several
 * processes may share the file; within one process use one registry per file (better-sqlite3
 * is synchronous: a second handle waiting for the lock would block the first one's commit). Suits a laptop, one server, or a worker's handler-local repo; a
 * registry shared by many hosts belongs on PostgreSQL.
 */
export async function createSqliteRegistry(options: SqliteRegistryOptions): Promise<SqlRegistry> {
  let database: Database.Database;
  try {
    database = new Database(options.filename);
    if (options.filename !== ':memory:' && options.filename !== '')
      database.pragma('journal_mode = WAL');
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    database.pragma('foreign_keys = ON');
    database.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
  } catch (err) {
    throw toPromptlyError(err, 'PROMPTLY_E_INTERNAL');
  }
  const db = new Kysely<RegistryDb>({
    dialect: new ImmediateSqliteDialect({ database: cachingDatabase(database) }),
  });
  try {
    await migrateRegistry(db as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    throw toPromptlyError(err);
  }
  return new SqlRegistry(db);
}
