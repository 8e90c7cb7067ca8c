import { describe, expect, it } from 'vitest';
import { DIA_FORCED_SOURCE_COLUMNS, DIA_SOURCE_COLUMNS, completeRecord } from './apdb-columns.js';
import type { DiaForcedSourceRecord, DiaSourceRecord } from './apdb-records.js';
import { fluxStats, summarizeDiaObject } from './dia-object-summary.js';
import { SAMPLE_MJD, sampleForced, sampleSource } from './testing/sample-records.js';

describe('DIA object summaries', () => {
  it('falls back to the plain mean and its standard error when a flux error is missing', () => {
    const s = fluxStats([1, 2, 3, 6], [0.5, null, 0.5, 0.5]);
    expect(s).toMatchObject({ n: 4, mean: 3, min: 1, max: 6, errMean: 0.5 });
    const sigma = Math.sqrt((4 + 1 + 0 + 9) / 3);
    expect(s.sigma).toBeCloseTo(sigma, 12);
    expect(s.meanErr).toBeCloseTo(sigma / 2, 12);
  });

  it('has no mean, sigma or extremes for a band without data', () => {
    expect(fluxStats([], [])).toEqual({
      n: 0,
      mean: null,
      meanErr: null,
      sigma: null,
      min: null,
      max: null,
      errMean: null,
    });
  });

  it('summarises each band apart and forced photometry into the fp columns', () => {
    const src = (i: number, band: string, flux: number): DiaSourceRecord =>
      completeRecord(
        DIA_SOURCE_COLUMNS,
        sampleSource(1, 0, i, 10, 10, { band, psfFlux: flux, psfFluxErr: 10 }),
        's',
      );
    const forced = [0, 1].map((i) =>
      completeRecord<DiaForcedSourceRecord>(
        DIA_FORCED_SOURCE_COLUMNS,
        { ...sampleForced(2, 0, i, 5, 10, 10), psfFlux: 100 * (i + 1), psfFluxErr: 10 },
        'f',
      ),
    );
    const o = summarizeDiaObject(5, [src(0, 'g', 50), src(1, 'r', 70), src(2, 'r', 90)], forced, {
      newSources: 3,
      validityStartMjdTai: SAMPLE_MJD,
    });
    expect(o).toMatchObject({
      diaObjectId: 5,
      nDiaSources: 3,
      g_psfFluxNdata: 1,
      g_psfFluxMean: 50,
      r_psfFluxNdata: 2,
      r_psfFluxMean: 80,
      u_psfFluxNdata: 0,
      u_psfFluxMean: null,
      r_fpFluxMean: 150,
      g_fpFluxMean: null,
    });
    expect(o.r_fpFluxMeanErr).toBeCloseTo(10 / Math.SQRT2, 12);
  });
});
