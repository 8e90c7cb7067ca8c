import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/error-codes.js';
import type { Apdb, ApdbWrite } from '../apdb.js';
import { associate, associationWrite } from '../associate.js';
import { packDiaId } from '../dia-ids.js';
import { SAMPLE_MJD, sampleForced, sampleObject, sampleSource } from './sample-records.js';

/**
 * The one Apdb conformance suite: every backend runs it unchanged. `makeApdb` gives a fresh,
 * empty APDB; `openPeer`, when given, a second handle on the same database (as a second
 * worker process would have).
 */
export function runApdbConformance(
  name: string,
  makeApdb: () => Promise<Apdb>,
  openPeer?: (first: Apdb) => Promise<Apdb>,
): void {
  describe(`Apdb conformance: ${name}`, () => {
    let apdb: Apdb;
    const extra: Apdb[] = [];
    beforeEach(async () => {
      apdb = await makeApdb();
    });
    afterEach(async () => {
      for (const a of extra.splice(0)) await a.dispose();
      await apdb.dispose();
    });

    const coded = (code: ErrorCode) => (e: unknown) => isPromptlyError(e, code);

    /** Visit 7 detector 3: two sources, each starting its object, one forced source. */
    const firstWrite = (visit = 7, detector = 3): ApdbWrite => {
      const s0 = sampleSource(visit, detector, 0, 10, -30, {
        diaObjectId: packDiaId(visit, detector, 0),
      });
      const s1 = sampleSource(visit, detector, 1, 10.01, -30, {
        diaObjectId: packDiaId(visit, detector, 1),
        band: 'g',
        psfFlux: null,
        isNegative: true,
      });
      return {
        visit,
        detector,
        diaSources: [s0, s1],
        diaObjects: [
          sampleObject(s0.diaSourceId, 10, -30),
          sampleObject(s1.diaSourceId, 10.01, -30, { r_psfFluxNdata: 0, g_psfFluxNdata: 1 }),
        ],
        diaForcedSources: [sampleForced(visit, detector, 0, s0.diaSourceId, 10, -30)],
        ssObjects: [{ ssObjectId: 42, designation: '2024 AB1', numObs: 3 }],
        writtenMs: 1_700_000_000_000,
      };
    };

    it('stores a visit-detector in one write and reads every field back as given', async () => {
      const write = firstWrite();
      const receipt = await apdb.store(write);
      expect(receipt).toEqual({
        visit: 7,
        detector: 3,
        diaSources: 2,
        diaObjects: 2,
        diaForcedSources: 1,
        ssObjects: 1,
        writtenMs: 1_700_000_000_000,
      });
      const sources = await apdb.visitDetectorSources(7, 3);
      expect(sources).toHaveLength(2);
      expect(sources[0]).toMatchObject({ ...write.diaSources[0], ssObjectId: null, xErr: null });
      expect(sources[1]).toMatchObject({
        band: 'g',
        psfFlux: null,
        isNegative: true,
        isDipole: false,
      });
      const objects = await apdb.diaObjects({ kind: 'circle', ra: 10, dec: -30, radiusDeg: 0.1 });
      expect(objects.map((o) => o.diaObjectId)).toEqual(write.diaSources.map((s) => s.diaSourceId));
      expect(objects[0]).toMatchObject({
        ...write.diaObjects[0],
        g_psfFluxNdata: 0,
        u_psfFluxMean: null,
      });
      expect(await apdb.ssObjects([42, 43])).toEqual([
        {
          ssObjectId: 42,
          designation: '2024 AB1',
          discoverySubmissionDate: null,
          firstObservationDate: null,
          arc: null,
          numObs: 3,
        },
      ]);
      expect(await apdb.written(7, 3)).toEqual(receipt);
    });

    it('refuses a second write of a visit-detector and keeps the first intact', async () => {
      expect(await apdb.hasWritten(7, 3)).toBe(false);
      await apdb.store(firstWrite());
      expect(await apdb.hasWritten(7, 3)).toBe(true);
      expect(await apdb.hasWritten(7, 4)).toBe(false);
      const again = {
        ...firstWrite(),
        diaSources: [sampleSource(7, 3, 5, 11, -30)],
        diaObjects: [],
      };
      await expect(apdb.store(again)).rejects.toSatisfy(coded('PROMPTLY_E_APDB_ALREADY_WRITTEN'));
      await expect(apdb.store(firstWrite())).rejects.toSatisfy(
        coded('PROMPTLY_E_APDB_ALREADY_WRITTEN'),
      );
      expect((await apdb.visitDetectorSources(7, 3)).map((s) => s.diaSourceId)).toEqual([
        packDiaId(7, 3, 0),
        packDiaId(7, 3, 1),
      ]);
      await apdb.store(firstWrite(7, 4));
      expect(await apdb.hasWritten(7, 4)).toBe(true);
    });

    it('marks a visit-detector with no sources as written too', async () => {
      await apdb.store({ visit: 9, detector: 0, diaSources: [], diaObjects: [] });
      expect(await apdb.written(9, 0)).toMatchObject({ diaSources: 0, diaObjects: 0 });
      await expect(
        apdb.store({ visit: 9, detector: 0, diaSources: [], diaObjects: [] }),
      ).rejects.toSatisfy(coded('PROMPTLY_E_APDB_ALREADY_WRITTEN'));
    });

    it('preloads the objects of a circle with their sources and forced sources since a time', async () => {
      await apdb.store(firstWrite());
      const later = sampleSource(8, 3, 0, 10.0001, -30, { diaObjectId: packDiaId(7, 3, 0) });
      await apdb.store({
        visit: 8,
        detector: 3,
        diaSources: [later],
        diaObjects: [sampleObject(packDiaId(7, 3, 0), 10.00005, -30, { nDiaSources: 2 })],
      });
      // 0.005° = 18″ radius around object 0 excludes object 1, 36″ away.
      const region = { kind: 'circle' as const, ra: 10, dec: -30, radiusDeg: 0.005 };
      const all = await apdb.preload({ region, sinceMjdTai: 0 });
      expect(all.diaObjects.map((o) => [o.diaObjectId, o.nDiaSources])).toEqual([
        [packDiaId(7, 3, 0), 2],
      ]);
      expect(all.diaSources.map((s) => s.diaSourceId)).toEqual([
        packDiaId(7, 3, 0),
        packDiaId(8, 3, 0),
      ]);
      expect(all.diaForcedSources.map((f) => f.diaForcedSourceId)).toEqual([packDiaId(7, 3, 0)]);
      const recent = await apdb.preload({ region, sinceMjdTai: SAMPLE_MJD + 8 / 1e4 });
      expect(recent.diaSources.map((s) => s.diaSourceId)).toEqual([packDiaId(8, 3, 0)]);
      expect(recent.diaForcedSources).toEqual([]);
      const nowhere = await apdb.preload({
        region: { kind: 'circle', ra: 200, dec: 30, radiusDeg: 1 },
        sinceMjdTai: 0,
      });
      expect(nowhere).toEqual({ diaObjects: [], diaSources: [], diaForcedSources: [] });
    });

    it('finds objects by exact distance across ra = 0 and next to a pole', async () => {
      const spots: [number, number][] = [
        [359.9995, 0],
        [0.0004, 0],
        [0.002, 0],
        [45, 89.9995],
        [225, 89.9995],
        [100, 89.99],
      ];
      await apdb.store({
        visit: 1,
        detector: 0,
        diaSources: [],
        diaObjects: spots.map(([ra, dec], i) => sampleObject(packDiaId(1, 0, i), ra, dec)),
      });
      const ids = async (ra: number, dec: number, radiusDeg: number): Promise<number[]> =>
        (await apdb.diaObjects({ kind: 'circle', ra, dec, radiusDeg })).map(
          (o) => o.diaObjectId % 16384,
        );
      expect(await ids(0, 0, 0.001)).toEqual([0, 1]);
      expect(await ids(0, 90, 0.001)).toEqual([3, 4]);
      expect(await ids(0, 90, 0.02)).toEqual([3, 4, 5]);
    });

    it('preloads the objects inside a detector footprint polygon', async () => {
      const inside = sampleObject(packDiaId(1, 0, 0), 150.05, 2.05);
      const outside = sampleObject(packDiaId(1, 0, 1), 150.15, 2.05);
      await apdb.store({ visit: 1, detector: 0, diaSources: [], diaObjects: [inside, outside] });
      const footprint = {
        kind: 'polygon' as const,
        ra: [150, 150, 150.1, 150.1],
        dec: [2, 2.1, 2.1, 2],
      };
      const found = await apdb.diaObjects(footprint);
      expect(found.map((o) => o.diaObjectId)).toEqual([inside.diaObjectId]);
    });

    it('replaces an object row when a later write updates it', async () => {
      await apdb.store(firstWrite());
      const id = packDiaId(7, 3, 0);
      await apdb.store({
        visit: 8,
        detector: 3,
        diaSources: [sampleSource(8, 3, 0, 10, -30, { diaObjectId: id })],
        diaObjects: [sampleObject(id, 10, -30, { nDiaSources: 2, r_psfFluxSigma: 12.5 })],
      });
      const [object] = await apdb.diaObjects({
        kind: 'circle',
        ra: 10,
        dec: -30,
        radiusDeg: 0.001,
      });
      expect(object).toMatchObject({ diaObjectId: id, nDiaSources: 2, r_psfFluxSigma: 12.5 });
    });

    it('carries association across visits: preload, associate, store, preload again', async () => {
      const footprint = {
        kind: 'polygon' as const,
        ra: [30, 30, 30.2, 30.2],
        dec: [-5, -4.8, -4.8, -5],
      };
      const night = async (visit: number, positions: [number, number][]): Promise<void> => {
        const preload = await apdb.preload({ region: footprint, sinceMjdTai: 0 });
        const diaSources = positions.map(([ra, dec], i) =>
          sampleSource(visit, 1, i, ra, dec, { psfFlux: 1000 + visit, psfFluxErr: 10 }),
        );
        const result = associate({
          visit,
          detector: 1,
          midpointMjdTai: SAMPLE_MJD + visit,
          diaSources,
          preload,
        });
        await apdb.store(associationWrite({ visit, detector: 1 }, result));
      };
      const ARCSEC = 1 / 3600;
      await night(100, [
        [30.1, -4.9],
        [30.15, -4.85],
      ]);
      await night(101, [
        [30.1 + 0.3 * ARCSEC, -4.9],
        [30.05, -4.95],
      ]);
      const { diaObjects, diaSources } = await apdb.preload({ region: footprint, sinceMjdTai: 0 });
      expect(diaObjects.map((o) => [o.diaObjectId, o.nDiaSources, o.r_psfFluxNdata])).toEqual([
        [packDiaId(100, 1, 0), 2, 2],
        [packDiaId(100, 1, 1), 1, 1],
        [packDiaId(101, 1, 1), 1, 1],
      ]);
      expect(diaObjects[0]!.r_psfFluxMean).toBeCloseTo(1100.5, 9);
      expect(diaObjects[0]!.validityStartMjdTai).toBe(SAMPLE_MJD + 101);
      expect(diaSources.filter((s) => s.diaObjectId === packDiaId(100, 1, 0))).toHaveLength(2);
    });

    it('refuses bad records with a coded error and writes nothing', async () => {
      const base = firstWrite();
      const bad: ApdbWrite[] = [
        { ...base, diaSources: [{ ...base.diaSources[0]!, ra: 360 }] },
        { ...base, diaSources: [{ ...base.diaSources[0]!, dec: Number.NaN }] },
        { ...base, diaSources: [{ ...base.diaSources[0]!, diaSourceId: 12345 }] },
        { ...base, diaSources: [sampleSource(7, 4, 0, 10, -30)] },
        { ...base, diaSources: [base.diaSources[0]!, base.diaSources[0]!] },
        { ...base, diaObjects: [{ ...base.diaObjects[0]!, nDiaSources: -1 }] },
        { ...base, visit: -1 },
        { ...base, detector: 256 },
      ];
      for (const write of bad)
        await expect(apdb.store(write)).rejects.toSatisfy(coded('PROMPTLY_E_APDB_INVALID'));
      expect(await apdb.hasWritten(7, 3)).toBe(false);
      await expect(
        apdb.diaObjects({ kind: 'circle', ra: 10, dec: 91, radiusDeg: 1 }),
      ).rejects.toSatisfy(coded('PROMPTLY_E_APDB_INVALID'));
      await expect(
        apdb.diaObjects({ kind: 'circle', ra: 10, dec: 0, radiusDeg: 0 }),
      ).rejects.toSatisfy(coded('PROMPTLY_E_APDB_INVALID'));
      await expect(apdb.diaSources([-1], 0)).rejects.toSatisfy(coded('PROMPTLY_E_APDB_INVALID'));
    });

    it('refuses a region holding more objects than asked for', async () => {
      await apdb.store(firstWrite());
      const region = { kind: 'circle' as const, ra: 10, dec: -30, radiusDeg: 1 };
      await expect(apdb.diaObjects(region, 1)).rejects.toSatisfy(coded('PROMPTLY_E_APDB_INVALID'));
      expect(await apdb.diaObjects(region, 2)).toHaveLength(2);
    });

    it('refuses calls after dispose and honours an aborted signal', async () => {
      const signal = AbortSignal.abort();
      await expect(apdb.hasWritten(1, 1, { signal })).rejects.toSatisfy(
        coded('PROMPTLY_E_ABORTED'),
      );
      const other = await makeApdb();
      await other.dispose();
      await other.dispose();
      await expect(other.hasWritten(1, 1)).rejects.toSatisfy(coded('PROMPTLY_E_APDB_CLOSED'));
    });

    // Registered only for backends that can open a second handle (a private :memory: cannot).
    if (openPeer)
      it('lets exactly one of two handles racing to store a visit-detector write it', async () => {
        const peer = await openPeer(apdb);
        extra.push(peer);
        const results = await Promise.allSettled([
          apdb.store(firstWrite()),
          peer.store(firstWrite()),
          apdb.store(firstWrite()),
          peer.store(firstWrite()),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected')
            expect(isPromptlyError(r.reason, 'PROMPTLY_E_APDB_ALREADY_WRITTEN')).toBe(true);
        expect(await peer.visitDetectorSources(7, 3)).toHaveLength(2);
        // Different visit-detectors written at once from both handles all land.
        await Promise.all([0, 1, 2, 5].map((d) => (d % 2 ? apdb : peer).store(firstWrite(20, d))));
        for (const d of [0, 1, 2, 5]) expect(await apdb.hasWritten(20, d)).toBe(true);
      });
  });
}
