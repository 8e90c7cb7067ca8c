import { afterAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, postgresSkipReason } from '../../testing/servers.js';
import { prepareSchema } from './schema-migration.js';
import { dropSchemas, randomSchemaName } from './testing/test-schemas.js';

const skip = await postgresSkipReason();
if (skip) console.log(skip);

const schemas: string[] = [];
afterAll(async () => {
  if (!skip) await dropSchemas(TEST_POSTGRES_URL, schemas);
});

/** PostgreSQL's error for a schema that is gone, as pg raises it. */
function schemaGone(name: string): Error {
  return Object.assign(new Error(`schema "${name}" does not exist`), { code: '3F000' });
}

describe.skipIf(skip !== undefined)('schema preparation on PostgreSQL', () => {
  it('looks again when the migration met another schema being dropped', async () => {
    const schema = randomSchemaName();
    schemas.push(schema);
    let calls = 0;
    await prepareSchema({ connectionString: TEST_POSTGRES_URL }, schema, () => {
      calls++;
      // wrapped as the migrators wrap it
      return calls === 1
        ? Promise.reject(
            new Error('migration failed', { cause: schemaGone('promptly_test_other') }),
          )
        : Promise.resolve();
    });
    expect(calls).toBe(2);
  });

  it('lets the registry, ledger and APDB of one schema be created at once by several processes', async () => {
    const schema = randomSchemaName();
    schemas.push(schema);
    const kinds = Array.from(
      { length: 24 },
      (_, k) => ['registry', 'ledger', 'apdb'][k % 3]! + String(k),
    );
    let migrated = 0;
    await Promise.all(
      kinds.map((what) =>
        prepareSchema(
          { connectionString: TEST_POSTGRES_URL },
          schema,
          () => {
            migrated++;
            return Promise.resolve();
          },
          what,
        ),
      ),
    );
    expect(migrated).toBe(kinds.length);
  });

  it('fails when its own schema is gone, and after three tries', async () => {
    const schema = randomSchemaName();
    schemas.push(schema);
    let calls = 0;
    await expect(
      prepareSchema({ connectionString: TEST_POSTGRES_URL }, schema, () => {
        calls++;
        return Promise.reject(schemaGone(schema));
      }),
    ).rejects.toThrow(/does not exist/);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      prepareSchema({ connectionString: TEST_POSTGRES_URL }, schema, () => {
        calls++;
        return Promise.reject(schemaGone('promptly_test_other'));
      }),
    ).rejects.toThrow(/does not exist/);
    expect(calls).toBe(3);
  });
});
