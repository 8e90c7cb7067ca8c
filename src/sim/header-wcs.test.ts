import { describe, expect, it } from 'vitest';
import { quickScan } from '../fits/index.js';
import { pixToSkyPoint, readWcs, type CelestialWcs } from '../wcs/index.js';
import { plannedVisit, type NightPlanOptions } from './night-plan.js';
import { POINTING_OFFSET_RANGE_ARCSEC, ROTATOR_MAX_ARCMIN } from './pointing-model.js';
import { SimCamera } from './sim-camera.js';

function plan(instrument: string, seed: number): NightPlanOptions {
  return {
    instrument,
    visits: 0,
    cadenceS: 35,
    exposureTimeS: 30,
    snaps: 2,
    readoutS: 2,
    bands: ['g', 'r', 'i'],
    survey: 'TEST',
    seed,
  };
}

function camera(instrument: string, seed: number): SimCamera {
  return new SimCamera({
    instrument,
    seed,
    scale: 0.05,
    starDensityPerDeg2: 2_000,
    magLimit: 21,
    transientsPerDetector: 0,
    cosmicRatePerCm2S: 0,
  });
}

/** Great-circle distance between two sky points, arcseconds. */
function separationArcsec(a: { ra: number; dec: number }, b: { ra: number; dec: number }): number {
  const d2r = Math.PI / 180;
  const s =
    Math.sin(((b.dec - a.dec) * d2r) / 2) ** 2 +
    Math.cos(a.dec * d2r) * Math.cos(b.dec * d2r) * Math.sin(((b.ra - a.ra) * d2r) / 2) ** 2;
  return (2 * Math.asin(Math.sqrt(s)) * 3600) / d2r;
}

/** Sky rotation of a WCS's pixel grid: the angle of the pixel +y axis from north, degrees. */
function gridAngleDeg(wcs: CelestialWcs, x: number, y: number): number {
  const a = pixToSkyPoint(wcs, x, y);
  const b = pixToSkyPoint(wcs, x, y + 100);
  const d2r = Math.PI / 180;
  const dRa = ((b.ra - a.ra + 540) % 360) - 180;
  const east = dRa * Math.cos(a.dec * d2r);
  return Math.atan2(east, b.dec - a.dec) / d2r;
}

describe('the raw header WCS against the truth', () => {
  it.each(['LSSTComCam', 'LSSTCam'])(
    'reports a %s boresight 0.5–3″ from where the telescope pointed (RMS ~1″) and a rotation within a few arcmin',
    (instrument) => {
      const cam = camera(instrument, 11);
      const offsets: number[] = [];
      const rotations: number[] = [];
      for (let i = 0; i < 60; i++) {
        const visit = plannedVisit(plan(instrument, 11), i);
        const detector = i % cam.focalPlane.detectors.length;
        const header = cam.headerWcs(visit, detector);
        const truth = cam.wcs(visit, detector);
        // The boresight is the header WCS's reference pixel: reported there, true elsewhere.
        const bx = header.crpix[0] - 1;
        const by = header.crpix[1] - 1;
        const reported = pixToSkyPoint(header, bx, by);
        expect(separationArcsec(reported, visit)).toBeLessThan(1e-6);
        const sep = separationArcsec(reported, pixToSkyPoint(truth, bx, by));
        offsets.push(sep);
        expect(sep).toBeCloseTo(cam.pointingError(visit).offsetArcsec, 3);
        let rot = gridAngleDeg(truth, bx, by) - gridAngleDeg(header, bx, by);
        rot = ((rot + 540) % 360) - 180;
        rotations.push(rot * 60);
      }
      const [lo, hi] = POINTING_OFFSET_RANGE_ARCSEC;
      expect(Math.min(...offsets)).toBeGreaterThanOrEqual(lo - 1e-3);
      expect(Math.max(...offsets)).toBeLessThanOrEqual(hi + 1e-3);
      const rms = Math.sqrt(offsets.reduce((s, o) => s + o * o, 0) / offsets.length);
      expect(rms).toBeGreaterThan(0.7);
      expect(rms).toBeLessThan(1.5);
      const maxRot = Math.max(...rotations.map(Math.abs));
      expect(maxRot).toBeLessThanOrEqual(ROTATOR_MAX_ARCMIN + 0.01);
      expect(maxRot).toBeGreaterThan(0.3);
      console.info(
        `${instrument}: boresight offset RMS ${rms.toFixed(2)}″, range ` +
          `${Math.min(...offsets).toFixed(2)}–${Math.max(...offsets).toFixed(2)}″; ` +
          `rotator error up to ${maxRot.toFixed(2)}′`,
      );
    },
  );

  it('writes the reported WCS into the raw and keeps the true one in the snap truth only', async () => {
    const cam = camera('LSSTComCam', 5);
    const visit = plannedVisit(plan('LSSTComCam', 5), 3);
    const raw = await cam.raw(visit, 4, 0, visit.startMs, 1);
    const primary = quickScan(raw.bytes).primary;
    const inHeader = readWcs(primary);
    const expected = cam.headerWcs(visit, 4);
    expect(inHeader.crval[0]).toBeCloseTo(visit.ra, 9);
    expect(inHeader.crval[1]).toBeCloseTo(visit.dec, 9);
    expect(inHeader.crpix[0]).toBeCloseTo(expected.crpix[0], 6);
    // The truth: what the scene was rendered with, and how far it is from the header.
    const truth = raw.truth;
    expect(truth.wcs?.CRVAL1).toBeCloseTo(raw.wcs.crval[0], 9);
    expect(truth.pointing?.error.offsetArcsec).toBeGreaterThanOrEqual(0.5);
    const trueCentre = pixToSkyPoint(raw.wcs, 100, 100);
    const headerCentre = pixToSkyPoint(inHeader, 100, 100);
    expect(separationArcsec(trueCentre, headerCentre)).toBeGreaterThan(0.4);
    // No true pointing in the header, under any keyword.
    const values = primary.cards.map((c) => ('value' in c ? c.value : undefined));
    for (const v of values) {
      if (typeof v !== 'number') continue;
      expect(Math.abs(v - raw.wcs.crval[0])).toBeGreaterThan(1e-7);
    }
  });
});
