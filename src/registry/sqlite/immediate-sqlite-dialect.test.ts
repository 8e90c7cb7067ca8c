import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';

const dir = mkdtempSync(join(tmpdir(), 'promptly-immediate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether another connection can take the write lock while a transaction of `dialect` is open but has not written. */
async function otherWriterBlocked(
  name: string,
  dialectOf: (db: Database.Database) => SqliteDialect,
): Promise<boolean> {
  const filename = join(dir, `${name}.sqlite3`);
  const mine = new Database(filename);
  mine.pragma('journal_mode = WAL');
  mine.exec('CREATE TABLE t (x INTEGER)');
  const other = new Database(filename);
  other.pragma('busy_timeout = 0');
  const db = new Kysely<{ t: { x: number } }>({ dialect: dialectOf(mine) });
  let blocked = false;
  await db.transaction().execute(async (trx) => {
    await sql`select count(*) from t`.execute(trx);
    try {
      other.exec('BEGIN IMMEDIATE');
      other.exec('ROLLBACK');
    } catch (err) {
      blocked = /busy|locked/i.test(String(err));
    }
  });
  other.close();
  await db.destroy();
  return blocked;
}

describe('ImmediateSqliteDialect', () => {
  it('takes the write lock when a transaction begins, unlike the default dialect', async () => {
    expect(
      await otherWriterBlocked('immediate', (database) => new ImmediateSqliteDialect({ database })),
    ).toBe(true);
    expect(
      await otherWriterBlocked('deferred', (database) => new SqliteDialect({ database })),
    ).toBe(false);
  });
});
