import { afterAll, describe } from 'vitest';
import { dropSchemas, randomSchemaName } from '../../db/postgres/testing/test-schemas.js';
import { TEST_POSTGRES_URL, postgresSkipReason } from '../../testing/servers.js';
import { runLedgerConformance } from '../testing/ledger-conformance.js';
import { createPostgresVisitLedger } from './postgres-visit-ledger.js';

const skip = await postgresSkipReason();
if (skip) console.log(skip);

const schemas: string[] = [];
const schemaOf = new WeakMap<object, string>();
afterAll(async () => {
  if (!skip) await dropSchemas(TEST_POSTGRES_URL, schemas);
});

describe.skipIf(skip !== undefined)('PostgreSQL visit ledger', () => {
  runLedgerConformance(
    'postgres',
    async () => {
      const schema = randomSchemaName();
      schemas.push(schema);
      const ledger = await createPostgresVisitLedger({
        url: TEST_POSTGRES_URL,
        schema,
        poolSize: 4,
      });
      schemaOf.set(ledger, schema);
      return ledger;
    },
    (first) =>
      createPostgresVisitLedger({
        url: TEST_POSTGRES_URL,
        schema: schemaOf.get(first) ?? 'public',
        poolSize: 4,
      }),
  );
});
