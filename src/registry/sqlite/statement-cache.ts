import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * The better-sqlite3 database as Kysely sees it, with prepared statements kept for reuse:
 * Kysely prepares every query afresh, and preparing costs as much as running a small query.
 * The registry issues a few dozen distinct statements, so the cache stays small; it is
 * bounded all the same (oldest dropped first).
 */
export function cachingDatabase(database: Database.Database, maxStatements = 256): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= maxStatements) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
