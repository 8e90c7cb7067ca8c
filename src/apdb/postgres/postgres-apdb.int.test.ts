import { afterAll, describe } from 'vitest';
import { dropSchemas, randomSchemaName } from '../../db/postgres/testing/test-schemas.js';
import { TEST_POSTGRES_URL, postgresSkipReason } from '../../testing/servers.js';
import { runApdbConformance } from '../testing/apdb-conformance.js';
import { createPostgresApdb } from './postgres-apdb.js';

const skip = await postgresSkipReason();
if (skip) console.log(skip);

const schemas: string[] = [];
const schemaOf = new WeakMap<object, string>();
afterAll(async () => {
  if (!skip) await dropSchemas(TEST_POSTGRES_URL, schemas);
});

describe.skipIf(skip !== undefined)('PostgreSQL APDB', () => {
  runApdbConformance(
    'postgres',
    async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const apdb = await createPostgresApdb({ url: TEST_POSTGRES_URL, schema, poolSize: 4 });
      schemaOf.set(apdb, schema);
      return apdb;
    },
    (first) =>
      createPostgresApdb({
        url: TEST_POSTGRES_URL,
        schema: schemaOf.get(first) ?? 'public',
        poolSize: 4,
      }),
  );
});
