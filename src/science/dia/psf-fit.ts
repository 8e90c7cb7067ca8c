import type { Psf } from '../exposure/psf.js';
import type { Image } from '../image.js';
import { pixelProfile, windowAbout } from './pixel-gaussian.js';
import { fitAmplitude, forEachWeighted } from './weighted-pixels.js';

/** A PSF fit of one source: flux and, when fitted, position, with errors from the variance. */
export interface PsfFit {
  /** Centre, 0-based pixels (the start position when the position was not fitted). */
  readonly x: number;
  readonly y: number;
  /** Total flux of the PSF model, image units (e⁻), and its 1σ error. */
  readonly flux: number;
  readonly fluxErr: number;
  /** χ² of the model over the pixels used, and how many were used. */
  readonly chi2: number;
  readonly ndata: number;
  /** False when the position fit did not converge (it then keeps the start position). */
  readonly converged: boolean;
}

export interface PsfFitOptions {
  /** Gaussian σ of the PSF, pixels (0.3 … 50). */
  readonly sigmaPx: number;
  /** Fit the position as well as the flux (Gauss–Newton); default true. */
  readonly fitPosition?: boolean;
  /** Half-size of the fitting window, pixels; default max(3, 2.5 σ). */
  readonly radiusPx?: number;
}

/**
 * Weighted linear flux of a unit PSF at (x, y): F = Σ w p d / Σ w p², σ_F = 1/√(Σ w p²), with
 * w = 1/variance; pixels whose value or variance is not finite and positive are skipped.
 */
function linearFlux(
  image: Image,
  variance: Image,
  x: number,
  y: number,
  sigma: number,
  radius: number,
  px: Float64Array,
  py: Float64Array,
): { flux: number; fluxErr: number; chi2: number; ndata: number } | undefined {
  const win = windowAbout(x, y, radius, image.width, image.height);
  if (!win) return undefined;
  const nx = win.x1 - win.x0 + 1;
  const ny = win.y1 - win.y0 + 1;
  pixelProfile(x, sigma, win.x0, nx, px);
  pixelProfile(y, sigma, win.y0, ny, py);
  return fitAmplitude(image, variance, win, (i, j) => px[i]! * py[j]!, 3);
}

/**
 * PSF photometry of one source with a pixel-integrated Gaussian PSF: its position refined by
 * Gauss–Newton on (flux, x, y) from the start position (at most 10 steps, each step limited
 * to 1 px, stopping below 10⁻³ px), then the flux fitted linearly at that centre ("forced at
 * the centroid"). For a point source in white noise this is the minimum-variance estimator
 * of both flux and position. Returns undefined when no usable pixel is near the position.
 */
export function fitPsf(
  image: Image,
  variance: Image,
  x: number,
  y: number,
  options: PsfFitOptions,
): PsfFit | undefined {
  const sigma = options.sigmaPx;
  if (!(sigma >= 0.3 && sigma <= 50))
    throw new RangeError(`sigmaPx must be in [0.3, 50], got ${sigma}`);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
  const radius = Math.max(3, options.radiusPx ?? 2.5 * sigma);
  const side = 2 * Math.ceil(radius) + 3;
  const px = new Float64Array(side);
  const py = new Float64Array(side);
  const dpx = new Float64Array(side);
  const dpy = new Float64Array(side);
  let cx = x;
  let cy = y;
  let converged = options.fitPosition === false;
  if (options.fitPosition !== false) {
    for (let iter = 0; iter < 10; iter++) {
      const win = windowAbout(cx, cy, radius, image.width, image.height);
      if (!win) break;
      const nx = win.x1 - win.x0 + 1;
      const ny = win.y1 - win.y0 + 1;
      pixelProfile(cx, sigma, win.x0, nx, px, dpx);
      pixelProfile(cy, sigma, win.y0, ny, py, dpy);
      const lin = linearFlux(image, variance, cx, cy, sigma, radius, px, py);
      if (!lin || !(lin.flux > 0)) break;
      const f = lin.flux;
      // normal equations of (dF, dx, dy): J = [p, F ∂p/∂x, F ∂p/∂y]
      const a = new Float64Array(9);
      const b = new Float64Array(3);
      pixelProfile(cx, sigma, win.x0, nx, px, dpx);
      pixelProfile(cy, sigma, win.y0, ny, py, dpy);
      forEachWeighted(image, variance, win, (i, j, d, w) => {
        const p = px[i]! * py[j]!;
        const jac = [p, f * dpx[i]! * py[j]!, f * px[i]! * dpy[j]!] as const;
        const r = d - f * p;
        for (let m = 0; m < 3; m++) {
          b[m] = b[m]! + w * jac[m]! * r;
          for (let k = 0; k < 3; k++) a[m * 3 + k] = a[m * 3 + k]! + w * jac[m]! * jac[k]!;
        }
      });
      const step = solve3(a, b);
      if (!step) break;
      const sx = Math.max(-1, Math.min(1, step[1]!));
      const sy = Math.max(-1, Math.min(1, step[2]!));
      cx += sx;
      cy += sy;
      if (Math.abs(cx - x) > 2 * radius || Math.abs(cy - y) > 2 * radius) break;
      if (Math.hypot(sx, sy) < 1e-3) {
        converged = true;
        break;
      }
    }
    if (!converged) {
      cx = x;
      cy = y;
    }
  }
  const lin = linearFlux(image, variance, cx, cy, sigma, radius, px, py);
  if (!lin) return undefined;
  return { x: cx, y: cy, ...lin, converged };
}

/** Solves the symmetric 3×3 system a·s = b by Cramer's rule; undefined when singular. */
function solve3(a: Float64Array, b: Float64Array): Float64Array | undefined {
  const [a00, a01, a02, a10, a11, a12, a20, a21, a22] = a as unknown as number[];
  const det =
    a00! * (a11! * a22! - a12! * a21!) -
    a01! * (a10! * a22! - a12! * a20!) +
    a02! * (a10! * a21! - a11! * a20!);
  if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return undefined;
  const out = new Float64Array(3);
  for (let c = 0; c < 3; c++) {
    const m = Float64Array.from(a);
    for (let r = 0; r < 3; r++) m[r * 3 + c] = b[r]!;
    out[c] =
      (m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
        m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
        m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!)) /
      det;
  }
  return out;
}

/** Forced PSF photometry at fixed positions: flux, error, χ² and pixels used per position. */
export function forcedPsfFluxes(
  image: Image,
  variance: Image,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  sigmaPx: number,
): { flux: Float64Array; fluxErr: Float64Array; ndata: Int32Array } {
  const n = x.length;
  const flux = new Float64Array(n).fill(NaN);
  const fluxErr = new Float64Array(n).fill(NaN);
  const ndata = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const fit = fitPsf(image, variance, x[k]!, y[k]!, { sigmaPx, fitPosition: false });
    if (!fit) continue;
    flux[k] = fit.flux;
    fluxErr[k] = fit.fluxErr;
    ndata[k] = fit.ndata;
  }
  return { flux, fluxErr, ndata };
}

/**
 * Forced photometry with a PSF model: at each position the model's unit-sum kernel there
 * (shifted to the sub-pixel position) is fitted linearly, F = Σ w k d / Σ w k², σ_F =
 * 1/√(Σ w k²), w = 1/variance, over a `(2r+1)²` window.
 */
export function forcedModelFluxes(
  image: Image,
  variance: Image,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  psf: Psf,
  radiusPx: number,
): { flux: Float64Array; fluxErr: Float64Array; chi2: Float64Array; ndata: Int32Array } {
  const n = x.length;
  const flux = new Float64Array(n).fill(NaN);
  const fluxErr = new Float64Array(n).fill(NaN);
  const chi2 = new Float64Array(n).fill(NaN);
  const ndata = new Int32Array(n);
  const side = 2 * radiusPx + 1;
  const kernel = new Float64Array(side * side);
  for (let k = 0; k < n; k++) {
    const px = x[k]!;
    const py = y[k]!;
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const cx = Math.round(px);
    const cy = Math.round(py);
    psf.kernelImage({ radiusPx, x: px, y: py, dx: px - cx, dy: py - cy }, kernel);
    const win = windowAbout(cx, cy, radiusPx, image.width, image.height);
    if (!win) continue;
    // kernel pixel of window pixel (i, j): the kernel's corner is (cx − r, cy − r)
    const ox = win.x0 - (cx - radiusPx);
    const oy = win.y0 - (cy - radiusPx);
    const fit = fitAmplitude(image, variance, win, (i, j) => kernel[(oy + j) * side + ox + i]!, 3);
    if (!fit) continue;
    flux[k] = fit.flux;
    fluxErr[k] = fit.fluxErr;
    chi2[k] = fit.chi2;
    ndata[k] = fit.ndata;
  }
  return { flux, fluxErr, chi2, ndata };
}
