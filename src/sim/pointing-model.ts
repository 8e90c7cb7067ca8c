import type { Pointing } from './focal-plane.js';
import { Prng } from './prng.js';

/** RMS of the telescope's absolute pointing error on the sky, arcseconds (2-D). */
export const POINTING_RMS_ARCSEC = 1;
/** The pointing error's size is kept within these bounds, arcseconds. */
export const POINTING_OFFSET_RANGE_ARCSEC = [0.5, 3] as const;
/** σ of the rotator's angle error, arcminutes. */
export const ROTATOR_SIGMA_ARCMIN = 1;
/** The rotator's angle error is kept within ± this, arcminutes. */
export const ROTATOR_MAX_ARCMIN = 3;

/** How far the telescope really pointed from where the header says it did. */
export interface PointingError {
  /** Offset of the true boresight toward east and north, arcseconds on the sky. */
  readonly eastArcsec: number;
  readonly northArcsec: number;
  /** Size of the offset, arcseconds, within {@link POINTING_OFFSET_RANGE_ARCSEC}. */
  readonly offsetArcsec: number;
  /** True minus reported sky rotation angle, arcminutes (CCW, as ROTPA). */
  readonly rotationArcmin: number;
}

/**
 * The pointing and rotator error of visit `visitIndex`, deterministic in (seed, visit): a
 * Rayleigh-distributed offset of 2-D RMS {@link POINTING_RMS_ARCSEC} clamped to
 * {@link POINTING_OFFSET_RANGE_ARCSEC} in a uniform direction, and a Gaussian rotator error of
 * σ {@link ROTATOR_SIGMA_ARCMIN} clamped to ± {@link ROTATOR_MAX_ARCMIN}. Both snaps of a visit
 * share it (the telescope tracks between them).
 */
export function pointingError(seed: number, visitIndex: number): PointingError {
  const rng = new Prng(seed).fork(0x9017, visitIndex);
  const [lo, hi] = POINTING_OFFSET_RANGE_ARCSEC;
  // 2-D RMS r means σ = r/√2 per axis: the radius is σ√(−2 ln U).
  const sigma = POINTING_RMS_ARCSEC / Math.SQRT2;
  const raw = sigma * Math.sqrt(-2 * Math.log(1 - rng.next()));
  const offsetArcsec = Math.min(hi, Math.max(lo, raw));
  const pa = rng.uniform(0, 2 * Math.PI);
  const rot = ROTATOR_SIGMA_ARCMIN * rng.gaussian();
  return {
    eastArcsec: offsetArcsec * Math.sin(pa),
    northArcsec: offsetArcsec * Math.cos(pa),
    offsetArcsec,
    rotationArcmin: Math.min(ROTATOR_MAX_ARCMIN, Math.max(-ROTATOR_MAX_ARCMIN, rot)),
  };
}

/**
 * Where the telescope really pointed: the reported boresight moved by `error` along a great
 * circle (position angle from north through east) and the rotation angle changed by its
 * rotator error. Degrees ICRS in and out.
 */
export function truePointing(reported: Pointing, error: PointingError): Pointing {
  const d2r = Math.PI / 180;
  const d = (error.offsetArcsec / 3600) * d2r;
  const pa = Math.atan2(error.eastArcsec, error.northArcsec);
  const dec0 = reported.dec * d2r;
  const sinDec = Math.sin(dec0) * Math.cos(d) + Math.cos(dec0) * Math.sin(d) * Math.cos(pa);
  const dec = Math.asin(Math.max(-1, Math.min(1, sinDec)));
  const dRa = Math.atan2(
    Math.sin(pa) * Math.sin(d) * Math.cos(dec0),
    Math.cos(d) - Math.sin(dec0) * sinDec,
  );
  return {
    ra: (((reported.ra + dRa / d2r) % 360) + 360) % 360,
    dec: dec / d2r,
    rotationDeg: reported.rotationDeg + error.rotationArcmin / 60,
  };
}
