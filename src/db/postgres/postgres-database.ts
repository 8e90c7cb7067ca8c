import { Kysely, PostgresDialect } from 'kysely';
import { Pool, type ClientConfig } from 'pg';
import { PromptlyError, toPromptlyError } from '../../core/errors.js';
import { guardPool } from './guarded-pool.js';
import { promptlyTypes } from './int8.js';
import { prepareSchema } from './schema-migration.js';

export interface PostgresDatabaseOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). */
  readonly url: string;
  /**
   * Schema of the tables, created if missing, so that several deployments can
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
  throw new PromptlyError('PROMPTLY_E_CONFIG_INVALID', `postgres: ${message}`);
}

function positiveMs(value: number | undefined, fallback: number, name: string): number {
  const ms = value ?? fallback;
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > 86_400_000)
    invalid(`${name} must be an integer number of ms in 1..86400000, got ${ms}`);
  return ms;
}

/** The validated options with defaults filled, and the pg client settings they make. */
function compile(options: PostgresDatabaseOptions): {
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
      types: promptlyTypes,
    },
  };
}

/**
 * A Kysely over a pg Pool whose connections see only `schema` (created if missing and
 * migrated by `migrate` under an advisory lock named after `what`, so processes opening it
 * at once take turns). int8 columns are read as bounds-checked numbers; a server that cannot
 * be reached or does not answer within the timeouts fails the call with a coded error
 * instead of hanging. Shared by the registry and the visit ledger.
 */
export async function openPostgresDatabase<DB>(
  options: PostgresDatabaseOptions,
  what: string,
  migrate: (db: Kysely<DB>, schema: string) => Promise<void>,
): Promise<Kysely<DB>> {
  const compiled = compile(options);
  const client = { ...compiled.client, application_name: `promptly-${what}` };
  const pool = new Pool({ ...client, max: compiled.poolSize });
  // An idle connection that fails is dropped by the pool and replaced on demand; without a
  // listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  // A client checked out of the pool but between queries (a transaction in progress) gets
  // the server's "terminating connection" (a restart, a failover) as an 'error' event with
  // no listener of the pool's: the process would crash. Its next query fails, coded, instead.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: guardPool(pool) }) });
  try {
    await prepareSchema(client, compiled.schema, () => migrate(db, compiled.schema), what);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    if (!pool.ending) await pool.end().catch(() => undefined);
    throw toPromptlyError(err);
  }
  return db;
}
