import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isPromptlyError, type PromptlyError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/error-codes.js';
import type { ArrivalNotice, ObjectInfo, ObjectStore } from '../object-store.js';

/** What a backend hands the suite: a fresh, empty store and the notices it emits. */
export interface ObjectStoreFixture<S extends ObjectStore = ObjectStore> {
  readonly store: S;
  /** Every arrival notice the store (and any peer of it) emitted, appended in order. */
  readonly notices: ArrivalNotice[];
}

/** What a backend can do beyond the core contract; the cases needing it skip (with a reason) otherwise. */
export interface ObjectStoreConformanceOptions<S extends ObjectStore> {
  /**
   * Opens a second, independent handle on the fixture's backing store (same root, same
   * bucket and prefix; its own connections), as another process would; its notices, if any,
   * go to the fixture's `notices`. The suite closes it. Without it the two-handle cases skip.
   */
  readonly openPeer?: (fixture: ObjectStoreFixture<S>) => Promise<ObjectStore>;
  /**
   * False for stores that emit no arrival notices themselves (S3: the bucket's notifications
   * do, see src/arrivals); the notice cases then skip. Default true.
   */
  readonly emitsNotices?: boolean;
}

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A body of `size` bytes, every byte `fill`: a torn read of two such bodies is visible. */
function filled(size: number, fill: number): Uint8Array {
  return new Uint8Array(size).fill(fill);
}

async function collect(it: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of it) out.push(info);
  return out;
}

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<PromptlyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeDefined();
  if (!isPromptlyError(err, code)) {
    throw new Error(`expected PromptlyError ${code}, got ${String(err)}`, { cause: err });
  }
  return err;
}

function abortedSignal(): AbortSignal {
  const ac = new AbortController();
  ac.abort(new Error('test abort'));
  return ac.signal;
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * `it` for a case that applies to the backend; a case that does not (an S3 store emits no
 * notices of its own: bucket notifications do) is not registered at all, with one printed
 * line saying why — CI fails on skipped tests, and this is no missing tool.
 */
function itWhen(ok: boolean, reason: string): (title: string, fn: () => Promise<void>) => void {
  return (title, fn) => {
    if (ok) it(title, fn);
    else console.log(`not applicable, not run: "${title}": ${reason}`);
  };
}

/**
 * The ObjectStore conformance suite. Every backend runs it unchanged; `make` must return a
 * fresh, empty store per call (e.g. its own temp directory or bucket prefix). The suite
 * closes each store it made, and each peer it opened.
 */
export function runObjectStoreConformance<S extends ObjectStore>(
  name: string,
  make: () => Promise<ObjectStoreFixture<S>>,
  options: ObjectStoreConformanceOptions<S> = {},
): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    const opened: ObjectStore[] = [];
    const fresh = async (): Promise<ObjectStoreFixture<S>> => {
      const fx = await make();
      opened.push(fx.store);
      return fx;
    };
    const { openPeer } = options;
    const withNotices = itWhen(
      options.emitsNotices !== false,
      `the ${name} store emits no arrival notices itself`,
    );
    const withPeer = itWhen(
      openPeer !== undefined,
      `the ${name} backend gives no second handle on one store`,
    );
    /** A fresh fixture and a second handle on the same backing store. */
    const freshPair = async (): Promise<[ObjectStoreFixture<S>, ObjectStore]> => {
      const fx = await fresh();
      if (openPeer === undefined) throw new Error('no openPeer'); // cases using it are skipped
      const peer = await openPeer(fx);
      opened.push(peer);
      return [fx, peer];
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('returns the bytes it stored, with size and quoted MD5 eTag', async () => {
      const { store } = await fresh();
      const body = bytesOf('hello, observatory');
      const info = await store.put('raw/LATISS/0/hello.fits', body);
      expect(info).toMatchObject({
        key: 'raw/LATISS/0/hello.fits',
        size: body.length,
        eTag: `"${md5(body)}"`,
      });
      expect(Number.isFinite(info.lastModifiedMs)).toBe(true);
      expect(Math.abs(info.lastModifiedMs - Date.now())).toBeLessThan(60_000);
      const back = await store.get('raw/LATISS/0/hello.fits');
      expect(back).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(back).equals(Buffer.from(body))).toBe(true);
    });

    it('stores an empty object', async () => {
      const { store } = await fresh();
      const info = await store.put('empty', new Uint8Array(0));
      expect(info.size).toBe(0);
      expect(info.eTag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
      expect((await store.get('empty')).length).toBe(0);
    });

    it('head reports what put returned, and undefined for a missing key', async () => {
      const { store } = await fresh();
      const info = await store.put('a/b.txt', bytesOf('abc'));
      expect(await store.head('a/b.txt')).toEqual(info);
      expect(await store.head('a/missing.txt')).toBeUndefined();
      expect(await store.head('a')).toBeUndefined(); // a prefix is not an object
    });

    it('overwrites: get and head see the second body', async () => {
      const { store } = await fresh();
      await store.put('k', bytesOf('first'));
      const second = bytesOf('second, longer');
      await store.put('k', second);
      expect(Buffer.from(await store.get('k')).toString()).toBe('second, longer');
      expect(await store.head('k')).toMatchObject({
        size: second.length,
        eTag: `"${md5(second)}"`,
      });
    });

    it('never lets a concurrent reader see a partial or mixed object', async () => {
      const { store } = await fresh();
      const size = 1 << 20;
      const bodies = [filled(size, 0x41), filled(size, 0x42)];
      await store.put('race/obj', bodies[0]!);
      const seen = new Set<number>();
      const check = (b: Uint8Array): void => {
        expect(b.length).toBe(size);
        const first = b[0]!;
        // every byte equals the first: one whole body, never a mix or a truncation
        expect(b.every((x) => x === first)).toBe(true);
        seen.add(first);
      };
      const ops: Promise<void>[] = [];
      for (let i = 0; i < 6; i++) {
        ops.push(store.put('race/obj', bodies[i % 2]!).then(() => undefined));
        for (let r = 0; r < 4; r++) {
          ops.push(store.get('race/obj').then(check));
          ops.push(
            store.head('race/obj').then((h) => {
              expect(h?.size).toBe(size);
            }),
          );
        }
      }
      await Promise.all(ops);
      expect([...seen].every((x) => x === 0x41 || x === 0x42)).toBe(true);
    });

    it('leaves one whole body when puts to one key race (last rename wins)', async () => {
      const { store } = await fresh();
      const bodies = [0x10, 0x20, 0x30, 0x40].map((f) => filled(256 * 1024, f));
      await Promise.all(bodies.map((b) => store.put('same', b)));
      const got = await store.get('same');
      const match = bodies.find((b) => Buffer.from(b).equals(Buffer.from(got)));
      expect(match).toBeDefined();
      expect((await store.head('same'))?.eTag).toBe(`"${md5(match!)}"`);
    });

    withNotices('emits exactly one S3-shaped notice per put', async () => {
      const fx = await fresh();
      const { store, notices } = fx;
      const body = bytesOf('notice me');
      await store.put('LSSTCam/R22_S11/g1/0/raw.fits', body);
      expect(notices).toHaveLength(1);
      const rec = notices[0]!.Records;
      expect(rec).toHaveLength(1);
      const r = rec[0]!;
      expect(r.eventName).toBe('ObjectCreated:Put');
      expect(r.eventSource).toBe('promptly:store');
      expect(typeof r.eventVersion).toBe('string');
      expect(Number.isNaN(Date.parse(r.eventTime))).toBe(false);
      expect(r.eventTime.endsWith('Z')).toBe(true);
      expect(r.s3.bucket.name).toBe(store.bucket);
      expect(r.s3.object).toMatchObject({
        key: 'LSSTCam/R22_S11/g1/0/raw.fits',
        size: body.length,
        eTag: md5(body),
      });
      expect(r.s3.object.sequencer).toMatch(/^[0-9A-Fa-f]+$/);
    });

    withNotices('orders the sequencers of successive puts to one key', async () => {
      const { store, notices } = await fresh();
      for (let i = 0; i < 5; i++) await store.put('seq', bytesOf(`v${i}`));
      const seqs = notices.map((n) => n.Records[0]!.s3.object.sequencer);
      const width = Math.max(...seqs.map((s) => s.length));
      const padded = seqs.map((s) => s.toUpperCase().padStart(width, '0'));
      expect([...padded].sort()).toEqual(padded);
      expect(new Set(padded).size).toBe(5);
    });

    withNotices(
      'emits one notice per put when many land at once, none for get, head, list, move or delete',
      async () => {
        const { store, notices } = await fresh();
        const keys = Array.from(
          { length: 40 },
          (_, i) => `burst/det${String(i).padStart(3, '0')}.fits`,
        );
        await Promise.all(keys.map((k, i) => store.put(k, bytesOf(`detector ${i}`))));
        expect(notices).toHaveLength(keys.length);
        expect(new Set(notices.map((n) => n.Records[0]!.s3.object.key))).toEqual(new Set(keys));
        await store.get(keys[0]!);
        await store.head(keys[0]!);
        await collect(store.list('burst/'));
        await store.move(keys[0]!, 'moved/det000.fits');
        await store.delete(keys[1]!);
        expect(notices).toHaveLength(keys.length);
      },
    );

    it('does not emit a notice or create the object when put fails', async () => {
      const { store, notices } = await fresh();
      await expectCode(store.put('../escape', bytesOf('x')), 'PROMPTLY_E_STORE_KEY_INVALID');
      await expectCode(
        store.put('ok', bytesOf('x'), { signal: abortedSignal() }),
        'PROMPTLY_E_ABORTED',
      );
      expect(await store.head('ok')).toBeUndefined();
      expect(notices).toHaveLength(0);
    });

    it('reads byte ranges, clipping the end to the size', async () => {
      const { store } = await fresh();
      const body = Uint8Array.from({ length: 300 }, (_, i) => i % 251);
      await store.put('range', body);
      const text = (u: Uint8Array): string => Buffer.from(u).toString('hex');
      expect(text(await store.getRange('range', 10, 20))).toBe(text(body.subarray(10, 20)));
      expect(text(await store.getRange('range', 0, 1))).toBe(text(body.subarray(0, 1)));
      expect(text(await store.getRange('range', 290, 10_000))).toBe(text(body.subarray(290)));
      expect((await store.getRange('range', 5, 5)).length).toBe(0);
      expect((await store.getRange('range', 400, 500)).length).toBe(0);
      await expectCode(store.getRange('range', 20, 10), 'PROMPTLY_E_STORE_RANGE_INVALID');
      await expectCode(store.getRange('range', -1, 10), 'PROMPTLY_E_STORE_RANGE_INVALID');
      await expectCode(store.getRange('range', 0.5, 10), 'PROMPTLY_E_STORE_RANGE_INVALID');
      await expectCode(store.getRange('nope', 0, 10), 'PROMPTLY_E_STORE_NOT_FOUND');
    });

    it('throws NOT_FOUND for get of a missing key or of a prefix', async () => {
      const { store } = await fresh();
      await expectCode(store.get('missing'), 'PROMPTLY_E_STORE_NOT_FOUND');
      await store.put('dir/file', bytesOf('x'));
      await expectCode(store.get('dir'), 'PROMPTLY_E_STORE_NOT_FOUND');
      await expectCode(store.get('dir/file/deeper'), 'PROMPTLY_E_STORE_NOT_FOUND');
    });

    it('lists by prefix in UTF-8 key order, with infos, and nothing internal', async () => {
      const { store } = await fresh();
      const keys = ['b', 'a/c/d', 'ab', 'a-c', 'a/b', 'a/c0', 'a/c/e', 'z/é', 'z/z'];
      for (const k of [...keys].reverse()) await store.put(k, bytesOf(`body of ${k}`));
      const sorted = [...keys].sort(byteOrder);
      const all = await collect(store.list(''));
      expect(all.map((i) => i.key)).toEqual(sorted);
      for (const info of all) {
        const body = bytesOf(`body of ${info.key}`);
        expect(info).toMatchObject({ size: body.length, eTag: `"${md5(body)}"` });
      }
      const keysOf = async (p: string): Promise<string[]> =>
        (await collect(store.list(p))).map((i) => i.key);
      expect(await keysOf('a/')).toEqual(['a/b', 'a/c/d', 'a/c/e', 'a/c0']);
      expect(await keysOf('a/c')).toEqual(['a/c/d', 'a/c/e', 'a/c0']);
      expect(await keysOf('a')).toEqual(['a-c', 'a/b', 'a/c/d', 'a/c/e', 'a/c0', 'ab']);
      expect(await keysOf('a/c/d')).toEqual(['a/c/d']);
      expect(await keysOf('nothing/here/')).toEqual([]);
      expect(await keysOf('../')).toEqual([]);
    });

    it('deletes: true once, then false; the object is gone from get, head and list', async () => {
      const { store } = await fresh();
      await store.put('d/x', bytesOf('x'));
      await store.put('d/y', bytesOf('y'));
      expect(await store.delete('d/x')).toBe(true);
      expect(await store.delete('d/x')).toBe(false);
      expect(await store.delete('never/was')).toBe(false);
      await expectCode(store.get('d/x'), 'PROMPTLY_E_STORE_NOT_FOUND');
      expect(await store.head('d/x')).toBeUndefined();
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['d/y']);
      expect(await store.delete('d/y')).toBe(true);
      expect(await collect(store.list(''))).toEqual([]);
      await store.put('d/x', bytesOf('again'));
      expect(Buffer.from(await store.get('d/x')).toString()).toBe('again');
    });

    it('moves an object to a new key, replacing any object there', async () => {
      const { store } = await fresh();
      const body = bytesOf('corrupt raw');
      await store.put('in/a.fits', body);
      const info = await store.move('in/a.fits', 'quarantine/deep/a.fits');
      expect(info).toMatchObject({
        key: 'quarantine/deep/a.fits',
        size: body.length,
        eTag: `"${md5(body)}"`,
      });
      expect(await store.head('in/a.fits')).toBeUndefined();
      expect(Buffer.from(await store.get('quarantine/deep/a.fits')).equals(Buffer.from(body))).toBe(
        true,
      );
      await store.put('other', bytesOf('other'));
      await store.move('other', 'quarantine/deep/a.fits');
      expect(Buffer.from(await store.get('quarantine/deep/a.fits')).toString()).toBe('other');
      expect((await store.head('quarantine/deep/a.fits'))?.eTag).toBe(`"${md5(bytesOf('other'))}"`);
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['quarantine/deep/a.fits']);
      await expectCode(store.move('gone', 'elsewhere'), 'PROMPTLY_E_STORE_NOT_FOUND');
    });

    it('rejects invalid keys with KEY_INVALID on every call', async () => {
      const { store } = await fresh();
      const bad = [
        '',
        '/abs',
        'a/../b',
        '..',
        '.',
        'a/./b',
        'a\\b',
        'a//b',
        'a/',
        '/',
        'nul\0x',
        'x'.repeat(1025),
      ];
      for (const key of bad) {
        await expectCode(store.put(key, bytesOf('x')), 'PROMPTLY_E_STORE_KEY_INVALID');
        await expectCode(store.get(key), 'PROMPTLY_E_STORE_KEY_INVALID');
        await expectCode(store.getRange(key, 0, 1), 'PROMPTLY_E_STORE_KEY_INVALID');
        await expectCode(store.head(key), 'PROMPTLY_E_STORE_KEY_INVALID');
        await expectCode(store.delete(key), 'PROMPTLY_E_STORE_KEY_INVALID');
        await expectCode(store.move(key, 'fine'), 'PROMPTLY_E_STORE_KEY_INVALID');
      }
      await store.put('fine', bytesOf('x'));
      await expectCode(store.move('fine', '../out'), 'PROMPTLY_E_STORE_KEY_INVALID');
      expect(await store.head('fine')).toBeDefined();
    });

    it('accepts keys with spaces, unicode and dots inside segments', async () => {
      const { store } = await fresh();
      for (const key of [
        'with space/x.fits',
        'ünï/cödé',
        '.hidden/..dots../f.',
        'a:b/2024-06-01T00:00:00',
      ]) {
        await store.put(key, bytesOf(key));
        expect(Buffer.from(await store.get(key)).toString()).toBe(key);
      }
    });

    it('honours an aborted signal on every call', async () => {
      const { store } = await fresh();
      await store.put('k', bytesOf('x'));
      const signal = abortedSignal();
      await expectCode(store.put('k2', bytesOf('x'), { signal }), 'PROMPTLY_E_ABORTED');
      await expectCode(
        store.put('k2', bytesOf('x'), { signal, ifAbsent: true }),
        'PROMPTLY_E_ABORTED',
      );
      await expectCode(store.get('k', { signal }), 'PROMPTLY_E_ABORTED');
      await expectCode(store.getRange('k', 0, 1, { signal }), 'PROMPTLY_E_ABORTED');
      await expectCode(store.head('k', { signal }), 'PROMPTLY_E_ABORTED');
      await expectCode(store.delete('k', { signal }), 'PROMPTLY_E_ABORTED');
      await expectCode(store.move('k', 'k3', { signal }), 'PROMPTLY_E_ABORTED');
      await expectCode(collect(store.list('', { signal })), 'PROMPTLY_E_ABORTED');
      expect(Buffer.from(await store.get('k')).toString()).toBe('x');
      expect(await store.head('k2')).toBeUndefined();
    });

    it('keeps stores made by separate fixtures apart', async () => {
      const a = await fresh();
      const b = await fresh();
      const key = `iso/${randomUUID()}`;
      await a.store.put(key, bytesOf('a'));
      expect(await b.store.head(key)).toBeUndefined();
      expect(b.notices).toHaveLength(0);
    });

    it('writes once: a second ifAbsent put writes nothing and fails with STORE_EXISTS naming the key', async () => {
      const { store, notices } = await fresh();
      const first = bytesOf('first writer');
      const info = await store.put('once/raw.fits', first, { ifAbsent: true });
      expect(info).toMatchObject({
        key: 'once/raw.fits',
        size: first.length,
        eTag: `"${md5(first)}"`,
      });
      const noticesAfterFirst = notices.length;
      const err = await expectCode(
        store.put('once/raw.fits', bytesOf('second writer, other bytes'), { ifAbsent: true }),
        'PROMPTLY_E_STORE_EXISTS',
      );
      expect(err.message).toContain('once/raw.fits');
      expect(Buffer.from(await store.get('once/raw.fits')).equals(Buffer.from(first))).toBe(true);
      expect(await store.head('once/raw.fits')).toMatchObject({
        size: first.length,
        eTag: `"${md5(first)}"`,
      });
      expect(notices).toHaveLength(noticesAfterFirst); // the loser emits nothing
      // the same bytes again are refused too: write-once is about presence, not content
      await expectCode(
        store.put('once/raw.fits', first, { ifAbsent: true }),
        'PROMPTLY_E_STORE_EXISTS',
      );
    });

    it('writes once again after a delete, and a plain put still overwrites a write-once object', async () => {
      const { store } = await fresh();
      await store.put('w/k', bytesOf('one'), { ifAbsent: true });
      expect(await store.delete('w/k')).toBe(true);
      await store.put('w/k', bytesOf('two'), { ifAbsent: true });
      expect(Buffer.from(await store.get('w/k')).toString()).toBe('two');
      await store.put('w/k', bytesOf('three'));
      expect(Buffer.from(await store.get('w/k')).toString()).toBe('three');
      await store.put('w/other', bytesOf('x'), { ifAbsent: false });
      await store.put('w/other', bytesOf('y'), { ifAbsent: false });
      expect(Buffer.from(await store.get('w/other')).toString()).toBe('y');
    });

    it('lets exactly one of many concurrent ifAbsent puts to one key win, with its bytes stored whole', async () => {
      const { store, notices } = await fresh();
      const bodies = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66].map((f) => filled(256 * 1024, f));
      const results = await Promise.allSettled(
        bodies.map((b) => store.put('contested', b, { ifAbsent: true })),
      );
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') {
          expect(isPromptlyError(r.reason, 'PROMPTLY_E_STORE_EXISTS')).toBe(true);
        }
      }
      const winner = bodies[winners[0]!]!;
      expect(Buffer.from(await store.get('contested')).equals(Buffer.from(winner))).toBe(true);
      expect((await store.head('contested'))?.eTag).toBe(`"${md5(winner)}"`);
      if (options.emitsNotices !== false) expect(notices).toHaveLength(1);
    });

    withPeer('lets exactly one of concurrent ifAbsent puts through two handles win', async () => {
      const [{ store, notices }, peer] = await freshPair();
      for (let round = 0; round < 4; round++) {
        const key = `two/${round}`;
        const mine = filled(128 * 1024, 0x61 + round);
        const theirs = filled(128 * 1024, 0x71 + round);
        const [a, b] = await Promise.allSettled([
          store.put(key, mine, { ifAbsent: true }),
          peer.put(key, theirs, { ifAbsent: true }),
        ]);
        const won = [a, b].filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        const lost = [a, b].find((r) => r.status === 'rejected');
        expect(
          isPromptlyError(
            lost?.status === 'rejected' ? lost.reason : undefined,
            'PROMPTLY_E_STORE_EXISTS',
          ),
        ).toBe(true);
        const expected = a.status === 'fulfilled' ? mine : theirs;
        for (const handle of [store, peer]) {
          expect(Buffer.from(await handle.get(key)).equals(Buffer.from(expected))).toBe(true);
          expect((await handle.head(key))?.eTag).toBe(`"${md5(expected)}"`);
        }
      }
      if (options.emitsNotices !== false) expect(notices).toHaveLength(4);
    });

    withPeer(
      'shows an object put through one handle to get, getRange, head and list of the other',
      async () => {
        const [{ store }, peer] = await freshPair();
        const body = bytesOf('shared bytes');
        const info = await store.put('shared/obj', body);
        expect(Buffer.from(await peer.get('shared/obj')).toString()).toBe('shared bytes');
        expect(Buffer.from(await peer.getRange('shared/obj', 7, 12)).toString()).toBe('bytes');
        expect(await peer.head('shared/obj')).toEqual(info);
        expect((await collect(peer.list('shared/'))).map((i) => [i.key, i.size, i.eTag])).toEqual([
          ['shared/obj', body.length, `"${md5(body)}"`],
        ]);
        await peer.put('shared/obj', bytesOf('overwritten by the peer'));
        expect(Buffer.from(await store.get('shared/obj')).toString()).toBe(
          'overwritten by the peer',
        );
      },
    );

    withPeer('shows a delete or move through one handle to the other', async () => {
      const [{ store }, peer] = await freshPair();
      await store.put('gone/a', bytesOf('a'));
      await store.put('gone/b', bytesOf('b'));
      expect(await peer.delete('gone/a')).toBe(true);
      await expectCode(store.get('gone/a'), 'PROMPTLY_E_STORE_NOT_FOUND');
      expect(await store.head('gone/a')).toBeUndefined();
      expect(await store.delete('gone/a')).toBe(false);
      await peer.move('gone/b', 'moved/b');
      expect(await store.head('gone/b')).toBeUndefined();
      expect(Buffer.from(await store.get('moved/b')).toString()).toBe('b');
      expect((await collect(store.list(''))).map((i) => i.key)).toEqual(['moved/b']);
      // the key is free again for a write-once put through the first handle
      await store.put('gone/a', bytesOf('again'), { ifAbsent: true });
      expect(Buffer.from(await peer.get('gone/a')).toString()).toBe('again');
    });
  });
}
