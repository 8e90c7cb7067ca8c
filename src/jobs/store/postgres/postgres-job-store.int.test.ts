import { afterAll, describe } from 'vitest';
import { dropSchemas, randomSchemaName } from '../../../db/postgres/testing/test-schemas.js';
import { TEST_POSTGRES_URL, postgresSkipReason } from '../../../testing/servers.js';
import { runJobStoreConformance } from '../testing/job-store-conformance.js';
import { createPostgresJobStore } from './postgres-job-store.js';

const skip = await postgresSkipReason();
if (skip) console.log(skip);

const schemas: string[] = [];
const schemaOf = new WeakMap<object, string>();
afterAll(async () => {
  if (!skip) await dropSchemas(TEST_POSTGRES_URL, schemas);
});

describe.skipIf(skip !== undefined)('PostgreSQL job store', () => {
  runJobStoreConformance(
    'postgres',
    async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const store = await createPostgresJobStore({ url: TEST_POSTGRES_URL, schema, poolSize: 4 });
      schemaOf.set(store, schema);
      return store;
    },
    (first) =>
      createPostgresJobStore({
        url: TEST_POSTGRES_URL,
        schema: schemaOf.get(first) ?? 'public',
        poolSize: 4,
      }),
  );
});
