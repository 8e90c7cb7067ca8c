import { PromptlyError, throwIfAborted } from '../core/errors.js';
import { detectorExtent } from './assemble.js';
import { correctCrosstalkInFrame } from './crosstalk.js';
import { correctLinearity } from './linearity.js';
import { assertBoxInside, type Image } from './image.js';
import { fitOverscan, type OverscanOptions } from './overscan.js';
import { parseSection, type Section } from './section.js';

/** One amplifier's raw readout and its geometry (FITS section strings or parsed sections). */
export interface IsrAmp {
  /** Raw pixels, `width × height`, row-major, ADU. */
  readonly pixels: Float32Array | Int32Array;
  readonly width: number;
  readonly height: number;
  /** DATASEC in the amp frame, e.g. `[4:512,1:2000]` (a reversed range reads as the same box). */
  readonly dataSec: string | Section;
  /** Serial overscan (BIASSEC) in the amp frame, e.g. `[513:576,1:2000]`. */
  readonly biasSec: string | Section;
  /** DETSEC on the detector, e.g. `[509:1,1:2000]` (reversed = flipped). */
  readonly detSec: string | Section;
  /** Gain, e⁻/ADU. When given, the amp is converted to electrons after overscan subtraction. */
  readonly gain?: number;
  /**
   * Linearity correction, polynomial coefficients [c₀, c₁, …] in ADU above the overscan
   * (`corrected = Σ cᵢ xⁱ`), applied after crosstalk and before the gain.
   */
  readonly linearity?: readonly number[];
}

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

/** Per-amplifier overscan statistics, ADU (before gain). */
export interface AmpIsrStats {
  /** Mean overscan level subtracted, ADU. */
  readonly overscanLevel: number;
  /** Clipped σ of the overscan about its fitted level (read noise), ADU. */
  readonly overscanNoise: number;
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
  const detSecs = input.amps.map((a) => toSection(a.detSec));
  const { width, height } = detectorExtent(detSecs);
  const n = width * height;
  if (input.into !== undefined && input.into.length !== n) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `frame holds ${input.into.length} values, detector is ${width}×${height}`,
    );
  }
  // overscan-subtracted ADU go straight to their DETSEC: no trimmed copy per amp; pixels no
  // amp covers stay NaN
  const data = (input.into ?? new Float32Array(n)).fill(NaN);
  const stats: AmpIsrStats[] = [];
  input.amps.forEach((amp, k) => {
    throwIfAborted(options.signal);
    const dataSec = toSection(amp.dataSec).box;
    const biasSec = toSection(amp.biasSec).box;
    const { box, flipX, flipY } = detSecs[k]!;
    if (amp.gain !== undefined && (!(amp.gain > 0) || !Number.isFinite(amp.gain))) {
      throw new PromptlyError(
        'PROMPTLY_E_SCIENCE_OPTION_INVALID',
        `gain must be > 0, got ${amp.gain}`,
      );
    }
    const os = fitOverscan(amp.pixels, amp.width, amp.height, dataSec, biasSec, options.overscan);
    if (box.width !== dataSec.width || box.height !== dataSec.height) {
      throw new PromptlyError(
        'PROMPTLY_E_IMAGE_GEOMETRY',
        `amp ${k}: trimmed size ${dataSec.width}×${dataSec.height} does not match DETSEC ${box.width}×${box.height}`,
      );
    }
    assertBoxInside(box, width, height, `amp ${k} DETSEC`);
    const px = amp.pixels;
    for (let r = 0; r < box.height; r++) {
      const level = os.levels[r]!;
      const src = (dataSec.y0 + r) * amp.width + dataSec.x0;
      const dst = (box.y0 + (flipY ? box.height - 1 - r : r)) * width + box.x0;
      if (flipX) {
        const last = dst + box.width - 1;
        for (let c = 0; c < box.width; c++) data[last - c] = px[src + c]! - level;
      } else {
        for (let c = 0; c < box.width; c++) data[dst + c] = px[src + c]! - level;
      }
    }
    stats.push({ overscanLevel: os.level, overscanNoise: os.noise });
  });
  // crosstalk on every amp's ADU, then linearity and gain amp by amp
  if (input.crosstalk) {
    correctCrosstalkInFrame(
      data,
      width,
      detSecs.map((d) => ({ box: d.box, flipX: d.flipX, flipY: d.flipY })),
      input.crosstalk,
    );
  }
  input.amps.forEach((amp, k) => {
    if (!amp.linearity && amp.gain === undefined) return;
    const { box } = detSecs[k]!;
    for (let y = box.y0; y < box.y0 + box.height; y++) {
      const row = data.subarray(y * width + box.x0, y * width + box.x0 + box.width);
      if (amp.linearity) correctLinearity(row, amp.linearity);
      if (amp.gain !== undefined) {
        const g = amp.gain;
        for (let i = 0; i < row.length; i++) row[i] = row[i]! * g;
      }
    }
  });
  throwIfAborted(options.signal);
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

function toSection(s: string | Section): Section {
  return typeof s === 'string' ? parseSection(s) : s;
}

function checkSameSize(img: Image, width: number, height: number, what: string): void {
  if (img.width !== width || img.height !== height || img.data.length !== width * height) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `${what} is ${img.width}×${img.height}, detector is ${width}×${height}`,
    );
  }
}
