import { PromptlyError } from '../core/errors.js';

/**
 * HEALPix in the NESTED scheme (Górski et al. 2005, ApJ 622, 759), computed here so the APDB
 * needs no native library. A pixel of order `k` (nside = 2^k) is a safe integer in
 * [0, 12·4^k); its four children at order k+1 are 4p … 4p+3, so the pixels of order
 * {@link APDB_HEALPIX_ORDER} inside pixel p of order k form the contiguous range
 * [p·4^(K−k), (p+1)·4^(K−k)) — which is what makes an indexed column answer region queries
 * with a few range scans. Angles: ra/dec in degrees (ICRS), radii in radians unless named.
 */

/** Highest order supported: 12·4^24 < 2^53, so every pixel number is a safe integer. */
export const HEALPIX_MAX_ORDER = 24;

/**
 * Order of the `pixelId` column of the APDB tables: nside 65 536, pixels of about 3.2 arcsec
 * (√(4π / (12·4^16)) rad), so a region query's ranges are tight at any association radius.
 */
export const APDB_HEALPIX_ORDER = 16;

const HALF_PI = Math.PI / 2;
const DEG = Math.PI / 180;
/** Ring index of each base pixel's southern corner, in units of nside (Górski's jrll). */
const JRLL = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4] as const;
/** Longitude index of each base pixel's centre, in units of π/4 (Górski's jpll). */
const JPLL = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7] as const;

function checkOrder(order: number): number {
  if (!Number.isInteger(order) || order < 0 || order > HEALPIX_MAX_ORDER)
    throw new PromptlyError(
      'PROMPTLY_E_APDB_INVALID',
      `HEALPix order must be an integer in 0..${HEALPIX_MAX_ORDER}, got ${order}`,
    );
  return 2 ** order;
}

/** Number of pixels of an order: 12·4^order. */
export function healpixPixelCount(order: number): number {
  const nside = checkOrder(order);
  return 12 * nside * nside;
}

/** Interleaves the bits of x (even positions) and y (odd positions); x, y < 2^24. */
function interleave(x: number, y: number): number {
  let out = 0;
  let weight = 1;
  while (x > 0 || y > 0) {
    out += (x % 2) * weight + (y % 2) * weight * 2;
    x = Math.floor(x / 2);
    y = Math.floor(y / 2);
    weight *= 4;
  }
  return out;
}

/** The inverse of {@link interleave}. */
function deinterleave(v: number): [number, number] {
  let x = 0;
  let y = 0;
  let weight = 1;
  while (v > 0) {
    const pair = v % 4;
    x += (pair % 2) * weight;
    y += Math.floor(pair / 2) * weight;
    v = Math.floor(v / 4);
    weight *= 2;
  }
  return [x, y];
}

/**
 * The NESTED pixel of `order` containing the direction (ra, dec), degrees. ra may be any
 * finite angle (it is wrapped); dec must be in [−90, +90]. Follows Górski et al.'s ang2pix
 * with the polar-cap branch written in cos(dec), which keeps its precision at the poles.
 */
export function healpixAng2PixNest(order: number, raDeg: number, decDeg: number): number {
  const nside = checkOrder(order);
  if (!Number.isFinite(raDeg) || !Number.isFinite(decDeg) || decDeg < -90 || decDeg > 90)
    throw new PromptlyError(
      'PROMPTLY_E_APDB_INVALID',
      `sky position must be finite with dec in [-90, 90], got (${raDeg}, ${decDeg})`,
    );
  const z = Math.sin(decDeg * DEG);
  const za = Math.abs(z);
  let tt = (((raDeg % 360) + 360) % 360) / 90; // [0, 4)
  if (tt >= 4) tt = 0;
  let face: number;
  let ix: number;
  let iy: number;
  if (za <= 2 / 3) {
    const temp1 = nside * (0.5 + tt);
    const temp2 = nside * z * 0.75;
    const jp = Math.floor(temp1 - temp2); // ascending edge line
    const jm = Math.floor(temp1 + temp2); // descending edge line
    const ifp = Math.floor(jp / nside);
    const ifm = Math.floor(jm / nside);
    face = ifp === ifm ? (ifp % 4) + 4 : ifp < ifm ? ifp % 4 : (ifm % 4) + 8;
    ix = jm % nside;
    iy = nside - (jp % nside) - 1;
  } else {
    const ntt = Math.min(3, Math.floor(tt));
    const tp = tt - ntt;
    // nside·√(3(1−|z|)), written so that it stays exact as |z| → 1.
    const tmp = (nside * Math.cos(decDeg * DEG)) / Math.sqrt((1 + za) / 3);
    const jp = Math.min(nside - 1, Math.floor(tp * tmp));
    const jm = Math.min(nside - 1, Math.floor((1 - tp) * tmp));
    if (z >= 0) {
      face = ntt;
      ix = nside - jm - 1;
      iy = nside - jp - 1;
    } else {
      face = ntt + 8;
      ix = jp;
      iy = jm;
    }
  }
  return face * nside * nside + interleave(ix, iy);
}

/** A unit vector (x, y, z), ICRS cartesian. */
export type UnitVector = readonly [number, number, number];

/**
 * The unit vector of face coordinates (fx, fy) ∈ [0, 1]² of base pixel `face`
 * (Górski's xyf2loc): (0.5, 0.5) scaled to a pixel gives its centre, 0 and 1 its corners.
 */
function faceToVector(fx: number, fy: number, face: number): UnitVector {
  const jr = (JRLL[face] ?? 0) - fx - fy;
  let nr: number;
  let z: number;
  let sth: number;
  if (jr < 1) {
    nr = jr;
    const t = (nr * nr) / 3;
    z = 1 - t;
    sth = Math.sqrt(t * (2 - t));
  } else if (jr > 3) {
    nr = 4 - jr;
    const t = (nr * nr) / 3;
    z = t - 1;
    sth = Math.sqrt(t * (2 - t));
  } else {
    nr = 1;
    z = ((2 - jr) * 2) / 3;
    sth = Math.sqrt((1 - z) * (1 + z));
  }
  let t = (JPLL[face] ?? 0) * nr + fx - fy;
  if (t < 0) t += 8;
  if (t >= 8) t -= 8;
  const phi = nr < 1e-15 ? 0 : (0.5 * HALF_PI * t) / nr;
  return [sth * Math.cos(phi), sth * Math.sin(phi), z];
}

function splitPixel(
  order: number,
  pixel: number,
): { nside: number; face: number; ix: number; iy: number } {
  const nside = checkOrder(order);
  const npface = nside * nside;
  if (!Number.isSafeInteger(pixel) || pixel < 0 || pixel >= 12 * npface)
    throw new PromptlyError(
      'PROMPTLY_E_APDB_INVALID',
      `HEALPix pixel must be an integer in [0, ${12 * npface}) at order ${order}, got ${pixel}`,
    );
  const face = Math.floor(pixel / npface);
  const [ix, iy] = deinterleave(pixel - face * npface);
  return { nside, face, ix, iy };
}

/** The unit vector of a pixel's centre. */
export function healpixPixelCentre(order: number, pixel: number): UnitVector {
  const { nside, face, ix, iy } = splitPixel(order, pixel);
  return faceToVector((ix + 0.5) / nside, (iy + 0.5) / nside, face);
}

/**
 * Points on a pixel's boundary: its four corners and, between them, `perEdge − 1` points
 * along each edge (unit vectors).
 */
export function healpixPixelBoundary(order: number, pixel: number, perEdge = 4): UnitVector[] {
  const { nside, face, ix, iy } = splitPixel(order, pixel);
  const out: UnitVector[] = [];
  for (let i = 0; i < perEdge; i++) {
    const s = i / perEdge;
    out.push(faceToVector((ix + s) / nside, iy / nside, face));
    out.push(faceToVector((ix + 1) / nside, (iy + s) / nside, face));
    out.push(faceToVector((ix + 1 - s) / nside, (iy + 1) / nside, face));
    out.push(faceToVector(ix / nside, (iy + 1 - s) / nside, face));
  }
  return out;
}

/** Angle between two unit vectors, radians (atan2 form: accurate at 0 and π). */
export function angleBetween(a: UnitVector, b: UnitVector): number {
  const cx = a[1] * b[2] - a[2] * b[1];
  const cy = a[2] * b[0] - a[0] * b[2];
  const cz = a[0] * b[1] - a[1] * b[0];
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return Math.atan2(Math.hypot(cx, cy, cz), dot);
}

/**
 * Safety factor on a pixel's sampled boundary radius: HEALPix pixel edges are not great
 * circles, so a boundary point between the samples may lie a little further out. 1.1 is
 * generous (the sampled and true radii differ by far less; `healpix.test.ts` checks random
 * points of random pixels against the bound).
 */
const RADIUS_MARGIN = 1.1;

/**
 * An upper bound on the angular distance from a pixel's centre to any point of the pixel,
 * radians: the largest distance to 16 boundary samples, times a margin.
 */
export function healpixPixelRadius(order: number, pixel: number): number {
  const centre = healpixPixelCentre(order, pixel);
  let max = 0;
  for (const v of healpixPixelBoundary(order, pixel)) max = Math.max(max, angleBetween(centre, v));
  return max * RADIUS_MARGIN + 1e-12;
}
