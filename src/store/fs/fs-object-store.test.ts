import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import type { ArrivalNotice } from '../object-store.js';
import { runObjectStoreConformance } from '../testing/object-store-conformance.js';
import { createFsObjectStore, type FsObjectStore } from './fs-object-store.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function newRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'promptly-fs-store-'));
  roots.push(root);
  return root;
}

async function fixture(
  durable: boolean,
): Promise<{ store: FsObjectStore; notices: ArrivalNotice[]; root: string }> {
  const root = newRoot();
  const notices: ArrivalNotice[] = [];
  const store = await createFsObjectStore({
    root,
    bucket: 'test-bucket',
    durable,
    onNotice: (n) => {
      notices.push(n);
    },
  });
  return { store, notices, root };
}

for (const durable of [true, false]) {
  runObjectStoreConformance(`fs (durable: ${durable})`, () => fixture(durable), {
    // Another process on the same root: its own store object, notices into the same list.
    openPeer: ({ store, notices }) =>
      createFsObjectStore({
        root: store.root,
        bucket: store.bucket,
        durable,
        onNotice: (n) => {
          notices.push(n);
        },
      }),
  });
}

describe('FsObjectStore specifics', () => {
  it('maps keys to files under the root and keeps temp files out of sight', async () => {
    const { store, root } = await fixture(true);
    await store.put('LSSTCam/R22_S11/g/0/raw.fits', new Uint8Array([1, 2, 3]));
    expect(statSync(join(root, 'LSSTCam/R22_S11/g/0/raw.fits')).size).toBe(3);
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
    await store.close();
  });

  it('serves head from the sidecar without re-reading the object', async () => {
    const { store, root } = await fixture(false);
    const info = await store.put('k', new Uint8Array([1, 2, 3]));
    // Poison the sidecar's eTag while keeping its inode/size/mtime: head must return it,
    // which proves head trusted the sidecar instead of hashing the file.
    const metaPath = join(root, '.meta', 'k');
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
    await writeFile(metaPath, JSON.stringify({ ...meta, eTag: 'feedface' }));
    expect((await store.head('k'))?.eTag).toBe('"feedface"');
    expect(info.eTag).not.toBe('"feedface"');
    await store.close();
  });

  it('re-hashes when the file changed behind the store, and repairs the sidecar', async () => {
    const { store, root } = await fixture(false);
    await store.put('k', new Uint8Array([1, 2, 3]));
    writeFileSync(join(root, 'k'), 'changed behind our back');
    const info = await store.head('k');
    const expected = createHash('md5').update('changed behind our back').digest('hex');
    expect(info?.eTag).toBe(`"${expected}"`);
    expect(JSON.parse(await readFile(join(root, '.meta', 'k'), 'utf8'))).toMatchObject({
      eTag: expected,
    });
    expect(info?.size).toBe('changed behind our back'.length);
    await store.close();
  });

  it('finds objects that were written without a sidecar (e.g. copied in)', async () => {
    const { store, root } = await fixture(false);
    writeFileSync(join(root, 'copied.txt'), 'abc');
    expect((await store.head('copied.txt'))?.eTag).toBe('"900150983cd24fb0d6963f7d28e17f72"');
    expect(JSON.parse(await readFile(join(root, '.meta', 'copied.txt'), 'utf8'))).toMatchObject({
      eTag: '900150983cd24fb0d6963f7d28e17f72',
    });
    await store.close();
  });

  it('prunes directories a delete or move leaves empty', async () => {
    const { store, root } = await fixture(false);
    await store.put('a/b/c/x', new Uint8Array([1]));
    await store.put('a/keep', new Uint8Array([1]));
    await store.delete('a/b/c/x');
    expect(readdirSync(join(root, 'a'))).toEqual(['keep']);
    await store.move('a/keep', 'z/keep');
    expect(readdirSync(root).sort()).toEqual(['.meta', '.tmp', 'z']);
    await store.close();
  });

  it('fails with STORE_IO when a key collides with an object or a prefix', async () => {
    const { store } = await fixture(false);
    await store.put('a', new Uint8Array([1]));
    await store.put('x/y', new Uint8Array([1]));
    for (const p of [
      store.put('a/b', new Uint8Array([2])),
      store.put('x', new Uint8Array([2])),
      store.put('x', new Uint8Array([2]), { ifAbsent: true }),
      store.put('a/b', new Uint8Array([2]), { ifAbsent: true }),
      store.move('a', 'x'),
    ]) {
      const err = await p.catch((e: unknown) => e);
      expect(isPromptlyError(err, 'PROMPTLY_E_STORE_IO')).toBe(true);
    }
    expect(Buffer.from(await store.get('a'))[0]).toBe(1);
    expect(readdirSync(join(store.root, '.tmp'))).toEqual([]);
    await store.close();
  });

  it("leaves no temp file behind, and the winner's sidecar, when ifAbsent puts race", async () => {
    const { store, root } = await fixture(false);
    const bodies = [1, 2, 3, 4].map((f) => new Uint8Array(64 * 1024).fill(f));
    const results = await Promise.allSettled(
      bodies.map((b) => store.put('k', b, { ifAbsent: true })),
    );
    const won = results.findIndex((r) => r.status === 'fulfilled');
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
    const meta = JSON.parse(await readFile(join(root, '.meta', 'k'), 'utf8')) as { eTag: string };
    expect(meta.eTag).toBe(createHash('md5').update(bodies[won]!).digest('hex'));
    expect(statSync(join(root, 'k')).nlink).toBe(1);
    await store.close();
  });

  it('rejects keys under its internal directories', async () => {
    const { store } = await fixture(false);
    for (const key of ['.tmp/x', '.meta/x']) {
      const err = await store.put(key, new Uint8Array([1])).catch((e: unknown) => e);
      expect(isPromptlyError(err, 'PROMPTLY_E_STORE_KEY_INVALID')).toBe(true);
    }
    await store.close();
  });

  it('sweeps stale temp files at start-up but leaves fresh ones', async () => {
    const root = newRoot();
    await (await createFsObjectStore({ root, bucket: 'b' })).close();
    const stale = join(root, '.tmp', 'stale');
    const fresh = join(root, '.tmp', 'fresh');
    writeFileSync(stale, 'x');
    writeFileSync(fresh, 'x');
    const old = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(stale, old, old);
    const store = await createFsObjectStore({ root, bucket: 'b' });
    expect(readdirSync(join(root, '.tmp'))).toEqual(['fresh']);
    await store.close();
  });

  it('emits the notice only once the object is readable at its key', async () => {
    const root = newRoot();
    const seen: string[] = [];
    const store: FsObjectStore = await createFsObjectStore({
      root,
      bucket: 'b',
      onNotice: async (n) => {
        const key = n.Records[0]!.s3.object.key;
        seen.push(Buffer.from(await store.get(key)).toString());
      },
    });
    await store.put('x/y', new TextEncoder().encode('ready'));
    expect(seen).toEqual(['ready']);
    await store.close();
  });

  it('rejects calls after close with STORE_CLOSED', async () => {
    const { store } = await fixture(false);
    await store.close();
    const err = await store.get('k').catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_STORE_CLOSED')).toBe(true);
  });

  it('rejects a put whose notice sink fails, with the object stored', async () => {
    const root = newRoot();
    const store = await createFsObjectStore({
      root,
      bucket: 'b',
      durable: false,
      onNotice: () => {
        throw new Error('bus down');
      },
    });
    const err = await store.put('k', new Uint8Array([1])).catch((e: unknown) => e);
    expect(isPromptlyError(err, 'PROMPTLY_E_STORE_IO')).toBe(true);
    expect(await store.head('k')).toBeDefined();
    await store.close();
  });
});
