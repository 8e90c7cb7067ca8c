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
 * Writes into `out` when given (`width × height`, may not alias `data`), else a new array, and
 * returns it. `scratch` (at least `kernel.length × width` values) holds the ring of
 * horizontally filtered rows; without it a ring of that size is allocated.
 */
export function convolveSeparable(
  data: Float32Array,
  width: number,
  height: number,
  kernel: Float32Array,
  scratch?: Float32Array,
  out: Float32Array = new Float32Array(width * height),
): Float32Array {
  const conv = new SeparableRows(kernel, width, height, scratch);
  for (let y = 0; y < height; y++) {
    conv.fill(y, data, out, y * width);
  }
  return out;
}

/**
 * Streaming separable convolution: input rows are filtered horizontally into a ring of
 * `kernel.length` rows, and each output row is the vertical pass over that ring, so no
 * full-frame intermediate is needed and the rows stay in cache. Intermediate values are
 * float32 at the same points as a two-pass convolution through a float32 image, so results
 * are bit-identical to it.
 */
export class SeparableRows {
  readonly #kernel: Float32Array;
  readonly #half: number;
  readonly #width: number;
  readonly #height: number;
  readonly #ring: Float32Array;
  readonly #line: Float32Array;
  /** Ring offsets of the rows k above and below the row being emitted, k = 1..half. */
  readonly #up: Int32Array;
  readonly #down: Int32Array;
  /** Input rows filtered so far (the next row to push). */
  #pushed = 0;

  /** `ring` needs at least `kernel.length × width` values; allocated when omitted. */
  constructor(kernel: Float32Array, width: number, height: number, ring?: Float32Array) {
    this.#kernel = kernel;
    this.#half = (kernel.length - 1) >> 1;
    this.#width = width;
    this.#height = height;
    const need = kernel.length * width;
    this.#ring = ring !== undefined && ring.length >= need ? ring : new Float32Array(need);
    this.#line = new Float32Array(width + 2 * this.#half);
    this.#up = new Int32Array(this.#half + 1);
    this.#down = new Int32Array(this.#half + 1);
  }

  /** Rows of input needed before output row `y` can be made: `min(height, y + half + 1)`. */
  needs(y: number): number {
    return Math.min(this.#height, y + this.#half + 1);
  }

  /** Number of input rows pushed so far; the next {@link push} is input row `pushed`. */
  get pushed(): number {
    return this.#pushed;
  }

  /** Filters the next input row, `src[offset .. offset + width)`, horizontally (NaN → 0). */
  push(src: Float32Array, offset: number): void {
    const width = this.#width;
    const half = this.#half;
    const kernel = this.#kernel;
    const line = this.#line;
    const k0 = kernel[half]!;
    for (let x = 0; x < width; x++) {
      const v = src[offset + x]!;
      line[x + half] = v === v ? v : 0;
    }
    const dst = (this.#pushed % kernel.length) * width;
    const ring = this.#ring;
    // the kernel is symmetric: fold pairs to halve the multiplies. Four pixels at a time so the
    // weight loads and loop overhead are shared; each pixel still sums in the order k = 0, 1, …
    let x = 0;
    for (; x + 3 < width; x += 4) {
      const c = x + half;
      let s0 = k0 * line[c]!;
      let s1 = k0 * line[c + 1]!;
      let s2 = k0 * line[c + 2]!;
      let s3 = k0 * line[c + 3]!;
      for (let k = 1; k <= half; k++) {
        const w = kernel[half + k]!;
        s0 += w * (line[c - k]! + line[c + k]!);
        s1 += w * (line[c + 1 - k]! + line[c + 1 + k]!);
        s2 += w * (line[c + 2 - k]! + line[c + 2 + k]!);
        s3 += w * (line[c + 3 - k]! + line[c + 3 + k]!);
      }
      ring[dst + x] = s0;
      ring[dst + x + 1] = s1;
      ring[dst + x + 2] = s2;
      ring[dst + x + 3] = s3;
    }
    for (; x < width; x++) {
      const c = x + half;
      let s = k0 * line[c]!;
      for (let k = 1; k <= half; k++) s += kernel[half + k]! * (line[c - k]! + line[c + k]!);
      ring[dst + x] = s;
    }
    this.#pushed++;
  }

  /**
   * Output row `y` into `out[offset .. offset + width)`. Exactly the input rows up to
   * {@link needs}(y) must have been pushed: one more would overwrite row `y − half` in the
   * ring. Call in ascending `y`, right after pushing what `needs(y)` asks for.
   */
  emit(y: number, out: Float32Array, offset: number): void {
    const half = this.#half;
    if (y < half || y + half >= this.#height) {
      this.#emitEdge(y, out, offset);
      return;
    }
    const width = this.#width;
    const kernel = this.#kernel;
    const ring = this.#ring;
    const size = kernel.length;
    const k0 = kernel[half]!;
    const mid = (y % size) * width;
    const up = this.#up;
    const down = this.#down;
    for (let k = 1; k <= half; k++) {
      up[k] = ((y - k) % size) * width;
      down[k] = ((y + k) % size) * width;
    }
    // rounded to float32 after every term, as when accumulating in a float32 image, so the
    // result is bit-identical to the two-pass form; four pixels at a time share the loop
    const fr = Math.fround;
    let x = 0;
    for (; x + 3 < width; x += 4) {
      const c = mid + x;
      let v0 = fr(k0 * ring[c]!);
      let v1 = fr(k0 * ring[c + 1]!);
      let v2 = fr(k0 * ring[c + 2]!);
      let v3 = fr(k0 * ring[c + 3]!);
      for (let k = 1; k <= half; k++) {
        const w = kernel[half + k]!;
        const u = up[k]! + x;
        const d = down[k]! + x;
        v0 = fr(v0 + w * (ring[u]! + ring[d]!));
        v1 = fr(v1 + w * (ring[u + 1]! + ring[d + 1]!));
        v2 = fr(v2 + w * (ring[u + 2]! + ring[d + 2]!));
        v3 = fr(v3 + w * (ring[u + 3]! + ring[d + 3]!));
      }
      out[offset + x] = v0;
      out[offset + x + 1] = v1;
      out[offset + x + 2] = v2;
      out[offset + x + 3] = v3;
    }
    for (; x < width; x++) {
      let v = fr(k0 * ring[mid + x]!);
      for (let k = 1; k <= half; k++) {
        v = fr(v + kernel[half + k]! * (ring[up[k]! + x]! + ring[down[k]! + x]!));
      }
      out[offset + x] = v;
    }
  }

  /** {@link emit} for the first and last `half` rows, where rows beyond the edge count as 0. */
  #emitEdge(y: number, out: Float32Array, offset: number): void {
    const width = this.#width;
    const half = this.#half;
    const kernel = this.#kernel;
    const ring = this.#ring;
    const size = kernel.length;
    const k0 = kernel[half]!;
    const mid = (y % size) * width;
    for (let x = 0; x < width; x++) out[offset + x] = k0 * ring[mid + x]!;
    for (let k = 1; k <= half; k++) {
      const w = kernel[half + k]!;
      const up = y - k >= 0 ? ((y - k) % size) * width : -1;
      const down = y + k < this.#height ? ((y + k) % size) * width : -1;
      if (up >= 0 && down >= 0) {
        for (let x = 0; x < width; x++)
          out[offset + x] = out[offset + x]! + w * (ring[up + x]! + ring[down + x]!);
      } else if (up >= 0 || down >= 0) {
        const src = up >= 0 ? up : down;
        for (let x = 0; x < width; x++) out[offset + x] = out[offset + x]! + w * ring[src + x]!;
      }
    }
  }

  /** Pushes the rows of `src` (a full `width × height` image) output row `y` needs, then emits it. */
  fill(y: number, src: Float32Array, out: Float32Array, offset: number): void {
    const need = this.needs(y);
    while (this.#pushed < need) this.push(src, this.#pushed * this.#width);
    this.emit(y, out, offset);
  }
}
