import type { Kysely } from 'kysely';
import {
  openPostgresDatabase,
  type PostgresDatabaseOptions,
} from '../../db/postgres/postgres-database.js';
import type { RegistryDb } from '../sql/registry-db.js';
import { migrateRegistry } from '../sql/registry-schema.js';
import { SqlRegistry } from '../sql/sql-registry.js';
import { serializableTransactions } from './serializable-transactions.js';

/** Options of {@link createPostgresRegistry}: where the registry's schema lives. */
export type PostgresRegistryOptions = PostgresDatabaseOptions;

/**
 * A Registry in a PostgreSQL schema, shared by every process and host that opens it
 * (Kysely's PostgresDialect over a pg Pool). On open, the schema is created if missing and
 * migrated under an advisory lock (see prepareSchema). Write transactions are SERIALIZABLE
 * and re-run on serialization failures (see serializableTransactions), so concurrent
 * ingests from many processes resolve to one dataset per data ID, as on SQLite. int8
 * columns are read as numbers, bounds-checked (see parseInt8).
 *
 * A server that cannot be reached, drops the connection, or does not answer within the
 * timeouts makes the call fail with PROMPTLY_E_REGISTRY_UNAVAILABLE, never hang; the pool
 * reconnects on later calls. Bad options are PROMPTLY_E_CONFIG_INVALID.
 */
export async function createPostgresRegistry(
  options: PostgresRegistryOptions,
): Promise<SqlRegistry> {
  const db = await openPostgresDatabase<RegistryDb>(options, 'registry', (kysely, schema) =>
    migrateRegistry(kysely as Kysely<unknown>, { schema }),
  );
  return new SqlRegistry(db, { runTransaction: serializableTransactions() });
}
