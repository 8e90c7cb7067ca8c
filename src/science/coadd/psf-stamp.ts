import { PromptlyError } from '../../core/errors.js';
import { lanczos3Weights } from '../warp/index.js';

/** A PSF image: odd sides, the source centred on the middle pixel. */
export interface PsfStamp {
  readonly width: number;
  readonly height: number;
  readonly pixels: Float32Array;
}

/** Sub-samples per pixel side when the half-maximum area is measured. */
const SUBSAMPLE = 8;

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_SCIENCE_OPTION_INVALID', message);
}

function checkStamp(s: PsfStamp): void {
  const { width, height, pixels } = s;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width % 2 !== 1 ||
    height % 2 !== 1 ||
    pixels.length !== width * height
  ) {
    throw invalid(`a PSF stamp needs odd sides and width·height pixels, got ${width}×${height}`);
  }
}

/**
 * The weighted mean of PSF stamps of one size, normalised to unit sum: the PSF of a coadd
 * whose inputs have these PSFs (on the coadd's grid) and these weights. Non-finite pixels
 * count as 0.
 */
export function meanPsfStamp(stamps: readonly PsfStamp[], weights: readonly number[]): PsfStamp {
  const first = stamps[0];
  if (first === undefined || stamps.length !== weights.length) {
    throw invalid(`need one weight per PSF stamp and at least one stamp`);
  }
  checkStamp(first);
  const out = new Float64Array(first.pixels.length);
  for (let k = 0; k < stamps.length; k++) {
    const s = stamps[k]!;
    const w = weights[k]!;
    checkStamp(s);
    if (s.width !== first.width || s.height !== first.height) {
      throw invalid(
        `PSF stamps differ in size: ${s.width}×${s.height} and ${first.width}×${first.height}`,
      );
    }
    if (!(w > 0) || !Number.isFinite(w)) throw invalid(`a PSF weight must be > 0, got ${w}`);
    let sum = 0;
    for (const v of s.pixels) if (Number.isFinite(v)) sum += v;
    if (!(sum > 0)) throw invalid('a PSF stamp must have a positive sum');
    for (let i = 0; i < out.length; i++) {
      const v = s.pixels[i]!;
      if (Number.isFinite(v)) out[i] = out[i]! + (w * v) / sum;
    }
  }
  let total = 0;
  for (const v of out) total += v;
  return {
    width: first.width,
    height: first.height,
    pixels: Float32Array.from(out, (v) => v / total),
  };
}

/**
 * FWHM of a PSF stamp, pixels: the diameter of the circle whose area is that of the region
 * above half the central pixel's value, 2·√(A/π) (the geometric mean of the axes for an
 * elliptical profile). The region is measured on the stamp interpolated with Lanczos-3 at
 * 8 × 8 points per pixel, so a profile a few pixels wide is measured to ~1 %, whatever its
 * form (Moffat, a mixture of Moffats, Gaussian).
 */
export function halfMaximumFwhm(stamp: PsfStamp): number {
  checkStamp(stamp);
  const { width, height, pixels } = stamp;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const peak = pixels[cy * width + cx]!;
  if (!(peak > 0)) throw invalid('the PSF stamp has no positive central pixel');
  const half = peak / 2;
  const at = (x: number, y: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : pixels[y * width + x]!;
  // the pixels at or above half maximum, widened by a pixel, bound the region
  let x0 = cx;
  let x1 = cx;
  let y0 = cy;
  let y1 = cy;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!(pixels[y * width + x]! >= half)) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  const wx = new Float64Array(6);
  const wy = new Float64Array(6);
  const step = 1 / SUBSAMPLE;
  let above = 0;
  for (let y = y0 - 1; y <= y1 + 1; y++) {
    for (let sj = 0; sj < SUBSAMPLE; sj++) {
      const py = y - 0.5 + (sj + 0.5) * step;
      const iy = Math.floor(py);
      lanczos3Weights(py - iy, wy);
      for (let x = x0 - 1; x <= x1 + 1; x++) {
        for (let si = 0; si < SUBSAMPLE; si++) {
          const px = x - 0.5 + (si + 0.5) * step;
          const ix = Math.floor(px);
          lanczos3Weights(px - ix, wx);
          let v = 0;
          for (let b = 0; b < 6; b++) {
            const wyb = wy[b]!;
            if (wyb === 0) continue;
            for (let a = 0; a < 6; a++) v += wyb * wx[a]! * at(ix - 2 + a, iy - 2 + b);
          }
          if (v >= half) above++;
        }
      }
    }
  }
  const area = above * step * step;
  return 2 * Math.sqrt(area / Math.PI);
}
