import { MAX_STAMP_RADIUS_PX, type MoffatPsf } from './psf.js';

/**
 * Galaxies drawn through the PSF analytically: a Sérsic profile and the Moffat PSF are each
 * approximated by a mixture of concentric Gaussians, so their convolution is a sum of Gaussians
 * whose covariances add (the approach of Hogg & Lang 2013, with mixtures we fitted ourselves:
 * `src/sim/testing/sersic-mixtures.py` reproduces the numbers below).
 *
 * Accuracy of the mixtures (fitted to the surface brightness in log and to the enclosed flux):
 * exponential (n = 1), 6 Gaussians, over 0.02–8 r_e: surface brightness within 3.6 %, enclosed
 * flux within 0.03 %; de Vaucouleurs (n = 4), 8 Gaussians, over 0.05–10 r_e: within 16 % and
 * 0.14 %; Moffat β = 3.5, 4 Gaussians: flux-weighted residual 0.04 %. Amplitudes are scaled to
 * sum to exactly 1, so a galaxy's total flux is its catalog flux.
 */

/** A mixture of concentric round Gaussians: amplitude (flux share) and variance per component. */
interface Mixture {
  readonly amp: readonly number[];
  /** Variances in units of the profile's scale squared (r_e² for Sérsic, α² for Moffat). */
  readonly variance: readonly number[];
}

function normalized(amp: readonly number[], variance: readonly number[]): Mixture {
  const sum = amp.reduce((a, b) => a + b, 0);
  return { amp: amp.map((a) => a / sum), variance };
}

/** Sérsic n = 1 with r_e = 1. */
const EXPONENTIAL = normalized(
  [0.00403208, 0.0589478, 0.266286, 0.436198, 0.211348, 0.0231803],
  [0.00819724, 0.0742667, 0.316422, 0.939011, 2.19205, 4.45713],
);
/** Sérsic n = 4 with r_e = 1. */
const DE_VAUCOULEURS = normalized(
  [0.00216611, 0.0103932, 0.0520088, 0.133514, 0.224016, 0.259987, 0.208005, 0.109487],
  [8.27641e-7, 1.01172e-5, 0.00425256, 0.0350637, 0.222846, 1.23353, 6.56635, 46.81],
);
/** Moffat β = 3.5 with α = 1. */
const MOFFAT_35 = normalized(
  [0.10506, 0.462248, 0.359138, 0.0724924],
  [0.0797864, 0.169593, 0.399702, 1.24066],
);

/** The Gaussian mixture of a Sérsic profile of index 1 or 4 (r_e = 1). */
export function sersicMixture(n: 1 | 4): Mixture {
  return n === 1 ? EXPONENTIAL : DE_VAUCOULEURS;
}

/** A symmetric 2 × 2 matrix in pixels², [[xx, xy], [xy, yy]]. */
export interface Cov2 {
  readonly xx: number;
  readonly xy: number;
  readonly yy: number;
}

/**
 * The pixel-frame shape of a galaxy: the covariance its profile's r_e = 1 mixture scales by,
 * from its half-light semi-major axis (arcsec), axis ratio, position angle (degrees east of
 * north) and the local sky → pixel Jacobian `jac` (pixels per arcsec: d(x, y)/d(east, north)).
 */
export function galaxyShapePx(
  reArcsec: number,
  axisRatio: number,
  paDeg: number,
  jac: { readonly xe: number; readonly xn: number; readonly ye: number; readonly yn: number },
): Cov2 {
  const t = (paDeg * Math.PI) / 180;
  // major axis along (east, north) = (sin pa, cos pa), minor perpendicular
  const me = Math.sin(t);
  const mn = Math.cos(t);
  const a2 = reArcsec * reArcsec;
  const b2 = a2 * axisRatio * axisRatio;
  // sky covariance (east, north)
  const ee = a2 * me * me + b2 * mn * mn;
  const en = (a2 - b2) * me * mn;
  const nn = a2 * mn * mn + b2 * me * me;
  // J · Σ · Jᵀ
  const { xe, xn, ye, yn } = jac;
  return {
    xx: xe * xe * ee + 2 * xe * xn * en + xn * xn * nn,
    xy: xe * ye * ee + (xe * yn + xn * ye) * en + xn * yn * nn,
    yy: ye * ye * ee + 2 * ye * yn * en + yn * yn * nn,
  };
}

/** The Moffat's shape as a covariance: the inverse of its quadratic form Q. */
function moffatCov(psf: MoffatPsf): Cov2 {
  const a = psf.qxx;
  const b = psf.qxy / 2;
  const c = psf.qyy;
  const det = a * c - b * b;
  return { xx: c / det, xy: -b / det, yy: a / det };
}

/** A pixel gets a component only while that component still adds ≥ this many e⁻. */
const CUT_E = 0.05;

/**
 * Adds a galaxy of `fluxE` electrons centred at (x, y) (0-based pixel centres): Sérsic profile
 * `n` of pixel-frame shape `shape` ({@link galaxyShapePx}) convolved with `psf`, sampled at pixel
 * centres, clipped to the image and to {@link MAX_STAMP_RADIUS_PX}. No allocation.
 */
export function addGalaxy(
  image: Float32Array,
  width: number,
  height: number,
  psf: MoffatPsf,
  n: 1 | 4,
  shape: Cov2,
  x: number,
  y: number,
  fluxE: number,
): void {
  if (!(fluxE > 0)) return;
  const gal = sersicMixture(n);
  const p = moffatCov(psf);
  for (let j = 0; j < gal.amp.length; j++) {
    const wj = gal.variance[j]!;
    for (let k = 0; k < MOFFAT_35.amp.length; k++) {
      const vk = MOFFAT_35.variance[k]!;
      const xx = wj * shape.xx + vk * p.xx;
      const xy = wj * shape.xy + vk * p.xy;
      const yy = wj * shape.yy + vk * p.yy;
      const det = xx * yy - xy * xy;
      if (!(det > 0)) continue;
      const peak = (fluxE * gal.amp[j]! * MOFFAT_35.amp[k]!) / (2 * Math.PI * Math.sqrt(det));
      if (peak < CUT_E) continue;
      // radius along the widest axis where the component falls to CUT_E
      const lambda = (xx + yy) / 2 + Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
      const r = Math.min(MAX_STAMP_RADIUS_PX, Math.sqrt(2 * lambda * Math.log(peak / CUT_E)));
      addGaussian(image, width, height, x, y, r, peak, yy / det, -xy / det, xx / det);
    }
  }
}

/** Adds peak · exp(−½ dᵀ C⁻¹ d) within radius r of (x, y); (ixx, ixy, iyy) is C⁻¹. */
function addGaussian(
  image: Float32Array,
  width: number,
  height: number,
  x: number,
  y: number,
  r: number,
  peak: number,
  ixx: number,
  ixy: number,
  iyy: number,
): void {
  const xa = Math.max(0, Math.floor(x - r));
  const xb = Math.min(width - 1, Math.ceil(x + r));
  const ya = Math.max(0, Math.floor(y - r));
  const yb = Math.min(height - 1, Math.ceil(y + r));
  if (xa > xb || ya > yb) return;
  const r2 = (r + 0.5) * (r + 0.5);
  for (let py = ya; py <= yb; py++) {
    const dy = py - y;
    const dy2 = dy * dy;
    const cy = -0.5 * iyy * dy2;
    const cxy = -ixy * dy;
    const row = py * width;
    for (let px = xa; px <= xb; px++) {
      const dx = px - x;
      if (dx * dx + dy2 > r2) continue;
      image[row + px]! += peak * Math.exp((-0.5 * ixx * dx + cxy) * dx + cy);
    }
  }
}
