import { connect } from 'node:net';

/**
 * Reachability checks for the servers that `*.int.test.ts` files need. Each returns
 * undefined when the server answers, else a one-line reason (printed once) that names the
 * Debian package to install; use it as `describe.skipIf(reason !== undefined)`.
 */

/** The PostgreSQL the integration tests use (trust auth, user postgres, database test). */
export const TEST_POSTGRES_URL =
  process.env['PROMPTLY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Why the PostgreSQL integration tests must skip, or undefined when a TCP connection to
 * the server at `url` (default {@link TEST_POSTGRES_URL}) opens within `timeoutMs`.
 */
export async function postgresSkipReason(
  url: string = TEST_POSTGRES_URL,
  timeoutMs = 2_000,
): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const reason = `skipping PostgreSQL tests: PROMPTLY_TEST_POSTGRES_URL is not a URL: ${url}`;
    console.warn(reason);
    return reason;
  }
  const host = parsed.hostname === '' ? '127.0.0.1' : parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  if (reachable) return undefined;
  const reason =
    `skipping PostgreSQL tests: nothing answers at ${host}:${port} ` +
    `(install and start the Debian package postgresql, or set PROMPTLY_TEST_POSTGRES_URL)`;
  console.warn(reason);
  return reason;
}

/** The NATS server (with JetStream) the integration tests use: `PROMPTLY_TEST_NATS_URL`, else local. */
export function natsUrl(): string {
  return process.env['PROMPTLY_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
}

/**
 * Why the NATS integration tests must skip, or undefined when a TCP connection to the
 * server at `url` (default {@link natsUrl}) opens within `timeoutMs`.
 */
export async function natsSkipReason(
  url: string = natsUrl(),
  timeoutMs = 2_000,
): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const reason = `skipping NATS tests: PROMPTLY_TEST_NATS_URL is not a URL: ${url}`;
    console.warn(reason);
    return reason;
  }
  const host = parsed.hostname === '' ? '127.0.0.1' : parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? 4222 : Number(parsed.port);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  if (reachable) return undefined;
  const reason =
    `skipping NATS tests: nothing answers at ${host}:${port} ` +
    `(install and start the Debian package nats-server with -js, or set PROMPTLY_TEST_NATS_URL)`;
  console.warn(reason);
  return reason;
}
