import { setTimeout as sleep } from 'node:timers/promises';
import { PromptlyError, toPromptlyError } from '../../core/errors.js';
import type { RunTransaction } from '../sql/sql-registry.js';
import { errorCode, isRetryable } from '../../db/postgres/pg-errors.js';

export interface SerializableRetryOptions {
  /** Runs of one transaction before giving up with PROMPTLY_E_REGISTRY_UNAVAILABLE. Default 30. */
  readonly maxAttempts?: number;
  /** Wait before the first re-run, ms; doubles each time, with full jitter. Default 2. */
  readonly firstDelayMs?: number;
  /** Longest wait between runs, ms. Default 250. */
  readonly maxDelayMs?: number;
}

/**
 * Runs each registry write transaction at SERIALIZABLE isolation, and runs it again from
 * the start when PostgreSQL reports that it could not be serialized with a concurrent one
 * (SQLSTATE 40001, deadlock 40P01, or a unique / foreign-key violation caused by a
 * concurrent commit). This gives PostgreSQL the guarantee SQLite gets from BEGIN
 * IMMEDIATE: every write transaction behaves as if it ran alone, so the read-then-write
 * checks of the SQL registry (ingest by data ID, the validity-overlap check of certify,
 * the cycle check of chains, removeRun against a concurrent ingest) hold at commit,
 * without taking a database-wide write lock.
 *
 * Errors that are not retryable pass as they are when already coded, else as
 * PROMPTLY_E_INTERNAL; running out of attempts is PROMPTLY_E_REGISTRY_UNAVAILABLE.
 */
export function serializableTransactions(options: SerializableRetryOptions = {}): RunTransaction {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 30));
  const firstDelayMs = Math.max(0, options.firstDelayMs ?? 2);
  const maxDelayMs = Math.max(firstDelayMs, options.maxDelayMs ?? 250);
  return async (db, work) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().setIsolationLevel('serializable').execute(work);
      } catch (err) {
        if (!isRetryable(err)) throw toPromptlyError(err);
        if (attempt >= maxAttempts) {
          throw new PromptlyError(
            'PROMPTLY_E_REGISTRY_UNAVAILABLE',
            `registry transaction still conflicted with concurrent ones after ${attempt} attempts ` +
              `(SQLSTATE ${errorCode(err) ?? '?'})`,
            { cause: err },
          );
        }
        // Full jitter, so that transactions that collided do not collide again in step.
        const ceilingMs = Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1));
        await sleep(Math.random() * ceilingMs);
      }
    }
  };
}
