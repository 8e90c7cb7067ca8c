import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { PromptlyError, toPromptlyError } from '../../core/errors.js';
import { isConnectionFailure, isRetryable, unavailable } from './pg-errors.js';

/** One pooled pg client as Kysely uses it; connection failures become UNAVAILABLE. */
class GuardedClient implements PostgresPoolClient {
  readonly #client: PoolClient;
  #broken = false;

  constructor(client: PoolClient) {
    this.#client = client;
    // A checked-out client has no listener of pg-pool's: without this one, the socket
    // failing between two queries would be an unhandled 'error' event (a crash).
    client.on('error', () => {
      this.#broken = true;
    });
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters: ReadonlyArray<unknown> = [],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') {
      throw new PromptlyError('PROMPTLY_E_INTERNAL', 'promptly does not stream with cursors');
    }
    return this.#run<R>(sqlOrCursor, parameters);
  }

  /** Back to the pool, or destroyed when it failed (it may still hold an unanswered query). */
  release(): void {
    this.#client.release(this.#broken);
  }

  async #run<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    try {
      const result = await this.#client.query(sql, [...parameters]);
      return result as PostgresQueryResult<R>;
    } catch (err) {
      if (isConnectionFailure(err)) {
        this.#broken = true;
        throw unavailable(err);
      }
      // The transaction runner reads a retryable error's SQLSTATE; no other error is
      // left uncoded.
      throw isRetryable(err) ? err : toPromptlyError(err);
    }
  }
}

/**
 * The pg pool as Kysely's PostgresDialect sees it: a failure to connect (refused, DNS,
 * `connectionTimeoutMillis`) or a query failing for the connection's sake (dropped socket,
 * server shutdown, `statement_timeout`, `query_timeout`) rejects with
 * PROMPTLY_E_REGISTRY_UNAVAILABLE, and such a connection is destroyed rather than reused.
 * Errors a SERIALIZABLE transaction may retry on pass through unchanged (the transaction
 * runner reads their SQLSTATE); any other is PROMPTLY_E_INTERNAL, with the pg error as cause.
 */
export function guardPool(pool: Pool): PostgresPool {
  const guarded = new WeakMap<PoolClient, GuardedClient>();
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw isConnectionFailure(err) ? unavailable(err) : toPromptlyError(err);
      }
      let wrapper = guarded.get(client);
      if (wrapper === undefined) {
        wrapper = new GuardedClient(client);
        guarded.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
