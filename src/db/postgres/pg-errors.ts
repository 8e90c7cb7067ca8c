import { PromptlyError } from '../../core/errors.js';

/**
 * SQLSTATEs meaning the server is gone, going away, refusing connections, or cancelled the
 * statement at its timeout: class 08 (connection exception) is matched as a class.
 */
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set([
  '57P01', // admin_shutdown: the server is stopping, or the backend was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '57014', // query_canceled: statement_timeout (the registry never cancels otherwise)
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
]);

/** Node socket error codes of a server that cannot be reached or dropped the connection. */
const UNAVAILABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * Messages of node-postgres's own connection errors (pg 8), which carry no code: a connect
 * timeout (`connectionTimeoutMillis`, from the pool or a lone client), a client-side query timeout (`query_timeout`), a
 * dropped socket, a client already broken.
 */
const UNAVAILABLE_MESSAGES: readonly RegExp[] = [
  /timeout exceeded when trying to connect/i,
  /^timeout expired$/i,
  /connection terminated/i,
  /query read timeout/i,
  /is not queryable/i,
];

/**
 * SQLSTATEs after which a SERIALIZABLE transaction is worth running again from the start:
 * serialization failure and deadlock, and the constraint violations a concurrent commit can
 * cause (a re-run reads that commit and takes the "already there" path instead).
 */
const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01', '23505', '23503']);

/** The `code` of an error (a SQLSTATE from the server, or a Node socket code), if any. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** True when `err` says the server cannot be reached, dropped the connection, or timed out. */
export function isConnectionFailure(err: unknown): boolean {
  const code = errorCode(err);
  if (code !== undefined) {
    if (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (UNAVAILABLE_SOCKET_CODES.has(code)) return true;
  }
  if (err instanceof AggregateError) return err.errors.some(isConnectionFailure);
  return err instanceof Error && UNAVAILABLE_MESSAGES.some((re) => re.test(err.message));
}

/** True when a SERIALIZABLE transaction that failed with `err` may simply be run again. */
export function isRetryable(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}

/** PROMPTLY_E_REGISTRY_UNAVAILABLE wrapping a connection failure. */
export function unavailable(err: unknown): PromptlyError {
  const message = err instanceof Error ? err.message : String(err);
  return new PromptlyError(
    'PROMPTLY_E_REGISTRY_UNAVAILABLE',
    `PostgreSQL unavailable: ${message}`,
    { cause: err },
  );
}
