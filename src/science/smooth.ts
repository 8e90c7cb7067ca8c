import { PromptlyError } from '../core/errors.js';

/** FWHM / σ for a Gaussian: 2·sqrt(2·ln 2). */
export const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

/**
 * A normalised (sum 1) 1-D Gaussian of the given FWHM in pixels, sampled at integer offsets
 * −h..h with half-width h = ceil(3σ) (at least 1). The 2-D kernel is its outer product.
 */
export function gaussianKernel1d(fwhmPx: number): Float32Array {
  if (!(fwhmPx > 0) || !Number.isFinite(fwhmPx)) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      `FWHM must be > 0 px, got ${fwhmPx}`,
    );
  }
  const sigma = fwhmPx / FWHM_PER_SIGMA;
  const half = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * half + 1);
  let sum = 0;
  for (let i = -half; i <= half; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigma * sigma));
    k[i + half] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/**
 * Noise of a separable-filtered image relative to its input for white noise: sqrt(Σ w²) over
 * the 2-D kernel `k ⊗ k`, i.e. `Σ k²` for a normalised 1-D kernel `k`.
 */
export function separableNoiseFactor(kernel: Float32Array): number {
  let s = 0;
  for (const v of kernel) s += v * v;
  return s;
}

/**
 * Separable convolution of a `width × height` image with `kernel ⊗ kernel` (odd length). Pixels
 * beyond the edges and NaN pixels count as 0, which suits background-subtracted images.
 * Returns a new array; `scratch` (same size) may be passed to avoid one allocation.
 */
export function convolveSeparable(
  data: Float32Array,
  width: number,
  height: number,
  kernel: Float32Array,
  scratch?: Float32Array,
): Float32Array {
  const half = (kernel.length - 1) >> 1;
  const tmp = scratch ?? new Float32Array(width * height);
  const out = new Float32Array(width * height);
  const k0 = kernel[half]!;
  // the kernel is symmetric: fold pairs to halve the multiplies
  const line = new Float32Array(width + 2 * half);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const v = data[row + x]!;
      line[x + half] = v === v ? v : 0;
    }
    for (let x = 0; x < width; x++) {
      const c = x + half;
      let s = k0 * line[c]!;
      for (let k = 1; k <= half; k++) s += kernel[half + k]! * (line[c - k]! + line[c + k]!);
      tmp[row + x] = s;
    }
  }
  // vertical pass, whole rows at a time so memory is walked in order
  for (let y = 0; y < height; y++) {
    const dst = y * width;
    for (let x = 0; x < width; x++) out[dst + x] = k0 * tmp[dst + x]!;
    for (let k = 1; k <= half; k++) {
      const w = kernel[half + k]!;
      const up = y - k >= 0 ? (y - k) * width : -1;
      const down = y + k < height ? (y + k) * width : -1;
      if (up >= 0 && down >= 0) {
        for (let x = 0; x < width; x++)
          out[dst + x] = out[dst + x]! + w * (tmp[up + x]! + tmp[down + x]!);
      } else if (up >= 0 || down >= 0) {
        const src = up >= 0 ? up : down;
        for (let x = 0; x < width; x++) out[dst + x] = out[dst + x]! + w * tmp[src + x]!;
      }
    }
  }
  return out;
}
