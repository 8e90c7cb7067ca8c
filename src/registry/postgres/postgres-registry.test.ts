import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectCode } from '../testing/registry-fixtures.js';
import { parseInt8 } from '../../db/postgres/int8.js';
import { isConnectionFailure, isRetryable } from '../../db/postgres/pg-errors.js';
import { createPostgresRegistry } from './postgres-registry.js';

/** A TCP server on 127.0.0.1 that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('parseInt8', () => {
  it('reads int8 text as an exact number up to ±Number.MAX_SAFE_INTEGER', () => {
    expect(parseInt8('0')).toBe(0);
    expect(parseInt8('2024060100001')).toBe(2024060100001);
    expect(parseInt8('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseInt8('-9007199254740991')).toBe(-Number.MAX_SAFE_INTEGER);
  });

  it('refuses a value beyond Number.MAX_SAFE_INTEGER instead of rounding it', () => {
    for (const text of ['9007199254740992', '9007199254740993', '-9007199254740993'])
      expect(() => parseInt8(text)).toThrow(/MAX_SAFE_INTEGER/);
  });
});

describe('PostgreSQL error classification', () => {
  it('treats refused, dropped and timed-out connections as unavailability, and SQL errors not', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(isConnectionFailure(refused)).toBe(true);
    expect(isConnectionFailure(new AggregateError([refused], 'all addresses failed'))).toBe(true);
    expect(isConnectionFailure(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isConnectionFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('timeout'), { code: '57014' }))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('dup'), { code: '23505' }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('ser'), { code: '40001' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
    expect(isRetryable(refused)).toBe(false);
  });
});

describe('createPostgresRegistry without a server', () => {
  it('rejects bad options with CONFIG_INVALID before connecting', async () => {
    const url = 'postgres://postgres@127.0.0.1:1/test';
    await expectCode(createPostgresRegistry({ url: 'mysql://x/y' }), 'PROMPTLY_E_CONFIG_INVALID');
    await expectCode(
      createPostgresRegistry({ url, schema: 'Bad-Name' }),
      'PROMPTLY_E_CONFIG_INVALID',
    );
    await expectCode(createPostgresRegistry({ url, poolSize: 0 }), 'PROMPTLY_E_CONFIG_INVALID');
    await expectCode(createPostgresRegistry({ url, poolSize: 101 }), 'PROMPTLY_E_CONFIG_INVALID');
    await expectCode(
      createPostgresRegistry({ url, statementTimeoutMs: 0 }),
      'PROMPTLY_E_CONFIG_INVALID',
    );
  });

  it('fails with REGISTRY_UNAVAILABLE when nothing listens at the URL', async () => {
    const server = await silentServer();
    const { port } = server;
    await server.close(); // the port is now free: connections are refused
    await expectCode(
      createPostgresRegistry({ url: `postgres://postgres@127.0.0.1:${port}/test` }),
      'PROMPTLY_E_REGISTRY_UNAVAILABLE',
    );
  });

  it('fails with REGISTRY_UNAVAILABLE rather than hanging when the server never answers', async () => {
    const server = await silentServer();
    try {
      await expectCode(
        createPostgresRegistry({
          url: `postgres://postgres@127.0.0.1:${server.port}/test`,
          connectTimeoutMs: 200,
        }),
        'PROMPTLY_E_REGISTRY_UNAVAILABLE',
      );
    } finally {
      await server.close();
    }
  });
});
