import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sleepReal } from '../../core/clock.js';
import { isObjectCreated, type ArrivalRecord } from '../arrival-notice.js';
import type { Arrivals, NoticeSubscription } from '../arrivals.js';

/** What a backend hands the suite: a fresh Arrivals and a way to make it announce something. */
export interface ArrivalsHarness {
  readonly arrivals: Arrivals;
  /** Bucket the notices name. */
  readonly bucket: string;
  /**
   * Puts `body` at `key` (a raw key, as a writer gives it) the way this backend's objects
   * land, so that a notice follows. Resolves once the object is stored and its notice is on
   * its way — not once read (an fs put, which waits while the buffer is full, resolves once
   * the notice is buffered).
   */
  put(key: string, body: Uint8Array): Promise<void>;
  /** Closes the Arrivals and everything the harness opened. */
  close(): Promise<void>;
}

export interface ArrivalsHarnessOptions {
  /** Notices the Arrivals buffers (its `capacity`). */
  readonly capacity: number;
}

export type MakeArrivalsHarness = (options: ArrivalsHarnessOptions) => Promise<ArrivalsHarness>;

/** Deadline for anything the suite waits on: generous, so a slow machine never fails it. */
const WAIT_MS = 20_000;

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');
const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Reads records until every key in `keys` was seen (or the deadline passes). */
async function readKeys(
  sub: NoticeSubscription,
  keys: readonly string[],
): Promise<Map<string, ArrivalRecord>> {
  const wanted = new Set(keys);
  const seen = new Map<string, ArrivalRecord>();
  const it = sub[Symbol.asyncIterator]();
  const deadline = sleepReal(WAIT_MS).then(() => 'deadline' as const);
  while ([...wanted].some((k) => !seen.has(k))) {
    const next = await Promise.race([it.next(), deadline]);
    if (next === 'deadline' || next.done) {
      const missing = [...wanted].filter((k) => !seen.has(k));
      throw new Error(`${next === 'deadline' ? 'deadline passed' : 'ended'}, missing ${missing}`);
    }
    for (const r of next.value.Records)
      if (!seen.has(r.s3.object.key)) seen.set(r.s3.object.key, r);
  }
  return seen;
}

/** Whether `p` settles within a few event-loop turns. */
async function settledSoon(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 20 && !settled; i++) await new Promise((r) => setImmediate(r));
  return settled;
}

async function within<T>(p: Promise<T>, what: string): Promise<T> {
  const deadline = sleepReal(WAIT_MS).then(() => {
    throw new Error(`${what}: deadline passed`);
  });
  return Promise.race([p, deadline]);
}

function testKey(name: string): string {
  return `conformance/${randomUUID()}/${name}`;
}

/**
 * The Arrivals conformance suite. Every backend runs it unchanged with a harness per test
 * (its own temp dir, bucket or subject, so runs never collide); the suite closes each.
 */
export function runArrivalsConformance(
  name: string,
  makeHarness: MakeArrivalsHarness,
  traits: { readonly putWaitsForReader: boolean },
): void {
  describe(`Arrivals conformance: ${name}`, () => {
    const opened: ArrivalsHarness[] = [];
    const fresh = async (capacity = 16): Promise<ArrivalsHarness> => {
      const h = await makeHarness({ capacity });
      opened.push(h);
      return h;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((h) => h.close()));
    });

    it('announces a put with its bucket, key, size, unquoted MD5 eTag and an ObjectCreated event', async () => {
      const h = await fresh();
      const sub = h.arrivals.notices();
      const key = testKey('one.fits');
      const body = bytesOf('one raw, please');
      await h.put(key, body);
      const record = (await readKeys(sub, [key])).get(key)!;
      expect(record.s3.bucket.name).toBe(h.bucket);
      expect(record.s3.object).toMatchObject({ key, size: body.length, eTag: md5(body) });
      expect(isObjectCreated(record.eventName)).toBe(true);
      expect(record.eventName.startsWith('s3:')).toBe(false);
      expect(Number.isNaN(Date.parse(record.eventTime))).toBe(false);
      expect(record.eventTime.endsWith('Z')).toBe(true);
      await sub.close();
    });

    it('hands over keys with spaces, plus signs, percent signs and non-ASCII characters exactly as put', async () => {
      const h = await fresh();
      const sub = h.arrivals.notices();
      const keys = [
        'a b.fits',
        'a+b.fits',
        '100%.fits',
        'a%2Bb.fits',
        'a%20b+c d.fits',
        'ünï cødé ✓ 観測.fits',
      ].map(testKey);
      for (const key of keys) await h.put(key, bytesOf(key));
      const seen = await readKeys(sub, keys);
      for (const key of keys) expect(seen.get(key)?.s3.object.eTag).toBe(md5(bytesOf(key)));
      await sub.close();
    });

    it('keeps the notices of puts made before anyone read, for the first reader', async () => {
      const h = await fresh();
      const keys = [testKey('early-1.fits'), testKey('early-2.fits')];
      for (const key of keys) await h.put(key, bytesOf(key));
      const sub = h.arrivals.notices();
      expect([...(await readKeys(sub, keys)).keys()].sort()).toEqual([...keys].sort());
      await sub.close();
    });

    it('announces every one of many puts when the reader lags behind a buffer of one', async () => {
      const h = await fresh(1);
      const keys = Array.from({ length: 12 }, (_, i) => testKey(`burst-${i}.fits`));
      const puts = Promise.all(keys.map((key) => h.put(key, bytesOf(key))));
      const sub = h.arrivals.notices();
      const seen = await readKeys(sub, keys);
      expect(seen.size).toBeGreaterThanOrEqual(keys.length);
      await within(puts, 'every put resolves');
      await sub.close();
    });

    // Only where put itself waits (the fs sink); S3 senders and the listing push back on their
    // own intake, which their own tests cover.
    const putCase = traits.putWaitsForReader ? it : undefined;
    putCase?.(
      'makes a put wait while the buffer is full instead of dropping its notice',
      async () => {
        const h = await fresh(2);
        const [k1, k2, k3] = [testKey('w1.fits'), testKey('w2.fits'), testKey('w3.fits')];
        await h.put(k1, bytesOf(k1));
        await h.put(k2, bytesOf(k2));
        const put3 = h.put(k3, bytesOf(k3));
        expect(await settledSoon(put3)).toBe(false);
        const sub = h.arrivals.notices();
        await readKeys(sub, [k1, k2, k3]);
        await within(put3, 'the waiting put resolves');
        await sub.close();
      },
    );

    it('ends a loop whose subscription was closed, and gives later notices to the next reader', async () => {
      const h = await fresh();
      const first = h.arrivals.notices();
      const it1 = first[Symbol.asyncIterator]();
      const waiting = it1.next();
      await first.close();
      expect((await within(waiting, 'the pending next() ends')).done).toBe(true);
      const key = testKey('after-close.fits');
      await h.put(key, bytesOf(key));
      const second = h.arrivals.notices();
      expect((await readKeys(second, [key])).has(key)).toBe(true);
      await second.close();
    });

    it('ends a subscription when its signal fires', async () => {
      const h = await fresh();
      const ac = new AbortController();
      const it1 = h.arrivals.notices({ signal: ac.signal })[Symbol.asyncIterator]();
      const waiting = it1.next();
      ac.abort();
      expect((await within(waiting, 'the pending next() ends')).done).toBe(true);
      const already = h.arrivals.notices({ signal: ac.signal })[Symbol.asyncIterator]();
      expect((await within(already.next(), 'an aborted subscription ends')).done).toBe(true);
    });

    it('ends every subscription when the arrivals close', async () => {
      const h = await fresh();
      const a = h.arrivals.notices()[Symbol.asyncIterator]();
      const b = h.arrivals.notices()[Symbol.asyncIterator]();
      const waitingA = a.next();
      const waitingB = b.next();
      await h.arrivals.close();
      expect((await within(waitingA, 'reader a ends')).done).toBe(true);
      expect((await within(waitingB, 'reader b ends')).done).toBe(true);
      const late = h.arrivals.notices()[Symbol.asyncIterator]();
      expect((await within(late.next(), 'a subscription after close ends')).done).toBe(true);
    });

    it('gives each notice to one of two competing readers, and every put reaches one', async () => {
      const h = await fresh();
      const keys = Array.from({ length: 6 }, (_, i) => testKey(`share-${i}.fits`));
      const subs = [h.arrivals.notices(), h.arrivals.notices()];
      const got: string[][] = [[], []];
      const readers = subs.map(async (sub, i) => {
        for await (const notice of sub) {
          for (const r of notice.Records) got[i]!.push(r.s3.object.key);
        }
      });
      for (const key of keys) await h.put(key, bytesOf(key));
      await within(
        (async () => {
          while (keys.some((k) => !got[0]!.includes(k) && !got[1]!.includes(k))) {
            await sleepReal(10);
          }
        })(),
        'every key is read',
      );
      await Promise.all(subs.map((s) => s.close()));
      await Promise.all(readers);
      expect(got[0]!.filter((k) => got[1]!.includes(k))).toEqual([]);
    });

    it('hands a notice to a reader that was already waiting for it', async () => {
      const h = await fresh();
      const sub = h.arrivals.notices();
      const it1 = sub[Symbol.asyncIterator]();
      const waiting = it1.next();
      expect(await settledSoon(waiting)).toBe(false); // nothing was put yet
      const key = testKey('awaited.fits');
      await h.put(key, bytesOf(key));
      const next = await within(waiting, 'the waiting reader gets the notice');
      expect(next.done).toBe(false);
      if (!next.done) expect(next.value.Records.map((r) => r.s3.object.key)).toContain(key);
      await sub.close();
    });
  });
}
