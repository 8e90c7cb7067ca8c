import type { CelestialWcs } from './celestial-wcs.js';

const D2R = Math.PI / 180;

/**
 * Everything the per-point loops need, precomputed once per WCS: CD in radians per pixel
 * and its inverse, and the native→celestial rotation as a 3×3 matrix, so a point costs no
 * trigonometry beyond the final atan2s (pix→sky) or the initial sin/cos (sky→pix).
 */
export interface TransformPlan {
  /** Adds to a 0-based pixel coordinate to give the offset from CRPIX: `1 - CRPIXi`. */
  readonly off1: number;
  readonly off2: number;
  /** CD in radians per pixel, row-major. */
  readonly c11: number;
  readonly c12: number;
  readonly c21: number;
  readonly c22: number;
  /** Inverse of CD, pixels per radian. */
  readonly i11: number;
  readonly i12: number;
  readonly i21: number;
  readonly i22: number;
  /** Native→celestial rotation, row-major: celestial = M · native. */
  readonly m: Float64Array;
}

/** sin of an angle in degrees, exact at multiples of 90° (as wcslib's sind). */
function sind(deg: number): number {
  const r = deg % 90 === 0 ? (((deg / 90) % 4) + 4) % 4 : -1;
  if (r === 0 || r === 2) return 0;
  if (r === 1) return 1;
  if (r === 3) return -1;
  return Math.sin(deg * D2R);
}

/** cos of an angle in degrees, exact at multiples of 90°. */
function cosd(deg: number): number {
  return deg % 90 === 0 ? sind(deg + 90) : Math.cos(deg * D2R);
}

/**
 * Rotation taking a native-spherical unit vector (φ, θ) to celestial (α, δ), for the
 * celestial pole at native longitude φp and the native pole at (αp, δp) (FITS-WCS Paper
 * II eq. 2, written as a matrix). Vectors are (cos·cos, cos·sin, sin).
 */
function nativeToCelestial(alphaP: number, deltaP: number, phiP: number): Float64Array {
  const sa = sind(alphaP);
  const ca = cosd(alphaP);
  const sd = sind(deltaP);
  const cd = cosd(deltaP);
  const sp = sind(phiP);
  const cp = cosd(phiP);
  const m = new Float64Array(9);
  for (let col = 0; col < 3; col++) {
    const nx = col === 0 ? 1 : 0;
    const ny = col === 1 ? 1 : 0;
    const nz = col === 2 ? 1 : 0;
    // a = cosθ cos(φ−φp), b = cosθ sin(φ−φp)
    const a = nx * cp + ny * sp;
    const b = ny * cp - nx * sp;
    const xp = nz * cd - a * sd; // cosδ cos(α−αp)
    const yp = -b; // cosδ sin(α−αp)
    const z = nz * sd + a * cd; // sinδ
    m[col] = xp * ca - yp * sa;
    m[3 + col] = xp * sa + yp * ca;
    m[6 + col] = z;
  }
  return m;
}

function compile(wcs: CelestialWcs): TransformPlan {
  const [cd11, cd12, cd21, cd22] = wcs.cd;
  const c11 = cd11 * D2R;
  const c12 = cd12 * D2R;
  const c21 = cd21 * D2R;
  const c22 = cd22 * D2R;
  const det = c11 * c22 - c12 * c21;
  return Object.freeze({
    off1: 1 - wcs.crpix[0],
    off2: 1 - wcs.crpix[1],
    c11,
    c12,
    c21,
    c22,
    i11: c22 / det,
    i12: -c12 / det,
    i21: -c21 / det,
    i22: c11 / det,
    m: nativeToCelestial(wcs.crval[0], wcs.crval[1], wcs.lonpole),
  });
}

const plans = new WeakMap<CelestialWcs, TransformPlan>();

/** The compiled plan of `wcs`, built on first use and cached by identity. */
export function planFor(wcs: CelestialWcs): TransformPlan {
  let plan = plans.get(wcs);
  if (plan === undefined) {
    plan = compile(wcs);
    plans.set(wcs, plan);
  }
  return plan;
}
