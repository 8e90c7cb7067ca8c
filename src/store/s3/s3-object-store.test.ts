import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import type { ErrorCode } from '../../core/error-codes.js';
import { isPromptlyError, type PromptlyError } from '../../core/errors.js';
import type { ArrivalNotice } from '../object-store.js';
import { runObjectStoreConformance } from '../testing/object-store-conformance.js';
import {
  createS3ObjectStore,
  type S3ObjectStore,
  type S3ObjectStoreOptions,
} from './s3-object-store.js';
import { s3ErrorFields } from './s3-errors.js';
import { s3StoreOptionsFromConfig, type S3StoreConfig } from './s3-store-config.js';
import {
  startS3TestServer,
  type S3TestEvent,
  type S3TestServer,
} from './testing/s3-test-server.js';

// s3rver runs in this process (see testing/s3-test-server.ts): nothing to install, no skip.
let server: S3TestServer | undefined;
beforeAll(async () => {
  server = await startS3TestServer();
});
afterAll(async () => {
  await server?.close();
});

function running(): S3TestServer {
  if (server === undefined) throw new Error('S3 test server not started');
  return server;
}

function optionsFor(bucket: string, prefix?: string): S3ObjectStoreOptions {
  const s = running();
  return {
    bucket,
    endpoint: s.endpoint,
    region: s.region,
    credentials: s.credentials,
    ...(prefix !== undefined ? { prefix } : {}),
  };
}

/** A fresh store on a random bucket; notices stay empty: S3 stores emit none themselves. */
async function fixture(
  prefix?: string,
): Promise<{ store: S3ObjectStore; notices: ArrivalNotice[] }> {
  const bucket = await running().bucket();
  return { store: await createS3ObjectStore(optionsFor(bucket, prefix)), notices: [] };
}

const peerOf = ({ store }: { store: S3ObjectStore }): Promise<S3ObjectStore> =>
  createS3ObjectStore(optionsFor(store.bucket, store.prefix === '' ? undefined : store.prefix));

runObjectStoreConformance('s3', () => fixture(), { openPeer: peerOf, emitsNotices: false });
runObjectStoreConformance('s3 (key prefix)', () => fixture('raw/'), {
  openPeer: peerOf,
  emitsNotices: false,
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<PromptlyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPromptlyError(err, code)) {
    throw new Error(`expected ${code}, got ${String(err)}`, { cause: err });
  }
  return err;
}

describe('S3ObjectStore specifics', () => {
  it('sends If-None-Match on a write-once put and maps the 412 to STORE_EXISTS', async () => {
    const { store } = await fixture();
    const before = { ...running().conditionalPuts };
    await store.put('once', bytes('first'), { ifAbsent: true });
    const err = await store
      .put('once', bytes('second'), { ifAbsent: true })
      .catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_STORE_EXISTS')).toBe(true);
    const after = running().conditionalPuts;
    expect(after.accepted - before.accepted).toBeGreaterThanOrEqual(1);
    expect(after.refused - before.refused).toBeGreaterThanOrEqual(1);
    await store.close();
  });

  it('keeps objects under its prefix and lists them without it', async () => {
    const bucket = await running().bucket();
    const bare = await createS3ObjectStore(optionsFor(bucket));
    const prefixed = await createS3ObjectStore(optionsFor(bucket, 'raw/'));
    await prefixed.put('a/b', bytes('x'));
    await bare.put('outside', bytes('y'));
    expect((await bare.head('raw/a/b'))?.size).toBe(1);
    const keys: string[] = [];
    for await (const info of prefixed.list('')) keys.push(info.key);
    expect(keys).toEqual(['a/b']);
    expect(await prefixed.head('outside')).toBeUndefined();
    await Promise.all([bare.close(), prefixed.close()]);
  });

  it('lists every object across pages in key order', async () => {
    const bucket = await running().bucket();
    const store = await createS3ObjectStore({ ...optionsFor(bucket), listPageSize: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `p/k${String(9 - i)}`);
    for (const k of keys) await store.put(k, bytes(k));
    const listed: string[] = [];
    for await (const info of store.list('p/')) listed.push(info.key);
    expect(listed).toEqual([...keys].sort());
    await store.close();
  });

  it('fails to open a missing bucket with STORE_IO naming it', async () => {
    const err = await createS3ObjectStore(optionsFor('promptly-no-such-bucket')).catch(
      (e: unknown) => e,
    );
    expect(isPromptlyError(err, 'PROMPTLY_E_STORE_IO')).toBe(true);
    expect(String(err)).toContain('promptly-no-such-bucket');
  });

  it('reports an unreachable server as STORE_UNAVAILABLE', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address();
        const p = typeof address === 'object' && address !== null ? address.port : 0;
        probe.close(() => resolve(p));
      });
    });
    const store = await createS3ObjectStore({
      ...optionsFor('promptly-unreachable'),
      endpoint: `http://127.0.0.1:${port}`,
      maxAttempts: 1,
      checkBucket: false,
    });
    const err = await store.get('k').catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_STORE_UNAVAILABLE')).toBe(true);
    await store.close();
  });

  it('carries the 412 as the cause of STORE_EXISTS, and sends no condition on a plain put', async () => {
    const { store } = await fixture();
    const before = { ...running().conditionalPuts };
    await store.put('k', bytes('first'), { ifAbsent: true });
    const err = await expectCode(
      store.put('k', bytes('second'), { ifAbsent: true }),
      'PROMPTLY_E_STORE_EXISTS',
    );
    expect(s3ErrorFields(err.cause).status).toBe(412);
    expect(err.message).toContain('"k"');
    await store.put('k', bytes('plain'));
    const after = running().conditionalPuts;
    expect(after.accepted - before.accepted).toBe(1);
    expect(after.refused - before.refused).toBe(1);
    expect(Buffer.from(await store.get('k')).toString()).toBe('plain');
    await store.close();
  });

  it('pages a prefixed listing and strips the prefix from every key', async () => {
    const bucket = await running().bucket();
    const store = await createS3ObjectStore({ ...optionsFor(bucket, 'raw/'), listPageSize: 2 });
    const keys = ['b/2', 'a/1', 'c', 'a/0', 'b/1'];
    for (const k of keys) await store.put(k, bytes(k));
    const listed: string[] = [];
    for await (const info of store.list('')) listed.push(info.key);
    expect(listed).toEqual([...keys].sort());
    await store.close();
  });

  it('rejects a prefix that does not end in a slash, or is not a valid key', async () => {
    const base = { ...optionsFor('b'), checkBucket: false };
    await expectCode(
      createS3ObjectStore({ ...base, prefix: 'raw' }),
      'PROMPTLY_E_STORE_KEY_INVALID',
    );
    await expectCode(
      createS3ObjectStore({ ...base, prefix: '../raw/' }),
      'PROMPTLY_E_STORE_KEY_INVALID',
    );
  });

  it('fails to open with an unknown access key with STORE_IO', async () => {
    const bucket = await running().bucket();
    await expectCode(
      createS3ObjectStore({
        ...optionsFor(bucket),
        credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'S3RVER' },
      }),
      'PROMPTLY_E_STORE_IO',
    );
  });

  it('aborts calls in flight with ABORTED', async () => {
    const { store } = await fixture();
    await store.put('big', new Uint8Array(4 << 20).fill(7));
    const ac = new AbortController();
    const get = store.get('big', { signal: ac.signal });
    const put = store.put('other', new Uint8Array(4 << 20), { signal: ac.signal });
    ac.abort(new Error('test abort'));
    await expectCode(get, 'PROMPTLY_E_ABORTED');
    await expectCode(put, 'PROMPTLY_E_ABORTED');
    await store.close();
  });

  it('rejects calls after close with STORE_CLOSED', async () => {
    const { store } = await fixture();
    await store.close();
    const err = await store.get('k').catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_STORE_CLOSED')).toBe(true);
  });
});

describe('the S3 test server', () => {
  it('notifies each created and removed object, key encoded as S3 does, and no refused put', async () => {
    const { store } = await fixture();
    const events: S3TestEvent[] = [];
    const stop = running().onEvent((e) => {
      if (e.Records[0]?.s3.bucket.name === store.bucket) events.push(e);
    });
    await store.put('a b/c+d.fits', bytes('x'), { ifAbsent: true });
    await expectCode(
      store.put('a b/c+d.fits', bytes('y'), { ifAbsent: true }),
      'PROMPTLY_E_STORE_EXISTS',
    );
    await store.delete('a b/c+d.fits');
    stop();
    expect(events.map((e) => [e.Records[0]!.eventName, e.Records[0]!.s3.object.key])).toEqual([
      ['ObjectCreated:Put', 'a+b/c%2Bd.fits'],
      ['ObjectRemoved:Delete', 'a+b/c%2Bd.fits'],
    ]);
    expect(events[0]!.Records[0]!.s3.object).toMatchObject({
      size: 1,
      eTag: '9dd4e461268c8034f5c8564e155c67a6',
    });
    await store.close();
  });
});

describe('s3 store config', () => {
  const s3Config = (store: Record<string, unknown>): S3StoreConfig => {
    const compiled = loadConfig({ cwd: '/srv/pp', overrides: { store } }).store;
    if (compiled.kind !== 's3') throw new Error('expected the s3 kind');
    return compiled;
  };

  it('fills defaults, gives no root, and reads credentials from the named variables', () => {
    const config = s3Config({
      kind: 's3',
      bucket: 'raw-bucket',
      endpoint: 'http://rgw.example:7480',
      accessKeyIdEnv: 'RAW_KEY',
      secretAccessKeyEnv: 'RAW_SECRET',
    });
    expect(config).toMatchObject({ region: 'us-east-1', forcePathStyle: true, durable: true });
    expect('root' in config).toBe(false);
    expect(s3StoreOptionsFromConfig(config, { RAW_KEY: 'id', RAW_SECRET: 'secret' })).toEqual({
      bucket: 'raw-bucket',
      endpoint: 'http://rgw.example:7480',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    });
  });

  it('rejects an unset variable, a lone variable name, a bad endpoint, bad buckets and unknown keys', () => {
    const config = s3Config({
      kind: 's3',
      bucket: 'raw',
      accessKeyIdEnv: 'K',
      secretAccessKeyEnv: 'S',
    });
    expect(() => s3StoreOptionsFromConfig(config, { K: 'id' })).toThrow(/S is not set/);
    expect(() =>
      s3StoreOptionsFromConfig(s3Config({ kind: 's3', bucket: 'raw', accessKeyIdEnv: 'K' }), {}),
    ).toThrow(/go together/);
    for (const bad of [
      { kind: 's3', bucket: 'raw', endpoint: 'ftp://x' },
      { kind: 's3', bucket: 'raw', secretAccessKey: 'inline secrets are not a key' },
      { kind: 's3', bucket: 'Bad_Bucket' },
      { kind: 's3', bucket: 'raw', root: '/x' },
      { kind: 's3', bucket: 'raw', prefix: '/abs/' },
    ]) {
      expect(() => loadConfig({ cwd: '/srv/pp', overrides: { store: bad } })).toThrow(
        /invalid configuration/,
      );
    }
  });
});
