import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, postgresSkipReason } from '../../testing/servers.js';
import type { RegistryDb } from '../sql/registry-db.js';
import { expectCode } from '../testing/registry-fixtures.js';
import { guardPool } from '../../db/postgres/guarded-pool.js';
import { serializableTransactions } from './serializable-transactions.js';

const skipReason = await postgresSkipReason();

const raiseSerializationFailure = sql`do $$ begin
  raise exception 'simulated conflict' using errcode = 'serialization_failure';
end $$`;

describe.skipIf(skipReason !== undefined)('serializableTransactions on PostgreSQL', () => {
  const pool = new Pool({ connectionString: TEST_POSTGRES_URL, max: 2 });
  pool.on('error', () => undefined);
  const db = new Kysely<RegistryDb>({ dialect: new PostgresDialect({ pool: guardPool(pool) }) });
  afterAll(() => db.destroy());
  const run = serializableTransactions({ maxAttempts: 4, firstDelayMs: 1 });

  it('runs the work at SERIALIZABLE isolation, again after each serialization failure', async () => {
    let attempts = 0;
    const result = await run(db, async (trx) => {
      attempts++;
      const { rows } = await sql<{
        transaction_isolation: string;
      }>`show transaction_isolation`.execute(trx);
      expect(rows[0]?.transaction_isolation).toBe('serializable');
      if (attempts < 3) await raiseSerializationFailure.execute(trx);
      return attempts;
    });
    expect(result).toBe(3);
  });

  it('gives up with REGISTRY_UNAVAILABLE after maxAttempts serialization failures', async () => {
    let attempts = 0;
    await expectCode(
      run(db, async (trx) => {
        attempts++;
        await raiseSerializationFailure.execute(trx);
      }),
      'PROMPTLY_E_REGISTRY_UNAVAILABLE',
    );
    expect(attempts).toBe(4);
  });

  it('does not run the work again after another error, and codes it', async () => {
    let attempts = 0;
    await expectCode(
      run(db, async (trx) => {
        attempts++;
        await sql`selec 1`.execute(trx);
      }),
      'PROMPTLY_E_INTERNAL',
    );
    expect(attempts).toBe(1);
  });
});
