import type { DiaForcedSourceInput, DiaObjectInput, DiaSourceInput } from '../apdb-records.js';
import { packDiaId } from '../dia-ids.js';

/** Test support: small, valid APDB records. Positions degrees, fluxes nJy, times MJD TAI. */

/** MJD TAI of the sample visits (2025-06-01). */
export const SAMPLE_MJD = 60_827.1;

/** DIA source `index` of (visit, detector) at (ra, dec), band r, 1000 ± 50 nJy. */
export function sampleSource(
  visit: number,
  detector: number,
  index: number,
  ra: number,
  dec: number,
  more: Partial<DiaSourceInput> = {},
): DiaSourceInput {
  return {
    diaSourceId: packDiaId(visit, detector, index),
    visit,
    detector,
    midpointMjdTai: SAMPLE_MJD + visit / 1e4,
    ra,
    raErr: 1e-5,
    dec,
    decErr: 1e-5,
    x: 100 + index,
    y: 200 + index,
    psfFlux: 1000,
    psfFluxErr: 50,
    snr: 20,
    psfNdata: 225,
    trailNdata: 0,
    dipoleNdata: 0,
    band: 'r',
    timeProcessedMjdTai: SAMPLE_MJD + 1,
    bboxSize: 15,
    pixelFlags_edge: false,
    isDipole: false,
    ...more,
  };
}

/** A DIA object at (ra, dec) with one r-band source so far. */
export function sampleObject(
  diaObjectId: number,
  ra: number,
  dec: number,
  more: Partial<DiaObjectInput> = {},
): DiaObjectInput {
  return {
    diaObjectId,
    validityStartMjdTai: SAMPLE_MJD,
    ra,
    dec,
    nDiaSources: 1,
    firstDiaSourceMjdTai: SAMPLE_MJD,
    lastDiaSourceMjdTai: SAMPLE_MJD,
    r_psfFluxMean: 1000,
    r_psfFluxNdata: 1,
    ...more,
  };
}

/** Forced source `index` of (visit, detector) on object `diaObjectId` at (ra, dec). */
export function sampleForced(
  visit: number,
  detector: number,
  index: number,
  diaObjectId: number,
  ra: number,
  dec: number,
): DiaForcedSourceInput {
  return {
    diaForcedSourceId: packDiaId(visit, detector, index),
    diaObjectId,
    ra,
    dec,
    visit,
    detector,
    psfFlux: 900,
    psfFluxErr: 60,
    midpointMjdTai: SAMPLE_MJD + visit / 1e4,
    band: 'r',
    timeProcessedMjdTai: SAMPLE_MJD + 1,
  };
}
