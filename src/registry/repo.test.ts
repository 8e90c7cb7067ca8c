import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../core/error-codes.js';
import { isPromptlyError } from '../core/errors.js';
import { createFsObjectStore } from '../store/fs/fs-object-store.js';
import type { ArrivalNotice } from '../store/object-store.js';
import { datastoreKey, encodeKeySegment } from './datastore-key.js';
import type { DatasetType } from './registry.js';
import { createRepo, type Repo } from './repo.js';
import { createSqliteRegistry } from './sqlite/sqlite-registry.js';

const BIAS: DatasetType = {
  name: 'bias',
  dimensions: ['instrument', 'detector'],
  storageClass: 'Exposure',
  isCalibration: true,
};
const RAW: DatasetType = {
  name: 'raw',
  dimensions: ['instrument', 'detector', 'group', 'snap'],
  storageClass: 'Exposure',
  isCalibration: false,
};
const SRC: DatasetType = {
  name: 'src',
  dimensions: ['instrument', 'visit', 'detector'],
  storageClass: 'SourceCatalog',
  isCalibration: false,
};

const roots: string[] = [];
const repos: Repo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.close()));
});
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function makeRepo(): Promise<{ repo: Repo; root: string; notices: ArrivalNotice[] }> {
  const root = mkdtempSync(join(tmpdir(), 'promptly-repo-'));
  roots.push(root);
  const notices: ArrivalNotice[] = [];
  const datastore = await createFsObjectStore({
    root,
    bucket: 'repo',
    durable: false,
    onNotice: (n) => {
      notices.push(n);
    },
  });
  const registry = await createSqliteRegistry({ filename: ':memory:' });
  for (const t of [BIAS, RAW, SRC]) await registry.registerDatasetType(t);
  const repo = createRepo({ registry, datastore });
  repos.push(repo);
  return { repo, root, notices };
}

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => Buffer.from(b).toString();

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPromptlyError(err, code))
    throw new Error(`expected ${code}, got ${String(err)}`, { cause: err });
}

describe('datastoreKey', () => {
  it('lays out run/type/file with the storage class extension', () => {
    expect(datastoreKey(BIAS, { instrument: 'LSSTCam', detector: 94 }, 'u/me/run1')).toBe(
      'u/me/run1/bias/bias_LSSTCam_94.fits',
    );
    expect(
      datastoreKey(
        RAW,
        { snap: 1, group: '2024-06-01T03:04:05', detector: 0, instrument: 'LATISS' },
        'r',
      ),
    ).toBe('r/raw/raw_LATISS_0_2024-06-01T03:04:05_1.fits');
    const json: DatasetType = {
      name: 'metrics',
      dimensions: ['instrument', 'visit'],
      storageClass: 'Json',
      isCalibration: false,
    };
    expect(datastoreKey(json, { instrument: 'X', visit: 7 }, 'r')).toBe(
      'r/metrics/metrics_X_7.json',
    );
    const other: DatasetType = { ...json, storageClass: 'Pickle' };
    expect(datastoreKey(other, { instrument: 'X', visit: 7 }, 'r').endsWith('.bin')).toBe(true);
  });

  it('escapes values so that no segment climbs out or splits', () => {
    const flat: DatasetType = {
      name: 'flat',
      dimensions: ['instrument', 'physical_filter'],
      storageClass: 'Exposure',
      isCalibration: true,
    };
    const key = datastoreKey(flat, { instrument: '..', physical_filter: 'r/57 x%' }, 'r');
    expect(key).toBe('r/flat/flat_%2E%2E_r%2F57%20x%25.fits');
    expect(encodeKeySegment('é')).toBe('%C3%A9');
    expect(() => datastoreKey(BIAS, { instrument: 'X', detector: 1 }, 'a//b')).toThrow();
    expect(() => datastoreKey(BIAS, { instrument: 'X' }, 'r')).toThrow();
  });
});

describe('Repo', () => {
  it('puts bytes at the deterministic key, registers them, and gets them back', async () => {
    const { repo, root } = await makeRepo();
    const body = bytes('bias frame');
    const ref = await repo.put('bias', { instrument: 'LSSTCam', detector: 94 }, 'calib/run1', body);
    expect(ref).toMatchObject({
      datasetType: 'bias',
      run: 'calib/run1',
      uri: 'calib/run1/bias/bias_LSSTCam_94.fits',
      sizeBytes: body.length,
      checksum: md5(body),
    });
    expect(existsSync(join(root, ref.uri))).toBe(true);
    expect(text(await repo.get(ref))).toBe('bias frame');
    expect(
      await repo.find('bias', { instrument: 'LSSTCam', detector: 94 }, ['calib/run1']),
    ).toEqual(ref);
  });

  it('is idempotent: the same bytes again return the same ref and skip the datastore', async () => {
    const { repo, notices } = await makeRepo();
    const dataId = { instrument: 'LSSTCam', detector: 1 };
    const refs = await Promise.all(
      [1, 2, 3].map(() => repo.put('bias', dataId, 'r', bytes('same'))),
    );
    const again = await repo.put('bias', dataId, 'r', bytes('same'));
    expect(new Set([...refs, again].map((r) => r.id)).size).toBe(1);
    expect(notices).toHaveLength(1);
  });

  it('rejects other bytes for an existing dataset and leaves the stored file alone', async () => {
    const { repo, notices } = await makeRepo();
    const dataId = { instrument: 'LSSTCam', detector: 1 };
    const ref = await repo.put('bias', dataId, 'r', bytes('first'));
    await expectCode(
      repo.put('bias', dataId, 'r', bytes('second')),
      'PROMPTLY_E_REGISTRY_CONFLICT',
    );
    expect(text(await repo.get(ref))).toBe('first');
    expect(notices).toHaveLength(1);
  });

  /** Two "processes": each its own store handle and registry connection on one root. */
  async function twoRepos(): Promise<[Repo, Repo]> {
    const root = mkdtempSync(join(tmpdir(), 'promptly-repo-shared-'));
    roots.push(root);
    const open = async (): Promise<Repo> => {
      const datastore = await createFsObjectStore({
        root: join(root, 'datastore'),
        bucket: 'repo',
        durable: false,
      });
      const registry = await createSqliteRegistry({ filename: join(root, 'registry.sqlite3') });
      const repo = createRepo({ registry, datastore });
      repos.push(repo);
      return repo;
    };
    const a = await open();
    for (const t of [BIAS, RAW, SRC]) await a.registry.registerDatasetType(t);
    return [a, await open()];
  }

  it('lets exactly one of two repos sharing a store and registry win a race to put other bytes', async () => {
    const [a, b] = await twoRepos();
    for (let detector = 0; detector < 8; detector++) {
      const dataId = { instrument: 'LSSTCam', detector };
      const mine = bytes(`bias from a, detector ${detector}`);
      const theirs = bytes(`bias from b, detector ${detector}, longer`);
      const results = await Promise.allSettled([
        a.put('bias', dataId, 'r', mine),
        b.put('bias', dataId, 'r', theirs),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') {
          expect(isPromptlyError(r.reason, 'PROMPTLY_E_REGISTRY_CONFLICT')).toBe(true);
        }
      }
      const winner = results[0].status === 'fulfilled' ? mine : theirs;
      for (const repo of [a, b]) {
        const ref = await repo.find('bias', dataId, ['r']);
        expect(ref).toBeDefined();
        const stored = await repo.get(ref!);
        expect(text(stored)).toBe(text(winner));
        expect(ref!.checksum).toBe(md5(stored));
        expect(ref!.sizeBytes).toBe(stored.length);
      }
    }
  });

  it('lets two repos sharing a store and registry both put the same bytes, to one dataset', async () => {
    const [a, b] = await twoRepos();
    for (let detector = 0; detector < 4; detector++) {
      const dataId = { instrument: 'LSSTCam', detector };
      const body = bytes(`same bias, detector ${detector}`);
      const [ra, rb] = await Promise.all([
        a.put('bias', dataId, 'r', body),
        b.put('bias', dataId, 'r', body),
      ]);
      expect(ra.id).toBe(rb.id);
      expect(ra.checksum).toBe(md5(body));
      expect(text(await b.get(ra))).toBe(text(body));
    }
  });

  it('treats an unregistered file with other bytes at the key as a conflict and leaves it alone', async () => {
    const { repo } = await makeRepo();
    const dataId = { instrument: 'LSSTCam', detector: 3 };
    const key = datastoreKey(BIAS, dataId, 'r');
    await repo.datastore.put(key, bytes('left by a crashed writer'));
    await expectCode(repo.put('bias', dataId, 'r', bytes('new')), 'PROMPTLY_E_REGISTRY_CONFLICT');
    expect(text(await repo.datastore.get(key))).toBe('left by a crashed writer');
    expect(await repo.find('bias', dataId, ['r'])).toBeUndefined();
    // the same bytes as the leftover are adopted and registered
    const ref = await repo.put('bias', dataId, 'r', bytes('left by a crashed writer'));
    expect(ref.checksum).toBe(md5(bytes('left by a crashed writer')));
  });

  it('writes nothing for an unknown type, a bad data ID or an aborted signal', async () => {
    const { repo } = await makeRepo();
    await expectCode(
      repo.put('nope', { instrument: 'X' }, 'r', bytes('x')),
      'PROMPTLY_E_REGISTRY_NOT_FOUND',
    );
    await expectCode(
      repo.put('bias', { instrument: 'X' }, 'r', bytes('x')),
      'PROMPTLY_E_REGISTRY_INVALID',
    );
    const ac = new AbortController();
    ac.abort();
    await expectCode(
      repo.put('bias', { instrument: 'X', detector: 1 }, 'r', bytes('x'), { signal: ac.signal }),
      'PROMPTLY_E_ABORTED',
    );
    const listed: string[] = [];
    for await (const o of repo.datastore.list('')) listed.push(o.key);
    expect(listed).toEqual([]);
    expect(await repo.registry.listCollections()).toEqual([]);
  });

  it('ingests an object already in the datastore, idempotently, using head() for size and checksum', async () => {
    const { repo } = await makeRepo();
    const body = bytes('raw pixels');
    const key = 'LSSTCam/R22_S11/2024-06-01T00:00:00/0/raw.fits';
    await repo.datastore.put(key, body);
    const dataId = { instrument: 'LSSTCam', detector: 94, group: '2024-06-01T00:00:00', snap: 0 };
    const ref = await repo.ingestExisting('raw', dataId, 'LSSTCam/raw/all', key);
    expect(ref).toMatchObject({ uri: key, sizeBytes: body.length, checksum: md5(body) });
    expect(await repo.ingestExisting('raw', dataId, 'LSSTCam/raw/all', key)).toEqual(ref);
    await expectCode(
      repo.ingestExisting('raw', { ...dataId, snap: 1 }, 'LSSTCam/raw/all', 'missing'),
      'PROMPTLY_E_STORE_NOT_FOUND',
    );
  });

  it('removeRun deletes the files it wrote but not files ingested in place', async () => {
    const { repo, root } = await makeRepo();
    const written = await repo.put('bias', { instrument: 'X', detector: 1 }, 'scratch', bytes('b'));
    await repo.datastore.put('landed/raw.fits', bytes('r'));
    await repo.ingestExisting(
      'raw',
      { instrument: 'X', detector: 1, group: 'g', snap: 0 },
      'scratch',
      'landed/raw.fits',
    );
    const keep = await repo.put('bias', { instrument: 'X', detector: 1 }, 'keep', bytes('k'));
    const removed = await repo.removeRun('scratch');
    expect(removed.map((r) => r.datasetType).sort()).toEqual(['bias', 'raw']);
    expect(existsSync(join(root, written.uri))).toBe(false);
    expect(existsSync(join(root, 'landed/raw.fits'))).toBe(true);
    expect(text(await repo.get(keep))).toBe('k');
    expect(await repo.registry.getCollection('scratch')).toBeUndefined();
    expect(await repo.removeRun('scratch')).toEqual([]);
  });

  it('pruneRuns removes exactly the runs the predicate selects', async () => {
    const { repo } = await makeRepo();
    for (const run of ['out/visit-1', 'out/visit-2', 'calib/run1']) {
      await repo.put('bias', { instrument: 'X', detector: 1 }, run, bytes(run));
    }
    await repo.registry.registerCollection({ name: 'cal', type: 'calibration', children: [] });
    const pruned = await repo.pruneRuns((run) => run.startsWith('out/'));
    expect(pruned.sort()).toEqual(['out/visit-1', 'out/visit-2']);
    expect((await repo.registry.listCollections()).map((c) => c.name)).toEqual([
      'cal',
      'calib/run1',
    ]);
    const left: string[] = [];
    for await (const o of repo.datastore.list('')) left.push(o.key);
    expect(left).toEqual(['calib/run1/bias/bias_X_1.fits']);
  });

  describe('transfer', () => {
    async function central(): Promise<Repo> {
      const { repo } = await makeRepo();
      const b1 = await repo.put(
        'bias',
        { instrument: 'LSSTCam', detector: 1 },
        'LSSTCam/calib/bias/v1',
        bytes('bias 1 v1'),
      );
      const b2 = await repo.put(
        'bias',
        { instrument: 'LSSTCam', detector: 2 },
        'LSSTCam/calib/bias/v1',
        bytes('bias 2 v1'),
      );
      const b1new = await repo.put(
        'bias',
        { instrument: 'LSSTCam', detector: 1 },
        'LSSTCam/calib/bias/v2',
        bytes('bias 1 v2'),
      );
      await repo.registry.registerCollection({
        name: 'LSSTCam/calib',
        type: 'calibration',
        children: [],
      });
      await repo.registry.certify('LSSTCam/calib', [b1, b2], { beginMs: 0, endMs: 1000 });
      await repo.registry.certify('LSSTCam/calib', [b1new], { beginMs: 1000, endMs: Infinity });
      return repo;
    }

    it('preloads calibrations with bytes, ids and certifications, then skips them the next time', async () => {
      const centralRepo = await central();
      const { repo: local } = await makeRepo();
      const refs = await centralRepo.registry.queryDatasets('bias', {
        collections: ['LSSTCam/calib'],
        where: { detector: 1 },
      });
      expect(refs).toHaveLength(2);
      const first = await local.transfer(centralRepo, refs, { certifications: ['LSSTCam/calib'] });
      expect(first).toMatchObject({ copied: 2, skipped: 0, certified: 2 });
      expect(first.refs.map((r) => r.id)).toEqual(refs.map((r) => r.id));
      const det1 = { instrument: 'LSSTCam', detector: 1 };
      const early = await local.findCalibration('bias', det1, ['LSSTCam/calib'], 500);
      const late = await local.findCalibration('bias', det1, ['LSSTCam/calib'], 5000);
      expect(text(await local.get(early!))).toBe('bias 1 v1');
      expect(text(await local.get(late!))).toBe('bias 1 v2');
      expect(
        await local.findCalibration(
          'bias',
          { instrument: 'LSSTCam', detector: 2 },
          ['LSSTCam/calib'],
          500,
        ),
      ).toBeUndefined();
      const second = await local.transfer(centralRepo, refs, { certifications: ['LSSTCam/calib'] });
      expect(second).toMatchObject({ copied: 0, skipped: 2, certified: 2 });
    });

    it('exports outputs back to the central repo under the same run', async () => {
      const centralRepo = await central();
      const { repo: local } = await makeRepo();
      const out = await local.put(
        'src',
        { instrument: 'LSSTCam', visit: 42, detector: 1 },
        'LSSTCam/prompt/out',
        bytes('sources'),
      );
      const result = await centralRepo.transfer(local, [out]);
      expect(result.copied).toBe(1);
      const back = await centralRepo.find(
        'src',
        { instrument: 'LSSTCam', visit: 42, detector: 1 },
        ['LSSTCam/prompt/out'],
      );
      expect(back).toEqual(out);
      expect(text(await centralRepo.get(back!))).toBe('sources');
    });

    it('rejects bytes whose MD5 differs from the source checksum and keeps no copy', async () => {
      const { repo: src } = await makeRepo();
      const ref = await src.put('bias', { instrument: 'X', detector: 3 }, 'r', bytes('real'));
      const { repo: dest } = await makeRepo();
      const lying = { ...ref, checksum: md5(bytes('something else')) };
      await expectCode(dest.transfer(src, [lying]), 'PROMPTLY_E_STORE_IO');
      const left: string[] = [];
      for await (const o of dest.datastore.list('')) left.push(o.key);
      expect(left).toEqual([]);
      expect(await dest.find('bias', { instrument: 'X', detector: 3 }, ['r'])).toBeUndefined();
    });

    it('registers dataset types the destination lacks', async () => {
      const { repo: src } = await makeRepo();
      const type: DatasetType = {
        name: 'metrics',
        dimensions: ['instrument', 'visit'],
        storageClass: 'Json',
        isCalibration: false,
      };
      await src.registry.registerDatasetType(type);
      const ref = await src.put('metrics', { instrument: 'X', visit: 1 }, 'r', bytes('{}'));
      const { repo: dest } = await makeRepo();
      await dest.transfer(src, [ref]);
      expect(await dest.registry.getDatasetType('metrics')).toEqual(type);
    });

    it('refuses to overwrite a different local dataset, writing nothing', async () => {
      const centralRepo = await central();
      const { repo: local, notices } = await makeRepo();
      await local.put(
        'bias',
        { instrument: 'LSSTCam', detector: 2 },
        'LSSTCam/calib/bias/v1',
        bytes('local edit'),
      );
      const refs = await centralRepo.registry.queryDatasets('bias', {
        collections: ['LSSTCam/calib/bias/v1'],
      });
      await expectCode(local.transfer(centralRepo, refs), 'PROMPTLY_E_REGISTRY_CONFLICT');
      expect(notices).toHaveLength(1);
      expect(
        await local.find('bias', { instrument: 'LSSTCam', detector: 1 }, ['LSSTCam/calib/bias/v1']),
      ).toBeUndefined();
    });
  });
});

describe('datastoreKey file names', () => {
  it('stay distinct when values contain the separator', () => {
    const raw: DatasetType = {
      name: 'raw',
      dimensions: ['instrument', 'detector', 'group', 'snap'],
      storageClass: 'Exposure',
      isCalibration: false,
    };
    const a = datastoreKey(raw, { instrument: 'A_1', detector: 2, group: 'g', snap: 0 }, 'r');
    const b = datastoreKey(raw, { instrument: 'A', detector: 1, group: '2_g', snap: 0 }, 'r');
    expect(a).not.toBe(b);
  });
});
