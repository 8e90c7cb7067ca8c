import { afterEach, describe, expect, it } from 'vitest';
import type { DataId, DatasetType, Registry } from '../registry.js';
import { calibrationCases } from './registry-conformance-calibrations.js';
import { BIAS, FLAT, RAW, UUID, biasReq, expectCode, rawReq } from './registry-fixtures.js';

/**
 * The Registry conformance suite. Every backend runs it unchanged; `make` must return a
 * fresh, empty registry per call. The suite closes each registry it made.
 */ export function runRegistryConformance(name: string, make: () => Promise<Registry>): void {
  describe(`Registry conformance: ${name}`, () => {
    const opened: Registry[] = [];
    const fresh = async (): Promise<Registry> => {
      const r = await make();
      opened.push(r);
      await r.registerDatasetType(RAW);
      await r.registerDatasetType(BIAS);
      await r.registerDatasetType(FLAT);
      return r;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((r) => r.close()));
    });

    describe('dataset types', () => {
      it('registers a type idempotently, whatever the order of its dimensions', async () => {
        const reg = await fresh();
        expect(await reg.getDatasetType('raw')).toEqual(RAW);
        await reg.registerDatasetType({
          ...RAW,
          dimensions: ['snap', 'group', 'detector', 'instrument'],
        });
        expect(await reg.getDatasetType('nope')).toBeUndefined();
      });

      it('rejects a different definition under a registered name', async () => {
        const reg = await fresh();
        await expectCode(
          reg.registerDatasetType({ ...RAW, storageClass: 'Image' }),
          'PROMPTLY_E_REGISTRY_CONFLICT',
        );
        await expectCode(
          reg.registerDatasetType({ ...BIAS, isCalibration: false }),
          'PROMPTLY_E_REGISTRY_CONFLICT',
        );
        await expectCode(
          reg.registerDatasetType({ ...BIAS, dimensions: ['instrument'] }),
          'PROMPTLY_E_REGISTRY_CONFLICT',
        );
      });

      it('rejects malformed types', async () => {
        const reg = await fresh();
        const bad: DatasetType[] = [
          { ...RAW, name: 'no spaces' },
          { ...RAW, name: '' },
          { ...RAW, name: 'x', dimensions: ['detector'] },
          { ...RAW, name: 'y', dimensions: ['instrument', 'instrument'] },
          { ...RAW, name: 'z', dimensions: ['instrument', 'colour' as 'band'] },
          { ...RAW, name: 'w', storageClass: '' },
        ];
        for (const t of bad)
          await expectCode(reg.registerDatasetType(t), 'PROMPTLY_E_REGISTRY_INVALID');
      });
    });

    describe('collections', () => {
      it('creates run, calibration and chained collections idempotently and lists them by name', async () => {
        const reg = await fresh();
        await reg.registerCollection({ name: 'run/b', type: 'run', children: [] });
        await reg.registerCollection({ name: 'run/a', type: 'run', children: [] });
        await reg.registerCollection({ name: 'calib', type: 'calibration', children: [] });
        await reg.registerCollection({
          name: 'chain',
          type: 'chained',
          children: ['run/b', 'calib', 'run/a'],
        });
        await reg.registerCollection({ name: 'run/a', type: 'run', children: [] });
        expect(await reg.getCollection('chain')).toEqual({
          name: 'chain',
          type: 'chained',
          children: ['run/b', 'calib', 'run/a'],
        });
        expect(await reg.getCollection('run/a')).toEqual({
          name: 'run/a',
          type: 'run',
          children: [],
        });
        expect(await reg.getCollection('missing')).toBeUndefined();
        expect((await reg.listCollections()).map((c) => c.name)).toEqual([
          'calib',
          'chain',
          'run/a',
          'run/b',
        ]);
      });

      it('replaces a chain’s children when registered again', async () => {
        const reg = await fresh();
        for (const n of ['a', 'b', 'c'])
          await reg.registerCollection({ name: n, type: 'run', children: [] });
        await reg.registerCollection({ name: 'chain', type: 'chained', children: ['a', 'b'] });
        await reg.registerCollection({ name: 'chain', type: 'chained', children: ['c', 'a'] });
        expect((await reg.getCollection('chain'))?.children).toEqual(['c', 'a']);
      });

      it('rejects a type change, missing children, duplicates and cycles', async () => {
        const reg = await fresh();
        await reg.registerCollection({ name: 'r', type: 'run', children: [] });
        await expectCode(
          reg.registerCollection({ name: 'r', type: 'calibration', children: [] }),
          'PROMPTLY_E_REGISTRY_CONFLICT',
        );
        await expectCode(
          reg.registerCollection({ name: 'c', type: 'chained', children: ['ghost'] }),
          'PROMPTLY_E_REGISTRY_NOT_FOUND',
        );
        await expectCode(
          reg.registerCollection({ name: 'c', type: 'chained', children: ['r', 'r'] }),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
        await expectCode(
          reg.registerCollection({ name: 'r2', type: 'run', children: ['r'] }),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
        await reg.registerCollection({ name: 'outer', type: 'chained', children: ['r'] });
        await reg.registerCollection({ name: 'inner', type: 'chained', children: ['outer'] });
        await expectCode(
          reg.registerCollection({ name: 'outer', type: 'chained', children: ['inner'] }),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
        await expectCode(
          reg.registerCollection({ name: 'self', type: 'chained', children: ['self'] }),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
        // the rejected re-registration left the chain as it was
        expect((await reg.getCollection('outer'))?.children).toEqual(['r']);
      });
    });

    describe('dimension records', () => {
      it('inserts, reads back by data ID in any key order, and replaces', async () => {
        const reg = await fresh();
        const dataId: DataId = { instrument: 'LSSTCam', exposure: 2024060100001 };
        await reg.insertDimensionRecords([
          { element: 'exposure', dataId, values: { exposure_time: 30, band: 'r', dark: null } },
        ]);
        const back = await reg.getDimensionRecord('exposure', {
          exposure: 2024060100001,
          instrument: 'LSSTCam',
        });
        expect(back).toEqual({
          element: 'exposure',
          dataId,
          values: { exposure_time: 30, band: 'r', dark: null },
        });
        await reg.insertDimensionRecords([
          { element: 'exposure', dataId, values: { exposure_time: 15 } },
        ]);
        expect((await reg.getDimensionRecord('exposure', dataId))?.values).toEqual({
          exposure_time: 15,
        });
        expect(
          await reg.getDimensionRecord('exposure', { instrument: 'LSSTCam', exposure: 1 }),
        ).toBeUndefined();
        expect(await reg.getDimensionRecord('visit', dataId)).toBeUndefined();
      });

      it('rejects records whose data ID lacks the element or has bad values', async () => {
        const reg = await fresh();
        await expectCode(
          reg.insertDimensionRecords([
            { element: 'exposure', dataId: { instrument: 'LSSTCam' }, values: {} },
          ]),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
        await expectCode(
          reg.insertDimensionRecords([
            {
              element: 'detector',
              dataId: { instrument: 'LSSTCam', detector: 1 },
              values: { gain: Number.NaN },
            },
          ]),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
        await expectCode(
          reg.insertDimensionRecords([
            { element: 'detector', dataId: { instrument: 'LSSTCam', detector: -1 }, values: {} },
          ]),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
      });
    });

    describe('ingest', () => {
      it('records datasets with UUIDs, creating the run collection', async () => {
        const reg = await fresh();
        const [ref] = await reg.ingest([rawReq(94, 'LSSTCam/raw/all')]);
        expect(ref).toMatchObject({
          datasetType: 'raw',
          dataId: { instrument: 'LSSTCam', detector: 94, group: 'g1', snap: 0 },
          run: 'LSSTCam/raw/all',
          uri: 'LSSTCam/raw/all/raw/94.fits',
          sizeBytes: 1094,
          checksum: 'c94',
        });
        expect(ref!.id).toMatch(UUID);
        expect(await reg.getCollection('LSSTCam/raw/all')).toEqual({
          name: 'LSSTCam/raw/all',
          type: 'run',
          children: [],
        });
      });

      it('is idempotent: the same request returns the existing ref', async () => {
        const reg = await fresh();
        const [first] = await reg.ingest([rawReq(1, 'r')]);
        const [again] = await reg.ingest([
          {
            ...rawReq(1, 'r'),
            dataId: { snap: 0, group: 'g1', detector: 1, instrument: 'LSSTCam' },
          },
        ]);
        expect(again).toEqual(first);
        expect(await reg.queryDatasets('raw', { collections: ['r'] })).toHaveLength(1);
      });

      it('resolves concurrent identical ingests to one dataset', async () => {
        const reg = await fresh();
        const refs = (
          await Promise.all(Array.from({ length: 8 }, () => reg.ingest([rawReq(3, 'r')])))
        ).flat();
        expect(new Set(refs.map((r) => r.id)).size).toBe(1);
      });

      it('rejects another checksum or uri with CONFLICT and writes nothing of the batch', async () => {
        const reg = await fresh();
        await reg.ingest([rawReq(1, 'r')]);
        await expectCode(
          reg.ingest([rawReq(2, 'r'), rawReq(1, 'r', { checksum: 'other' })]),
          'PROMPTLY_E_REGISTRY_CONFLICT',
        );
        await expectCode(
          reg.ingest([rawReq(3, 'r'), rawReq(1, 'r', { uri: 'elsewhere' })]),
          'PROMPTLY_E_REGISTRY_CONFLICT',
        );
        await expectCode(
          reg.ingest([rawReq(4, 'r4'), rawReq(4, 'r4', { checksum: 'x' })]),
          'PROMPTLY_E_REGISTRY_CONFLICT',
        );
        const all = await reg.queryDatasets('raw', { collections: ['r'] });
        expect(all.map((r) => r.dataId.detector)).toEqual([1]);
        expect(all[0]!.checksum).toBe('c1');
        expect(await reg.getCollection('r4')).toBeUndefined();
      });

      it('validates data IDs against the dataset type’s dimensions', async () => {
        const reg = await fresh();
        const bad: DataId[] = [
          { instrument: 'LSSTCam', detector: 1, group: 'g1' },
          { instrument: 'LSSTCam', detector: 1, group: 'g1', snap: 0, visit: 5 },
          { instrument: 'LSSTCam', detector: 1.5, group: 'g1', snap: 0 },
          { instrument: 'LSSTCam', detector: '1' as unknown as number, group: 'g1', snap: 0 },
          { instrument: '', detector: 1, group: 'g1', snap: 0 },
          { instrument: 'LSSTCam', detector: 1, group: 'g1', snap: 0, colour: 'red' } as DataId,
        ];
        for (const dataId of bad)
          await expectCode(
            reg.ingest([{ ...rawReq(1, 'r'), dataId }]),
            'PROMPTLY_E_REGISTRY_INVALID',
          );
        await expectCode(
          reg.ingest([{ ...rawReq(1, 'r'), sizeBytes: -1 }]),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
        await expectCode(
          reg.ingest([{ ...rawReq(1, 'r'), datasetType: 'nope' }]),
          'PROMPTLY_E_REGISTRY_NOT_FOUND',
        );
        await reg.registerCollection({ name: 'cal', type: 'calibration', children: [] });
        await expectCode(reg.ingest([rawReq(1, 'cal')]), 'PROMPTLY_E_REGISTRY_INVALID');
      });

      it('keeps a given id, and rejects an id used by another dataset', async () => {
        const reg = await fresh();
        const id = '0b9e2a8c-3f5d-4c1e-9a7b-1234567890ab';
        const [ref] = await reg.ingest([{ ...rawReq(1, 'r'), id }]);
        expect(ref!.id).toBe(id);
        await expectCode(reg.ingest([{ ...rawReq(2, 'r'), id }]), 'PROMPTLY_E_REGISTRY_CONFLICT');
        await expectCode(
          reg.ingest([{ ...rawReq(2, 'r'), id: 'not-a-uuid' }]),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
      });
    });

    describe('find and query', () => {
      it('finds the first match in collection search order, through nested chains', async () => {
        const reg = await fresh();
        const [inA] = await reg.ingest([biasReq(5, 'a')]);
        const [inB] = await reg.ingest([biasReq(5, 'b')]);
        await reg.registerCollection({ name: 'inner', type: 'chained', children: ['b'] });
        await reg.registerCollection({ name: 'outer', type: 'chained', children: ['inner', 'a'] });
        const id: DataId = { instrument: 'LSSTCam', detector: 5 };
        expect(await reg.findDataset('bias', id, ['a', 'b'])).toEqual(inA);
        expect(await reg.findDataset('bias', id, ['b', 'a'])).toEqual(inB);
        expect(await reg.findDataset('bias', id, ['outer'])).toEqual(inB);
        expect(
          await reg.findDataset('bias', { instrument: 'LSSTCam', detector: 6 }, ['outer']),
        ).toBeUndefined();
        expect(await reg.findDataset('bias', id, ['ghost', 'outer'])).toEqual(inB);
        expect(await reg.findDataset('bias', id, ['ghost'])).toBeUndefined();
        expect(await reg.queryDatasets('bias', { collections: ['ghost'] })).toEqual([]);
        expect(await reg.findCalibration('bias', id, ['ghost'], 0)).toBeUndefined();
        await expectCode(reg.findDataset('nope', id, ['a']), 'PROMPTLY_E_REGISTRY_NOT_FOUND');
        await expectCode(
          reg.findDataset('bias', { instrument: 'LSSTCam' }, ['a']),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
      });

      it('queries with where, in search order then data ID, each dataset once', async () => {
        const reg = await fresh();
        await reg.ingest([rawReq(2, 'r1'), rawReq(1, 'r1'), rawReq(3, 'r1')]);
        await reg.ingest([
          rawReq(1, 'r2', { dataId: { instrument: 'LATISS', detector: 0, group: 'g9', snap: 1 } }),
        ]);
        await reg.registerCollection({ name: 'both', type: 'chained', children: ['r2', 'r1'] });
        const all = await reg.queryDatasets('raw', { collections: ['both', 'r1'] });
        expect(all.map((r) => `${r.run}:${r.dataId.detector}`)).toEqual([
          'r2:0',
          'r1:1',
          'r1:2',
          'r1:3',
        ]);
        const det2 = await reg.queryDatasets('raw', {
          collections: ['both'],
          where: { detector: 2 },
        });
        expect(det2.map((r) => r.dataId.detector)).toEqual([2]);
        const latiss = await reg.queryDatasets('raw', {
          collections: ['both'],
          where: { instrument: 'LATISS', snap: 1 },
        });
        expect(latiss.map((r) => r.dataId.instrument)).toEqual(['LATISS']);
        expect(
          await reg.queryDatasets('raw', { collections: ['both'], where: { group: 'nope' } }),
        ).toEqual([]);
        await expectCode(
          reg.queryDatasets('raw', { collections: ['r1'], where: { visit: 1 } }),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
        await expectCode(
          reg.queryDatasets('raw', {
            collections: ['r1'],
            where: { detector: 'x' as unknown as number },
          }),
          'PROMPTLY_E_REGISTRY_INVALID',
        );
      });
    });

    calibrationCases(fresh);
  });
}
