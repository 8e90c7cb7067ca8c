import { halfMaximumFwhm } from '../coadd/index.js';
import { solveSpd } from '../subtract/cholesky.js';
import { lanczos3Weights } from '../warp/index.js';
import type { Image } from '../image.js';
import { pixelPsf } from '../exposure/pixel-psf.js';
import {
  invalidPsf,
  kernelBuffer,
  type KernelRequest,
  type Psf,
  type PsfFits,
  type PsfImage,
} from '../exposure/psf.js';

/**
 * A PSF measured on an exposure's stars, varying across the detector: a pixelized kernel whose
 * every pixel is a polynomial in the detector position (order 0: the same everywhere; order 1:
 * plus linear terms in x and y), as PSFEx models it with its lowest orders. Kernels for a
 * source are shifted to its sub-pixel position with the same Lanczos-3 interpolation as
 * {@link pixelPsf}.
 */
export interface PsfModelFit {
  readonly psf: Psf;
  /** Stars the model was fitted to (after clipping) and the polynomial order used. */
  readonly stars: number;
  readonly order: 0 | 1;
  /**
   * Median over the stars of the rms of (star − model) inside the kernel, as a fraction of the
   * model's peak: the model's documented residual.
   */
  readonly residualRms: number;
  readonly fwhmPx: number;
}

export interface PsfModelOptions {
  /** Half-size of the kernel, pixels, integer 3…30; default 10. */
  readonly radiusPx?: number;
  /** Highest polynomial order (0 or 1); order 1 needs at least {@link MIN_STARS_ORDER1} stars. */
  readonly maxOrder?: 0 | 1;
}

/** Stars needed for each order. */
export const MIN_STARS_ORDER0 = 3;
export const MIN_STARS_ORDER1 = 8;

/**
 * Cuts a star's stamp, recentred on (x, y) by Lanczos-3 interpolation and normalised to unit
 * sum; undefined near the edge or where a pixel is not finite.
 */
function starStamp(
  image: Image,
  background: Image | undefined,
  x: number,
  y: number,
  r: number,
): Float64Array | undefined {
  const side = 2 * r + 1;
  const { width, height, data } = image;
  if (x - r - 3 < 0 || y - r - 3 < 0 || x + r + 3 >= width || y + r + 3 >= height) return undefined;
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const wx = new Float64Array(6);
  const wy = new Float64Array(6);
  lanczos3Weights(x - ix, wx);
  lanczos3Weights(y - iy, wy);
  const out = new Float64Array(side * side);
  let sum = 0;
  for (let j = -r; j <= r; j++)
    for (let i = -r; i <= r; i++) {
      let acc = 0;
      for (let b = 0; b < 6; b++) {
        const py = iy + j - 2 + b;
        for (let a = 0; a < 6; a++) {
          const px = ix + i - 2 + a;
          const k = py * width + px;
          const v = data[k]! - (background ? background.data[k]! : 0);
          acc += wx[a]! * wy[b]! * v;
        }
      }
      if (!Number.isFinite(acc)) return undefined;
      out[(j + r) * side + (i + r)] = acc;
      sum += acc;
    }
  if (!(sum > 0)) return undefined;
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / sum;
  return out;
}

/** Least-squares polynomial coefficient images of the stamps over positions (u, v). */
function fitCoefficients(
  stamps: readonly Float64Array[],
  u: readonly number[],
  v: readonly number[],
  order: 0 | 1,
): Float64Array[] {
  const terms = order === 0 ? 1 : 3;
  const basis = (k: number) => (order === 0 ? [1] : [1, u[k]!, v[k]!]);
  const ata = new Float64Array(terms * terms);
  for (let k = 0; k < stamps.length; k++) {
    const f = basis(k);
    for (let a = 0; a < terms; a++)
      for (let b = 0; b < terms; b++) ata[a * terms + b]! += f[a]! * f[b]!;
  }
  const n = stamps[0]!.length;
  const coeff = Array.from({ length: terms }, () => new Float64Array(n));
  for (let k = 0; k < stamps.length; k++) {
    // the coefficients' contribution of star k: (AᵀA)⁻¹ · f · stamp
    const g = solveSpd(ata, Float64Array.from(basis(k)), terms);
    if (!g) throw invalidPsf('PSF model: star positions are degenerate');
    const stamp = stamps[k]!;
    for (let a = 0; a < terms; a++) {
      const c = coeff[a]!;
      const ga = g[a]!;
      for (let p = 0; p < n; p++) c[p]! += ga * stamp[p]!;
    }
  }
  return coeff;
}

/**
 * Fits a {@link PsfModelFit} to stars at (x, y) of a background-subtracted image (or `image −
 * background`): each star's stamp recentred and normalised, the coefficient images fitted
 * by least squares, stars whose residual rms is over 3× the median clipped once, and the fit
 * repeated. The caller picks bright, isolated, unsaturated stars. Throws
 * PROMPTLY_E_EXPOSURE_INVALID with fewer than {@link MIN_STARS_ORDER0} usable stars.
 */
export function fitPsfModel(
  image: Image,
  background: Image | undefined,
  stars: { readonly x: ArrayLike<number>; readonly y: ArrayLike<number> },
  options: PsfModelOptions = {},
): PsfModelFit {
  const r = options.radiusPx ?? 10;
  if (!Number.isInteger(r) || r < 3 || r > 30)
    throw invalidPsf(`PSF model radius must be an integer in [3, 30], got ${r}`);
  const xc = (image.width - 1) / 2;
  const yc = (image.height - 1) / 2;
  const xs = Math.max(1, image.width / 2);
  const ys = Math.max(1, image.height / 2);
  let stamps: Float64Array[] = [];
  let u: number[] = [];
  let v: number[] = [];
  for (let k = 0; k < stars.x.length; k++) {
    const s = starStamp(image, background, stars.x[k]!, stars.y[k]!, r);
    if (!s) continue;
    stamps.push(s);
    u.push((stars.x[k]! - xc) / xs);
    v.push((stars.y[k]! - yc) / ys);
  }
  const side = 2 * r + 1;
  let order: 0 | 1 = 0;
  let coeff: Float64Array[] = [];
  let residuals: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    if (stamps.length < MIN_STARS_ORDER0)
      throw invalidPsf(`PSF model needs ${MIN_STARS_ORDER0} stars, had ${stamps.length}`);
    order = (options.maxOrder ?? 1) === 1 && stamps.length >= MIN_STARS_ORDER1 ? 1 : 0;
    coeff = fitCoefficients(stamps, u, v, order);
    residuals = stamps.map((s, k) => {
      const model = evaluate(coeff, order, u[k]!, v[k]!);
      let peak = 0;
      let ss = 0;
      for (let p = 0; p < s.length; p++) {
        peak = Math.max(peak, model[p]!);
        ss += (s[p]! - model[p]!) ** 2;
      }
      return Math.sqrt(ss / s.length) / peak;
    });
    if (pass === 1) break;
    const med = median(residuals);
    const keep = residuals.map((e) => e <= 3 * med);
    if (keep.every(Boolean)) break;
    stamps = stamps.filter((_, k) => keep[k]);
    u = u.filter((_, k) => keep[k]);
    v = v.filter((_, k) => keep[k]);
  }
  const fwhm = halfMaximumFwhm({ width: side, height: side, pixels: Float32Array.from(coeff[0]!) });
  const centre = pixelPsf(
    { width: side, height: side, pixels: Float32Array.from(coeff[0]!) },
    fwhm,
  );
  const at = (x: number, y: number): Psf => {
    const k = evaluate(coeff, order, (x - xc) / xs, (y - yc) / ys);
    return pixelPsf({ width: side, height: side, pixels: Float32Array.from(k) }, fwhm);
  };
  const psf: Psf = {
    kind: 'PIXELPOLY',
    fwhmPx: centre.fwhmPx,
    kernelImage(request: KernelRequest, out?: Float64Array): Float64Array {
      const k = at(request.x ?? xc, request.y ?? yc);
      return k.kernelImage(
        { radiusPx: request.radiusPx, dx: request.dx ?? 0, dy: request.dy ?? 0 },
        kernelBuffer(request.radiusPx, out),
      );
    },
    toFits(): PsfFits {
      const images: PsfImage[] = coeff.map((c) => ({
        width: side,
        height: side,
        pixels: Float32Array.from(c),
      }));
      return {
        cards: [
          ['PSFMODEL', 'PIXELPOLY', 'PSF model family'],
          ['PSFFWHM', centre.fwhmPx, '[pixel] PSF FWHM at the detector centre'],
          ['PSFORDER', order, 'polynomial order of the kernel across the detector'],
          ['PSFXC', xc, '[pixel] x of the polynomial origin'],
          ['PSFYC', yc, '[pixel] y of the polynomial origin'],
          ['PSFXS', xs, '[pixel] x scale of the polynomial'],
          ['PSFYS', ys, '[pixel] y scale of the polynomial'],
          ['PSFNSTAR', stamps.length, 'stars the model was fitted to'],
        ],
        images,
      };
    },
  };
  return {
    psf,
    stars: stamps.length,
    order,
    residualRms: median(residuals),
    fwhmPx: centre.fwhmPx,
  };
}

function evaluate(
  coeff: readonly Float64Array[],
  order: 0 | 1,
  u: number,
  v: number,
): Float64Array {
  const out = Float64Array.from(coeff[0]!);
  if (order === 1) {
    const cu = coeff[1]!;
    const cv = coeff[2]!;
    for (let p = 0; p < out.length; p++) out[p] = out[p]! + u * cu[p]! + v * cv[p]!;
  }
  return out;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
