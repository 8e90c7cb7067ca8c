import { PromptlyError } from '../../core/errors.js';
import { createImage, type Image } from '../image.js';
import { MASK_NO_DATA } from '../warp/index.js';

/** One warped input of a coadd: image, variance and mask on the coadd's grid. */
export interface StackInput {
  /** Pixel values on the coadd grid (any unit, the same for every input). NaN = no data. */
  readonly image: Image;
  /** Variance per pixel, image units squared. NaN = no data. */
  readonly variance: Image;
  /** Mask bits (same size); {@link MASK_NO_DATA} pixels are left out of the mean. */
  readonly mask: Uint32Array;
}

/** What a {@link CoaddStack} gives back. */
export interface StackResult {
  /** Weighted mean, the inputs' unit. NaN where no input has data. */
  readonly image: Image;
  /** Variance of the weighted mean, Σ w²·V / (Σ w)² over the inputs with data. */
  readonly variance: Image;
  /** OR of the inputs' masks over the inputs with data; NO_DATA (only) where none has. */
  readonly mask: Uint32Array;
  /** Inputs with data per pixel (saturating at 255). */
  readonly depth: Uint8Array;
}

/**
 * An inverse-variance weighted mean of warped images, built one input at a time so only the
 * running sums are held (a full-size patch is 26 Mpx; six warps at once would be gigabytes).
 *
 * Each input carries one weight, the inverse of its typical (sky) variance, as Rubin's
 * assembleCoadd weights warps: a per-pixel 1/V weight would give the bright cores of
 * sharper inputs less weight than their wings and make the coadd PSF differ from star to
 * star. With one weight per input the coadd is a linear combination of the inputs, so its
 * PSF is the same weighted mean of theirs. A pixel takes the inputs whose mask lacks NO_DATA
 * and whose image and variance are finite; the others' weights are left out of that pixel's
 * sums, so the mean stays unbiased where coverage changes.
 */
export class CoaddStack {
  readonly width: number;
  readonly height: number;
  readonly #sumWI: Float32Array;
  readonly #sumW: Float32Array;
  readonly #sumW2V: Float32Array;
  readonly #mask: Uint32Array;
  readonly #depth: Uint8Array;
  #inputs = 0;
  #done = false;

  constructor(width: number, height: number) {
    const image = createImage(width, height);
    this.width = width;
    this.height = height;
    this.#sumWI = image.data;
    const n = width * height;
    this.#sumW = new Float32Array(n);
    this.#sumW2V = new Float32Array(n);
    this.#mask = new Uint32Array(n);
    this.#depth = new Uint8Array(n);
  }

  /** Inputs added so far. */
  get inputs(): number {
    return this.#inputs;
  }

  /**
   * Adds one warped input with weight `weight` (> 0, finite; usually 1 / its sky variance).
   * The input's planes may be reused by the caller once this returns.
   */
  add(input: StackInput, weight: number): void {
    if (this.#done) throw option('the coadd is already finished');
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw option(`a coadd input's weight must be a finite number > 0, got ${weight}`);
    }
    const n = this.width * this.height;
    for (const [what, len] of [
      ['image', input.image.data.length],
      ['variance', input.variance.data.length],
      ['mask', input.mask.length],
    ] as const) {
      if (len !== n) {
        throw new PromptlyError(
          'PROMPTLY_E_IMAGE_GEOMETRY',
          `coadd input ${what} has ${len} values, expected ${this.width}×${this.height}`,
        );
      }
    }
    const img = input.image.data;
    const vr = input.variance.data;
    const m = input.mask;
    const w2 = weight * weight;
    const sumWI = this.#sumWI;
    const sumW = this.#sumW;
    const sumW2V = this.#sumW2V;
    const mask = this.#mask;
    const depth = this.#depth;
    for (let i = 0; i < n; i++) {
      const bits = m[i]!;
      const v = img[i]!;
      const s2 = vr[i]!;
      // NaN fails both comparisons: no data
      if ((bits & MASK_NO_DATA) !== 0 || !(v === v && s2 === s2)) continue;
      sumWI[i] = sumWI[i]! + weight * v;
      sumW[i] = sumW[i]! + weight;
      sumW2V[i] = sumW2V[i]! + w2 * s2;
      mask[i] = mask[i]! | bits;
      if (depth[i]! < 255) depth[i] = depth[i]! + 1;
    }
    this.#inputs++;
  }

  /** The coadd; the stack cannot take more inputs after this. */
  finish(): StackResult {
    if (this.#done) throw option('the coadd is already finished');
    this.#done = true;
    const n = this.width * this.height;
    const image = this.#sumWI;
    const variance = this.#sumW2V;
    const mask = this.#mask;
    const sumW = this.#sumW;
    for (let i = 0; i < n; i++) {
      const w = sumW[i]!;
      if (w > 0) {
        image[i] = image[i]! / w;
        variance[i] = variance[i]! / (w * w);
      } else {
        image[i] = NaN;
        variance[i] = NaN;
        mask[i] = MASK_NO_DATA;
      }
    }
    return {
      image: { width: this.width, height: this.height, data: image },
      variance: { width: this.width, height: this.height, data: variance },
      mask,
      depth: this.#depth,
    };
  }
}

function option(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_SCIENCE_OPTION_INVALID', message);
}
