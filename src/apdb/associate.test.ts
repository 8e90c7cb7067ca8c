import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { DIA_OBJECT_COLUMNS, DIA_SOURCE_COLUMNS, completeRecord } from './apdb-columns.js';
import type { DiaObjectRecord, DiaSourceRecord } from './apdb-records.js';
import type { ApdbPreload } from './apdb.js';
import { associate, associationWrite, type AssociationInputs } from './associate.js';
import { packDiaId } from './dia-ids.js';
import { SAMPLE_MJD, sampleObject, sampleSource } from './testing/sample-records.js';

const ARCSEC = 1 / 3600;
const VISIT = 30;
const DETECTOR = 2;

function object(id: number, ra: number, dec: number, more = {}): DiaObjectRecord {
  return completeRecord<DiaObjectRecord>(DIA_OBJECT_COLUMNS, sampleObject(id, ra, dec, more), 'o');
}

const EMPTY: ApdbPreload = { diaObjects: [], diaSources: [], diaForcedSources: [] };

function inputs(more: Partial<AssociationInputs>): AssociationInputs {
  return {
    visit: VISIT,
    detector: DETECTOR,
    midpointMjdTai: SAMPLE_MJD + 0.5,
    diaSources: [],
    preload: EMPTY,
    ...more,
  };
}

describe('association', () => {
  it('matches each source to the nearest free object within the radius, one to one', () => {
    const a = object(packDiaId(1, 0, 0), 10, 0);
    const b = object(packDiaId(1, 0, 1), 10 + 3 * ARCSEC, 0);
    const sources = [
      // 0.4″ from a and 2.6″ from b; 0.2″ from a; 0.8″ from b.
      sampleSource(VISIT, DETECTOR, 0, 10 + 0.4 * ARCSEC, 0),
      sampleSource(VISIT, DETECTOR, 1, 10 - 0.2 * ARCSEC, 0),
      sampleSource(VISIT, DETECTOR, 2, 10 + 2.2 * ARCSEC, 0),
    ];
    const result = associate(
      inputs({ diaSources: sources, preload: { ...EMPTY, diaObjects: [a, b] } }),
    );
    // Source 1 is nearest to a and takes it; source 0 then has no free object in 1″.
    expect(result.diaSources.map((s) => s.diaObjectId)).toEqual([
      sources[0]!.diaSourceId,
      a.diaObjectId,
      b.diaObjectId,
    ]);
    expect(result.newDiaObjects.map((o) => o.diaObjectId)).toEqual([sources[0]!.diaSourceId]);
    expect(result.updatedDiaObjects.map((o) => o.diaObjectId)).toEqual([
      a.diaObjectId,
      b.diaObjectId,
    ]);
  });

  it('honours a configured radius and refuses one out of bounds', () => {
    const a = object(packDiaId(1, 0, 0), 10, 0);
    const s = sampleSource(VISIT, DETECTOR, 0, 10 + 1.5 * ARCSEC, 0);
    const preload = { ...EMPTY, diaObjects: [a] };
    expect(associate(inputs({ diaSources: [s], preload })).diaSources[0]!.diaObjectId).toBe(
      s.diaSourceId,
    );
    expect(
      associate(inputs({ diaSources: [s], preload, radiusArcsec: 2 })).diaSources[0]!.diaObjectId,
    ).toBe(a.diaObjectId);
    for (const radiusArcsec of [0, -1, 11, Number.NaN])
      expect(() => associate(inputs({ diaSources: [s], preload, radiusArcsec }))).toThrow(
        expect.toSatisfy((e: unknown) => isPromptlyError(e, 'PROMPTLY_E_APDB_INVALID')),
      );
  });

  it('creates objects for unmatched sources with ids from the sources, identically on a rerun', () => {
    const sources = [0, 1, 2].map((i) => sampleSource(VISIT, DETECTOR, i, 20 + i * 0.01, -5));
    const first = associate(inputs({ diaSources: sources }));
    expect(first.newDiaObjects.map((o) => o.diaObjectId)).toEqual(
      [0, 1, 2].map((i) => packDiaId(VISIT, DETECTOR, i)),
    );
    expect(first.newDiaObjects[0]).toMatchObject({
      ra: 20,
      dec: -5,
      nDiaSources: 1,
      validityStartMjdTai: SAMPLE_MJD + 0.5,
      r_psfFluxMean: 1000,
      r_psfFluxMeanErr: 50,
      r_psfFluxNdata: 1,
      r_psfFluxSigma: null,
      g_psfFluxNdata: 0,
    });
    expect(associate(inputs({ diaSources: sources }))).toEqual(first);
  });

  it('updates an object’s per-band statistics and weighted position from its history', () => {
    const id = packDiaId(1, 0, 0);
    const past: DiaSourceRecord[] = [
      { ra: 10, dec: 0, flux: 900, err: 30 },
      { ra: 10 + 0.2 * ARCSEC, dec: 0, flux: 1100, err: 30 },
    ].map(({ ra, dec, flux, err }, i) =>
      completeRecord<DiaSourceRecord>(
        DIA_SOURCE_COLUMNS,
        sampleSource(i + 1, 0, 0, ra, dec, { diaObjectId: id, psfFlux: flux, psfFluxErr: err }),
        'past',
      ),
    );
    const preload: ApdbPreload = {
      diaObjects: [
        object(id, 10 + 0.1 * ARCSEC, 0, {
          nDiaSources: 5,
          firstDiaSourceMjdTai: SAMPLE_MJD - 100,
        }),
      ],
      diaSources: past,
      diaForcedSources: [],
    };
    const fresh = sampleSource(VISIT, DETECTOR, 0, 10 + 0.4 * ARCSEC, 0, {
      psfFlux: 1300,
      psfFluxErr: 60,
    });
    const [updated] = associate(inputs({ diaSources: [fresh], preload })).updatedDiaObjects;
    // Inverse-variance weights 1/30², 1/30², 1/60²: mean = (900·4 + 1100·4 + 1300) / 9.
    expect(updated!.r_psfFluxMean).toBeCloseTo((900 * 4 + 1100 * 4 + 1300) / 9, 9);
    expect(updated!.r_psfFluxMeanErr).toBeCloseTo(1 / Math.sqrt(2 / 900 + 1 / 3600), 12);
    expect(updated!.r_psfFluxSigma).toBeCloseTo(200, 9); // sample σ of 900, 1100, 1300
    expect(updated!).toMatchObject({
      r_psfFluxNdata: 3,
      r_psfFluxMin: 900,
      r_psfFluxMax: 1300,
      r_psfFluxErrMean: 40,
    });
    expect(updated!.nDiaSources).toBe(6);
    expect(updated!.firstDiaSourceMjdTai).toBe(SAMPLE_MJD - 100);
    // Equal position errors: the mean of 0, 0.2″ and 0.4″ east is 0.2″ east.
    expect((updated!.ra - 10) / ARCSEC).toBeCloseTo(0.2, 6);
    expect(updated!.raErr).toBeCloseTo(1e-5 / Math.sqrt(3), 12);
  });

  it('gives sources near a known mover its ssObjectId and no diaObject', () => {
    const a = object(packDiaId(1, 0, 0), 40, 10);
    const s0 = sampleSource(VISIT, DETECTOR, 0, 40, 10 + 0.1 * ARCSEC);
    const s1 = sampleSource(VISIT, DETECTOR, 1, 40.5, 10);
    const result = associate(
      inputs({
        diaSources: [s0, s1],
        preload: { ...EMPTY, diaObjects: [a] },
        ssPredictions: [
          { ssObjectId: 77, ra: 40, dec: 10 + 1.5 * ARCSEC },
          { ssObjectId: 78, ra: 41, dec: 10 },
        ],
      }),
    );
    expect(result.diaSources.map((s) => [s.ssObjectId, s.diaObjectId])).toEqual([
      [77, null],
      [null, s1.diaSourceId],
    ]);
    expect(result.solarSystemSources).toBe(1);
    expect(result.updatedDiaObjects).toEqual([]);
    const write = associationWrite({ visit: VISIT, detector: DETECTOR }, result);
    expect(write.diaObjects.map((o) => o.diaObjectId)).toEqual([s1.diaSourceId]);
  });

  it('refuses sources of another visit-detector and predictions off the sky', () => {
    const invalid = expect.toSatisfy((e: unknown) => isPromptlyError(e, 'PROMPTLY_E_APDB_INVALID'));
    expect(() => associate(inputs({ diaSources: [sampleSource(VISIT, 9, 0, 1, 1)] }))).toThrow(
      invalid,
    );
    expect(() =>
      associate(inputs({ diaSources: [], ssPredictions: [{ ssObjectId: 1, ra: 1, dec: -91 }] })),
    ).toThrow(invalid);
    expect(() => associate(inputs({ midpointMjdTai: Number.POSITIVE_INFINITY }))).toThrow(invalid);
  });
});
