import { PromptlyError } from '../core/errors.js';
import type { Image } from './image.js';
import { IsrFrame, type AmpIsrStats, type IsrAmp } from './isr-frame.js';
import type { OverscanOptions } from './overscan.js';

export type { AmpIsrStats, IsrAmp, IsrAmpLayout } from './isr-frame.js';

/** Options for {@link runIsr}. */
export interface IsrOptions {
  /** Overscan model, applied to every amp. Default: per-row median. */
  readonly overscan?: OverscanOptions;
  /** Checked between amplifiers. */
  readonly signal?: AbortSignal;
}

/** Input of {@link runIsr}. */
export interface IsrInput {
  readonly amps: readonly IsrAmp[];
  /** Master bias, detector-sized, in the units the amps end up in (e⁻ if gains are given). */
  readonly bias?: Image;
  /** Master flat, detector-sized, normalised (≈1). Non-finite or ≤ 0 entries mask the pixel. */
  readonly flat?: Image;
  /**
   * Crosstalk coefficients between the amps, `[target × n + source]` (n = amps, in input
   * order), removed after overscan subtraction (`correctCrosstalk`); amps must share a size.
   */
  readonly crosstalk?: ArrayLike<number>;
  /**
   * Detector-sized frame to assemble into (pooled by the caller); its old values are
   * overwritten. Default: a new one.
   */
  readonly into?: Float32Array;
  readonly options?: IsrOptions;
}

/** Result of {@link runIsr}. */
export interface IsrResult {
  /** Assembled, bias-subtracted, flat-fielded detector image. Masked pixels are NaN. */
  readonly image: Image;
  /** One entry per input amp, same order. */
  readonly amps: readonly AmpIsrStats[];
  /** Pixels set to NaN because the flat was zero, negative or not finite there. */
  readonly maskedByFlat: number;
}

/**
 * Instrument-signature removal for one detector: per amp, overscan subtraction and trim; then
 * crosstalk between the amps (when given), each amp's linearity correction (when given) and
 * gain (ADU → e⁻ when `gain` is given); assembly by DETSEC (flips honoured); bias subtraction;
 * flat division. The detector size is the extent of the DETSEC boxes; bias and flat must match
 * it. Throws PROMPTLY_E_SECTION_INVALID / PROMPTLY_E_IMAGE_GEOMETRY / PROMPTLY_E_ABORTED.
 */
export function runIsr(input: IsrInput): IsrResult {
  const options = input.options ?? {};
  if (input.amps.length === 0) {
    throw new PromptlyError('PROMPTLY_E_IMAGE_GEOMETRY', 'ISR needs at least one amplifier');
  }
  const frame = new IsrFrame(input.amps, input.into, {
    ...options,
    ...(input.crosstalk ? { crosstalk: input.crosstalk } : {}),
  });
  input.amps.forEach((amp, k) => frame.place(k, amp.pixels));
  const stats = frame.finish();
  const { width, height, data } = frame;
  const image: Image = { width, height, data };
  if (input.bias) {
    checkSameSize(input.bias, width, height, 'bias');
    const b = input.bias.data;
    for (let i = 0; i < data.length; i++) data[i] = data[i]! - b[i]!;
  }
  let masked = 0;
  if (input.flat) {
    checkSameSize(input.flat, width, height, 'flat');
    const f = input.flat.data;
    for (let i = 0; i < data.length; i++) {
      const v = f[i]!;
      // v > 0 is false for NaN too
      if (v > 0 && v !== Infinity) {
        data[i] = data[i]! / v;
      } else {
        data[i] = NaN;
        masked++;
      }
    }
  }
  return { image, amps: stats, maskedByFlat: masked };
}

function checkSameSize(img: Image, width: number, height: number, what: string): void {
  if (img.width !== width || img.height !== height || img.data.length !== width * height) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `${what} is ${img.width}×${img.height}, detector is ${width}×${height}`,
    );
  }
}
