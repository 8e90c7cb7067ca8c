import { connect } from 'node:net';

/**
 * Reachability checks for the servers that `*.int.test.ts` files need. Each returns
 * undefined when the server answers, else a one-line reason (printed once) that names the
 * Debian package to install; use it as `describe.skipIf(reason !== undefined)`.
 */

/** The PostgreSQL the integration tests use (trust auth, user postgres, database test). */
export const TEST_POSTGRES_URL =
  process.env['PROMPTLY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The NATS server (with JetStream) the integration tests use: `PROMPTLY_TEST_NATS_URL`, else local. */
export function natsUrl(): string {
  return process.env['PROMPTLY_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
}

/** What one kind of server is called, where it listens by default and how to get it. */
interface ServerKind {
  readonly name: string;
  readonly defaultPort: number;
  readonly envVar: string;
  readonly install: string;
}

/**
 * Why the tests of `kind` must skip, or undefined when a TCP connection to `url` opens
 * within `timeoutMs`.
 */
async function skipReason(
  kind: ServerKind,
  url: string,
  timeoutMs: number,
): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const reason = `skipping ${kind.name} tests: ${kind.envVar} is not a URL: ${url}`;
    console.warn(reason);
    return reason;
  }
  const host = parsed.hostname === '' ? '127.0.0.1' : parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port === '' ? kind.defaultPort : Number(parsed.port);
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
    `skipping ${kind.name} tests: nothing answers at ${host}:${port} ` +
    `(install and start ${kind.install}, or set ${kind.envVar})`;
  console.warn(reason);
  return reason;
}

/** Why the PostgreSQL integration tests must skip, or undefined when the server answers. */
export function postgresSkipReason(
  url: string = TEST_POSTGRES_URL,
  timeoutMs = 2_000,
): Promise<string | undefined> {
  return skipReason(
    {
      name: 'PostgreSQL',
      defaultPort: 5432,
      envVar: 'PROMPTLY_TEST_POSTGRES_URL',
      install: 'the Debian package postgresql',
    },
    url,
    timeoutMs,
  );
}

/** Why the NATS integration tests must skip, or undefined when the server answers. */
export function natsSkipReason(
  url: string = natsUrl(),
  timeoutMs = 2_000,
): Promise<string | undefined> {
  return skipReason(
    {
      name: 'NATS',
      defaultPort: 4222,
      envVar: 'PROMPTLY_TEST_NATS_URL',
      install: 'the Debian package nats-server with -js',
    },
    url,
    timeoutMs,
  );
}
