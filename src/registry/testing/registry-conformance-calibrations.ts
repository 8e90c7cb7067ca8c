import { describe, expect, it } from 'vitest';
import type { DataId, DatasetRef, Registry } from '../registry.js';
import { biasReq, expectCode, rawReq } from './registry-fixtures.js';

/**
 * Calibration and removeRun cases of the Registry conformance suite; `fresh` returns an
 * empty registry with the fixture dataset types registered.
 */
export function calibrationCases(fresh: () => Promise<Registry>): void {
  describe('calibrations', () => {
    async function biasSetup(reg: Registry): Promise<{ early: DatasetRef; late: DatasetRef }> {
      const [early] = await reg.ingest([biasReq(1, 'calib/run1')]);
      const [late] = await reg.ingest([biasReq(1, 'calib/run2')]);
      await reg.registerCollection({ name: 'calib', type: 'calibration', children: [] });
      await reg.certify('calib', [early!], { beginMs: 1000, endMs: 2000 });
      await reg.certify('calib', [late!], { beginMs: 2000, endMs: 3000 });
      return { early: early!, late: late! };
    }
    const det1: DataId = { instrument: 'LSSTCam', detector: 1 };

    it('finds the certified dataset whose validity contains the time: begin inclusive, end exclusive', async () => {
      const reg = await fresh();
      const { early, late } = await biasSetup(reg);
      expect(await reg.findCalibration('bias', det1, ['calib'], 999)).toBeUndefined();
      expect(await reg.findCalibration('bias', det1, ['calib'], 1000)).toEqual(early);
      expect(await reg.findCalibration('bias', det1, ['calib'], 1999.9)).toEqual(early);
      expect(await reg.findCalibration('bias', det1, ['calib'], 2000)).toEqual(late);
      expect(await reg.findCalibration('bias', det1, ['calib'], 2999)).toEqual(late);
      expect(await reg.findCalibration('bias', det1, ['calib'], 3000)).toBeUndefined();
      expect(
        await reg.findCalibration('bias', { instrument: 'LSSTCam', detector: 2 }, ['calib'], 1500),
      ).toBeUndefined();
      await expectCode(
        reg.findCalibration('bias', det1, ['calib'], Number.NaN),
        'PROMPTLY_E_REGISTRY_INVALID',
      );
    });

    it('rejects overlapping certifications of one data ID in a collection, but repeats are no-ops', async () => {
      const reg = await fresh();
      const { early, late } = await biasSetup(reg);
      await reg.certify('calib', [early], { beginMs: 1000, endMs: 2000 });
      await expectCode(
        reg.certify('calib', [late], { beginMs: 1500, endMs: 2500 }),
        'PROMPTLY_E_REGISTRY_CONFLICT',
      );
      await expectCode(
        reg.certify('calib', [early], { beginMs: 500, endMs: 1001 }),
        'PROMPTLY_E_REGISTRY_CONFLICT',
      );
      const [other] = await reg.ingest([biasReq(1, 'calib/run3')]);
      await expectCode(
        reg.certify('calib', [other!], { beginMs: -Infinity, endMs: Infinity }),
        'PROMPTLY_E_REGISTRY_CONFLICT',
      );
      await reg.certify('calib', [other!], { beginMs: 3000, endMs: Infinity });
      expect(await reg.findCalibration('bias', det1, ['calib'], 8.64e15)).toEqual(other);
    });

    it('certifies a batch atomically', async () => {
      const reg = await fresh();
      await biasSetup(reg);
      const [d2] = await reg.ingest([biasReq(2, 'calib/run1')]);
      const [d1] = await reg.ingest([biasReq(1, 'calib/run9')]);
      await expectCode(
        reg.certify('calib', [d2!, d1!], { beginMs: 1500, endMs: 2500 }),
        'PROMPTLY_E_REGISTRY_CONFLICT',
      );
      expect(
        await reg.findCalibration('bias', { instrument: 'LSSTCam', detector: 2 }, ['calib'], 1600),
      ).toBeUndefined();
    });

    it('validates certify arguments', async () => {
      const reg = await fresh();
      const { early } = await biasSetup(reg);
      const [raw] = await reg.ingest([rawReq(1, 'r')]);
      await expectCode(
        reg.certify('calib', [early], { beginMs: 5000, endMs: 5000 }),
        'PROMPTLY_E_REGISTRY_INVALID',
      );
      await expectCode(
        reg.certify('calib', [early], { beginMs: 0.5, endMs: 5000 }),
        'PROMPTLY_E_REGISTRY_INVALID',
      );
      await expectCode(
        reg.certify('calib', [raw!], { beginMs: 5000, endMs: 6000 }),
        'PROMPTLY_E_REGISTRY_INVALID',
      );
      await expectCode(
        reg.certify('r', [early], { beginMs: 5000, endMs: 6000 }),
        'PROMPTLY_E_REGISTRY_INVALID',
      );
      await expectCode(
        reg.certify('calib', [{ ...early, id: '00000000-0000-4000-8000-000000000000' }], {
          beginMs: 5000,
          endMs: 6000,
        }),
        'PROMPTLY_E_REGISTRY_NOT_FOUND',
      );
      // a failed certify creates nothing, not even its collection
      await expectCode(
        reg.certify('never', [raw!], { beginMs: 5000, endMs: 6000 }),
        'PROMPTLY_E_REGISTRY_INVALID',
      );
      expect(await reg.getCollection('never')).toBeUndefined();
    });

    it('creates a missing calibration collection on certify', async () => {
      const reg = await fresh();
      const [ref] = await reg.ingest([biasReq(1, 'calib/run1')]);
      await reg.certify('LSSTCam/calib', [ref!], { beginMs: 0, endMs: 10 });
      expect(await reg.getCollection('LSSTCam/calib')).toEqual({
        name: 'LSSTCam/calib',
        type: 'calibration',
        children: [],
      });
      expect(await reg.findCalibration('bias', det1, ['LSSTCam/calib'], 5)).toEqual(ref);
    });

    it('searches calibration collections in chain order; runs on the path match at any time', async () => {
      const reg = await fresh();
      const { early } = await biasSetup(reg);
      const [override] = await reg.ingest([biasReq(1, 'calib/run5')]);
      await reg.registerCollection({ name: 'calib-new', type: 'calibration', children: [] });
      await reg.certify('calib-new', [override!], { beginMs: 1500, endMs: 1600 });
      await reg.registerCollection({
        name: 'LSSTCam/calib',
        type: 'chained',
        children: ['calib-new', 'calib'],
      });
      expect(await reg.findCalibration('bias', det1, ['LSSTCam/calib'], 1550)).toEqual(override);
      expect(await reg.findCalibration('bias', det1, ['LSSTCam/calib'], 1600)).toEqual(early);
      const [pinned] = await reg.ingest([biasReq(1, 'pinned')]);
      expect(await reg.findCalibration('bias', det1, ['pinned', 'LSSTCam/calib'], 1550)).toEqual(
        pinned,
      );
      expect(await reg.findCalibration('bias', det1, ['pinned'], 1e12)).toEqual(pinned);
    });

    it('reports certifications with their validity, and includes certified datasets in queries', async () => {
      const reg = await fresh();
      const { early, late } = await biasSetup(reg);
      const assoc = await reg.queryCalibrationAssociations('bias', { collections: ['calib'] });
      expect(assoc).toEqual([
        { collection: 'calib', ref: early, validity: { beginMs: 1000, endMs: 2000 } },
        { collection: 'calib', ref: late, validity: { beginMs: 2000, endMs: 3000 } },
      ]);
      expect(
        await reg.queryCalibrationAssociations('bias', {
          collections: ['calib'],
          where: { detector: 9 },
        }),
      ).toEqual([]);
      const q = await reg.queryDatasets('bias', { collections: ['calib'] });
      expect(new Set(q.map((r) => r.id))).toEqual(new Set([early.id, late.id]));
    });
  });

  describe('removeRun', () => {
    it('removes a run’s datasets, their certifications, the collection and its chain links', async () => {
      const reg = await fresh();
      const [b1] = await reg.ingest([biasReq(1, 'gone'), biasReq(2, 'gone')]);
      const [kept] = await reg.ingest([biasReq(1, 'kept')]);
      await reg.registerCollection({ name: 'calib', type: 'calibration', children: [] });
      await reg.certify('calib', [b1!], { beginMs: 0, endMs: 10 });
      await reg.registerCollection({
        name: 'chain',
        type: 'chained',
        children: ['gone', 'kept'],
      });
      const removed = await reg.removeRun('gone');
      expect(removed.map((r) => r.dataId.detector)).toEqual([1, 2]);
      expect(removed[0]).toEqual(b1);
      expect(await reg.getCollection('gone')).toBeUndefined();
      expect((await reg.getCollection('chain'))?.children).toEqual(['kept']);
      expect(
        await reg.findCalibration('bias', { instrument: 'LSSTCam', detector: 1 }, ['calib'], 5),
      ).toBeUndefined();
      expect(await reg.queryCalibrationAssociations('bias', { collections: ['calib'] })).toEqual(
        [],
      );
      expect(
        await reg.findDataset('bias', { instrument: 'LSSTCam', detector: 1 }, ['chain']),
      ).toEqual(kept);
      expect(await reg.removeRun('gone')).toEqual([]);
      await expectCode(reg.removeRun('calib'), 'PROMPTLY_E_REGISTRY_INVALID');
      // the run can be written again from scratch
      const [again] = await reg.ingest([biasReq(1, 'gone', 'new')]);
      expect(again!.checksum).toBe('new');
    });
  });

  describe('removeDatasets', () => {
    it('removes single datasets and their certifications, leaving the rest of the run', async () => {
      const reg = await fresh();
      const [b1, b2] = await reg.ingest([biasReq(1, 'run'), biasReq(2, 'run')]);
      await reg.registerCollection({ name: 'calib', type: 'calibration', children: [] });
      await reg.certify('calib', [b1!], { beginMs: 0, endMs: 10 });
      expect(await reg.removeDatasets([b1!.id, 'no-such-id'])).toEqual([b1]);
      expect(
        await reg.findDataset('bias', { instrument: 'LSSTCam', detector: 1 }, ['run']),
      ).toBeUndefined();
      expect(
        await reg.findDataset('bias', { instrument: 'LSSTCam', detector: 2 }, ['run']),
      ).toEqual(b2);
      expect(await reg.queryCalibrationAssociations('bias', { collections: ['calib'] })).toEqual(
        [],
      );
      expect(await reg.removeDatasets([b1!.id])).toEqual([]);
      expect(await reg.removeDatasets([])).toEqual([]);
    });
  });
}
