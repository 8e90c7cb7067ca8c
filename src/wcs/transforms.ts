import { PromptlyError } from '../core/errors.js';
import type { CelestialWcs } from './celestial-wcs.js';
import { SIP_INVERSE_TOLERANCE_PX, sipInverseScratch, solveSipInverse } from './sip-inverse.js';
import { evalSip } from './sip-polynomial.js';
import { planFor } from './transform-plan.js';

const R2D = 180 / Math.PI;
const D2R = Math.PI / 180;

/** Sky positions: right ascension and declination in degrees, in the WCS's RADESYS frame. */
export interface SkyArrays {
  /** Right ascension in degrees, [0, 360). */
  readonly ra: Float64Array;
  /** Declination in degrees, [-90, +90]. */
  readonly dec: Float64Array;
}

/** Pixel positions, 0-based: the centre of the first pixel is (0, 0). */
export interface PixelArrays {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Options of {@link skyToPix}. */
export interface SkyToPixOptions {
  /**
   * How to undo SIP distortion. `'auto'` (default): the AP/BP polynomials when the header
   * has them, else Newton iteration. `'polynomial'`: AP/BP only (error if absent).
   * `'iterate'`: Newton iteration on A/B to 1e-10 px, seeded from AP/BP when present —
   * the exact inverse of {@link pixToSky}, which is what astropy's `all_world2pix` computes.
   */
  readonly sipInverse?: 'auto' | 'polynomial' | 'iterate';
  /**
   * What to do when Newton iteration diverges for a point: `'throw'` (default,
   * PROMPTLY_E_WCS_INVALID naming the index) or `'nan'` (that point becomes NaN).
   */
  readonly onDivergence?: 'throw' | 'nan';
  /** Output arrays to fill (length ≥ input length) instead of allocating new ones. */
  readonly out?: PixelArrays;
}

/** Options of {@link pixToSky}. */
export interface PixToSkyOptions {
  /** Output arrays to fill (length ≥ input length) instead of allocating new ones. */
  readonly out?: SkyArrays;
}

function checkLengths(a: Float64Array, b: Float64Array, out: { length: number }[]): void {
  if (a.length !== b.length) {
    throw new PromptlyError(
      'PROMPTLY_E_WCS_INVALID',
      `coordinate arrays differ in length (${a.length} and ${b.length})`,
    );
  }
  for (const o of out) {
    if (o.length < a.length) {
      throw new PromptlyError('PROMPTLY_E_WCS_INVALID', 'output array is shorter than the input');
    }
  }
}

/**
 * Pixel → sky, vectorised: SIP (if any), then CD, TAN de-projection and the spherical
 * rotation. Equivalent to astropy's `all_pix2world(x, y, 0)`.
 *
 * @param x, y 0-based pixel coordinates (FITS pixel = x + 1).
 * @returns ra in degrees wrapped to [0, 360) and dec in degrees, in the RADESYS frame.
 * Non-finite inputs give NaN. No per-point allocation.
 */
export function pixToSky(
  wcs: CelestialWcs,
  x: Float64Array,
  y: Float64Array,
  options: PixToSkyOptions = {},
): SkyArrays {
  const n = x.length;
  const out = options.out ?? { ra: new Float64Array(n), dec: new Float64Array(n) };
  checkLengths(x, y, [out.ra, out.dec]);
  const { ra, dec } = out;
  const p = planFor(wcs);
  const { off1, off2, c11, c12, c21, c22, m } = p;
  const m00 = m[0] as number;
  const m01 = m[1] as number;
  const m02 = m[2] as number;
  const m10 = m[3] as number;
  const m11 = m[4] as number;
  const m12 = m[5] as number;
  const m20 = m[6] as number;
  const m21 = m[7] as number;
  const m22 = m[8] as number;
  const sip = wcs.sip;
  const aC = sip?.a.coefficients;
  const aO = sip?.a.order ?? 0;
  const bC = sip?.b.coefficients;
  const bO = sip?.b.order ?? 0;
  for (let i = 0; i < n; i++) {
    let u = (x[i] as number) + off1;
    let v = (y[i] as number) + off2;
    if (aC !== undefined && bC !== undefined) {
      const du = evalSip(aC, aO, u, v);
      const dv = evalSip(bC, bO, u, v);
      u += du;
      v += dv;
    }
    // Intermediate world coordinates in radians.
    const xi = c11 * u + c12 * v;
    const eta = c21 * u + c22 * v;
    // TAN: the native direction is (−η, ξ, 1) up to a positive scale, which atan2 ignores.
    const cx = -m00 * eta + m01 * xi + m02;
    const cy = -m10 * eta + m11 * xi + m12;
    const cz = -m20 * eta + m21 * xi + m22;
    let a = Math.atan2(cy, cx) * R2D;
    if (a < 0) a += 360;
    if (a >= 360) a -= 360;
    ra[i] = a;
    dec[i] = Math.atan2(cz, Math.sqrt(cx * cx + cy * cy)) * R2D;
  }
  return out;
}

/**
 * Sky → pixel, vectorised: the inverse of {@link pixToSky}. Equivalent to astropy's
 * `all_world2pix(ra, dec, 0)` when `sipInverse` is `'iterate'` (or `'auto'` without
 * AP/BP); with AP/BP and `'auto'`, equal to applying AP/BP as the SIP convention states.
 *
 * @param ra, dec degrees, in the RADESYS frame.
 * @returns 0-based pixel coordinates. Points 90° or more from the tangent point (not on
 * the TAN plane) and non-finite inputs give NaN. No per-point allocation.
 */
export function skyToPix(
  wcs: CelestialWcs,
  ra: Float64Array,
  dec: Float64Array,
  options: SkyToPixOptions = {},
): PixelArrays {
  const n = ra.length;
  const out = options.out ?? { x: new Float64Array(n), y: new Float64Array(n) };
  checkLengths(ra, dec, [out.x, out.y]);
  const { x, y } = out;
  const p = planFor(wcs);
  const { off1, off2, i11, i12, i21, i22, m } = p;
  // Transpose of M: celestial → native.
  const t00 = m[0] as number;
  const t01 = m[3] as number;
  const t02 = m[6] as number;
  const t10 = m[1] as number;
  const t11 = m[4] as number;
  const t12 = m[7] as number;
  const t20 = m[2] as number;
  const t21 = m[5] as number;
  const t22 = m[8] as number;
  const sip = wcs.sip;
  const mode = options.sipInverse ?? 'auto';
  const ap = sip?.ap;
  const bp = sip?.bp;
  const hasPoly = ap !== undefined && bp !== undefined;
  if (sip !== undefined && mode === 'polynomial' && !hasPoly) {
    throw new PromptlyError(
      'PROMPTLY_E_WCS_INVALID',
      'sipInverse "polynomial" needs AP_ORDER/BP_ORDER coefficients, which this WCS lacks',
    );
  }
  const iterate = sip !== undefined && (mode === 'iterate' || !hasPoly);
  const throwOnDivergence = (options.onDivergence ?? 'throw') === 'throw';
  const scratch = sipInverseScratch();
  for (let i = 0; i < n; i++) {
    const a = (ra[i] as number) * D2R;
    const d = (dec[i] as number) * D2R;
    const cosD = Math.cos(d);
    const cx = cosD * Math.cos(a);
    const cy = cosD * Math.sin(a);
    const cz = Math.sin(d);
    const nx = t00 * cx + t01 * cy + t02 * cz;
    const ny = t10 * cx + t11 * cy + t12 * cz;
    const nz = t20 * cx + t21 * cy + t22 * cz;
    if (!(nz > 0)) {
      x[i] = NaN;
      y[i] = NaN;
      continue;
    }
    const xi = ny / nz;
    const eta = -nx / nz;
    // Offsets from CRPIX after distortion (SIP "focal" coordinates), in pixels.
    const fu = i11 * xi + i12 * eta;
    const fv = i21 * xi + i22 * eta;
    let u = fu;
    let v = fv;
    if (hasPoly) {
      u = fu + evalSip(ap.coefficients, ap.order, fu, fv);
      v = fv + evalSip(bp.coefficients, bp.order, fu, fv);
    } else if (sip !== undefined) {
      // First-order inverse as Newton's seed: saves about one iteration of three.
      u = fu - evalSip(sip.a.coefficients, sip.a.order, fu, fv);
      v = fv - evalSip(sip.b.coefficients, sip.b.order, fu, fv);
    }
    if (iterate) {
      if (solveSipInverse(sip, fu, fv, u, v, scratch)) {
        u = scratch[6] as number;
        v = scratch[7] as number;
      } else if (throwOnDivergence) {
        throw new PromptlyError(
          'PROMPTLY_E_WCS_INVALID',
          `SIP inverse did not converge to ${SIP_INVERSE_TOLERANCE_PX} px for point ${i} ` +
            `(ra ${ra[i]}, dec ${dec[i]} deg)`,
          { details: [{ path: `[${i}]`, message: 'Newton iteration diverged' }] },
        );
      } else {
        u = NaN;
        v = NaN;
      }
    }
    x[i] = u - off1;
    y[i] = v - off2;
  }
  return out;
}

const scalarIn1 = new Float64Array(1);
const scalarIn2 = new Float64Array(1);
const scalarSky: SkyArrays = { ra: new Float64Array(1), dec: new Float64Array(1) };
const scalarPix: PixelArrays = { x: new Float64Array(1), y: new Float64Array(1) };

/**
 * One point pixel → sky. `x`, `y` are 0-based pixel coordinates; returns ra in degrees
 * [0, 360) and dec in degrees, in the RADESYS frame. For many points use {@link pixToSky}.
 */
export function pixToSkyPoint(
  wcs: CelestialWcs,
  x: number,
  y: number,
): { ra: number; dec: number } {
  scalarIn1[0] = x;
  scalarIn2[0] = y;
  pixToSky(wcs, scalarIn1, scalarIn2, { out: scalarSky });
  return { ra: scalarSky.ra[0] as number, dec: scalarSky.dec[0] as number };
}

/**
 * One point sky → pixel. `ra`, `dec` in degrees; returns 0-based pixel coordinates
 * (NaN off the TAN hemisphere). For many points use {@link skyToPix}.
 */
export function skyToPixPoint(
  wcs: CelestialWcs,
  ra: number,
  dec: number,
  options: Omit<SkyToPixOptions, 'out'> = {},
): { x: number; y: number } {
  scalarIn1[0] = ra;
  scalarIn2[0] = dec;
  skyToPix(wcs, scalarIn1, scalarIn2, { ...options, out: scalarPix });
  return { x: scalarPix.x[0] as number, y: scalarPix.y[0] as number };
}
