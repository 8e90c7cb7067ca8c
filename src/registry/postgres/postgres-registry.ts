import { Kysely, PostgresDialect } from 'kysely';
import { Pool, type ClientConfig } from 'pg';
import { PromptlyError, toPromptlyError } from '../../core/errors.js';
import type { RegistryDb } from '../sql/registry-db.js';
import { SqlRegistry } from '../sql/sql-registry.js';
import { guardPool } from './guarded-pool.js';
import { registryTypes } from './int8.js';
import { prepareSchema } from './schema-migration.js';
import { serializableTransactions } from './serializable-transactions.js';

export interface PostgresRegistryOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). */
  readonly url: string;
  /**
   * Schema of the registry's tables, created if missing, so that several deployments can
   * share one database: a lower-case SQL identifier. Default `public`.
   */
  readonly schema?: string;
  /** Connections in this process's pool, 1..100. Default 10. */
  readonly poolSize?: number;
  /**
   * Longest a statement may run (PostgreSQL `statement_timeout`, which also bounds waiting
   * for locks), ms. The client stops waiting for an answer {@link CLIENT_GRACE_MS} later,
   * for a server that can no longer answer at all. Default 30 000.
   */
  readonly statementTimeoutMs?: number;
  /** Longest wait for a connection (a new one, or a free one of the pool), ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
}

/** How much longer than the statement timeout the client waits for the server's answer, ms. */
export const CLIENT_GRACE_MS = 2_000;

/** Lower-case identifiers only: no quoting, no case folding surprises. */
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

function invalid(message: string): never {
  throw new PromptlyError('PROMPTLY_E_CONFIG_INVALID', `postgres registry: ${message}`);
}

function positiveMs(value: number | undefined, fallback: number, name: string): number {
  const ms = value ?? fallback;
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > 86_400_000)
    invalid(`${name} must be an integer number of ms in 1..86400000, got ${ms}`);
  return ms;
}

/** The validated options with defaults filled, and the pg client settings they make. */
function compile(options: PostgresRegistryOptions): {
  schema: string;
  poolSize: number;
  connectTimeoutMs: number;
  client: ClientConfig;
} {
  const { url } = options;
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\/\S+$/.test(url))
    invalid('url must be a postgres:// or postgresql:// URL');
  const schema = options.schema ?? 'public';
  if (!SCHEMA.test(schema))
    invalid(`schema must be a lower-case SQL identifier, got ${JSON.stringify(schema)}`);
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 100)
    invalid(`poolSize must be an integer in 1..100, got ${poolSize}`);
  const statementTimeoutMs = positiveMs(options.statementTimeoutMs, 30_000, 'statementTimeoutMs');
  const connectTimeoutMs = positiveMs(options.connectTimeoutMs, 10_000, 'connectTimeoutMs');
  return {
    schema,
    poolSize,
    connectTimeoutMs,
    client: {
      connectionString: url,
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + CLIENT_GRACE_MS,
      keepAlive: true,
      // Unqualified table names resolve in the registry's schema, and only there.
      options: `-c search_path=${schema}`,
      application_name: 'promptly-registry',
      types: registryTypes,
    },
  };
}

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
  const compiled = compile(options);
  const pool = new Pool({ ...compiled.client, max: compiled.poolSize });
  // An idle connection that fails is dropped by the pool and replaced on demand; without a
  // listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<RegistryDb>({ dialect: new PostgresDialect({ pool: guardPool(pool) }) });
  try {
    await prepareSchema(compiled.client, compiled.schema, db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    if (!pool.ending) await pool.end().catch(() => undefined);
    throw toPromptlyError(err);
  }
  return new SqlRegistry(db, { runTransaction: serializableTransactions() });
}
