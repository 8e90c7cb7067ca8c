import { PromptlyError, throwIfAborted } from '../core/errors.js';
import { detectorExtent } from './assemble.js';
import { correctCrosstalkInFrame } from './crosstalk.js';
import { assertBoxInside } from './image.js';
import { correctLinearity } from './linearity.js';
import { fitOverscan, type OverscanOptions } from './overscan.js';
import { parseSection, type Section } from './section.js';

/** An amplifier's geometry and corrections, without its pixels (FITS section strings or parsed). */
export interface IsrAmpLayout {
  /** Raw readout columns, pixels (overscans included). */
  readonly width: number;
  /** Raw readout rows, pixels. */
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

/** One amplifier's raw readout and its geometry. */
export interface IsrAmp extends IsrAmpLayout {
  /** Raw pixels, `width × height`, row-major, ADU. */
  readonly pixels: Float32Array | Int32Array;
}

/** Per-amplifier overscan statistics, ADU (before gain). */
export interface AmpIsrStats {
  /** Mean overscan level subtracted, ADU. */
  readonly overscanLevel: number;
  /** Clipped σ of the overscan pixels about its fitted level (read noise), ADU. */
  readonly overscanNoise: number;
}

function toSection(s: string | Section): Section {
  return typeof s === 'string' ? parseSection(s) : s;
}

/** True when the boxes cover `n` pixels with no two overlapping (so they cover the frame). */
function tiles(sections: readonly Section[], n: number): boolean {
  let area = 0;
  for (const [i, { box: a }] of sections.entries()) {
    area += a.width * a.height;
    for (const { box: b } of sections.slice(i + 1)) {
      const apart =
        a.x0 + a.width <= b.x0 ||
        b.x0 + b.width <= a.x0 ||
        a.y0 + a.height <= b.y0 ||
        b.y0 + b.height <= a.y0;
      if (!apart) return false;
    }
  }
  return area === n;
}

/**
 * One snap assembled amp by amp into a detector frame, so a caller can decode an amplifier's
 * raw pixels, `place` it and drop them before decoding the next (the raw's int32 amps are never
 * all held at once). `place` fits and subtracts the overscan and writes the data section
 * straight to its DETSEC (flips honoured); `finish` then removes crosstalk between the amps,
 * corrects each amp's linearity and applies its gain, in the frame. The frame's size is the
 * extent of the DETSEC boxes; pixels no amp covers stay NaN. Errors as `runIsr`.
 */
export class IsrFrame {
  /** Detector columns, pixels. */
  readonly width: number;
  /** Detector rows, pixels. */
  readonly height: number;
  /** The frame, `width × height`, row-major: ADU above the overscan, e⁻ once finished. */
  readonly data: Float32Array;
  readonly #amps: readonly IsrAmpLayout[];
  readonly #detSecs: readonly Section[];
  readonly #stats: (AmpIsrStats | undefined)[];
  readonly #overscan: OverscanOptions | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #crosstalk: ArrayLike<number> | undefined;
  #finished = false;

  /**
   * @param into detector-sized frame to assemble into (pooled by the caller; its values are
   *   overwritten). Default: a new one.
   */
  constructor(
    amps: readonly IsrAmpLayout[],
    into?: Float32Array,
    options: {
      readonly overscan?: OverscanOptions;
      readonly signal?: AbortSignal;
      /** Crosstalk coefficients `[target × n + source]` over the amps (see `correctCrosstalk`). */
      readonly crosstalk?: ArrayLike<number>;
    } = {},
  ) {
    if (amps.length === 0) {
      throw new PromptlyError('PROMPTLY_E_IMAGE_GEOMETRY', 'ISR needs at least one amplifier');
    }
    for (const amp of amps) {
      if (amp.gain !== undefined && (!(amp.gain > 0) || !Number.isFinite(amp.gain))) {
        throw new PromptlyError(
          'PROMPTLY_E_SCIENCE_OPTION_INVALID',
          `gain must be > 0, got ${amp.gain}`,
        );
      }
    }
    this.#amps = amps;
    this.#detSecs = amps.map((a) => toSection(a.detSec));
    const { width, height } = detectorExtent(this.#detSecs);
    if (into !== undefined && into.length !== width * height) {
      throw new PromptlyError(
        'PROMPTLY_E_IMAGE_GEOMETRY',
        `frame holds ${into.length} values, detector is ${width}×${height}`,
      );
    }
    this.width = width;
    this.height = height;
    const data = into ?? new Float32Array(width * height);
    // amps that tile the detector overwrite every pixel: no NaN pass over the frame first
    if (!tiles(this.#detSecs, width * height)) data.fill(NaN);
    this.data = data;
    this.#stats = amps.map(() => undefined);
    this.#overscan = options.overscan;
    this.#signal = options.signal;
    this.#crosstalk = options.crosstalk;
  }

  /** Subtracts amp `k`'s overscan from its data section and writes it to its DETSEC. */
  place(k: number, pixels: Float32Array | Int32Array): AmpIsrStats {
    const amp = this.#amps[k];
    const detSec = this.#detSecs[k];
    if (amp === undefined || detSec === undefined || this.#finished) {
      throw new PromptlyError('PROMPTLY_E_IMAGE_GEOMETRY', `no amp ${k} to place`);
    }
    throwIfAborted(this.#signal);
    const dataSec = toSection(amp.dataSec).box;
    const biasSec = toSection(amp.biasSec).box;
    const { box, flipX, flipY } = detSec;
    const os = fitOverscan(pixels, amp.width, amp.height, dataSec, biasSec, this.#overscan);
    if (box.width !== dataSec.width || box.height !== dataSec.height) {
      throw new PromptlyError(
        'PROMPTLY_E_IMAGE_GEOMETRY',
        `amp ${k}: trimmed size ${dataSec.width}×${dataSec.height} does not match DETSEC ${box.width}×${box.height}`,
      );
    }
    assertBoxInside(box, this.width, this.height, `amp ${k} DETSEC`);
    const data = this.data;
    const width = this.width;
    // with nothing between overscan and gain (no crosstalk, no linearity) the gain goes on as
    // the pixels are placed; the float32 rounding of each step is kept, so values are the same
    const g = this.#gainOnPlace(amp) ? amp.gain! : 1;
    for (let r = 0; r < box.height; r++) {
      const level = os.levels[r]!;
      const src = (dataSec.y0 + r) * amp.width + dataSec.x0;
      const dst = (box.y0 + (flipY ? box.height - 1 - r : r)) * width + box.x0;
      if (flipX) {
        const last = dst + box.width - 1;
        if (g === 1) for (let c = 0; c < box.width; c++) data[last - c] = pixels[src + c]! - level;
        else
          for (let c = 0; c < box.width; c++)
            data[last - c] = Math.fround(pixels[src + c]! - level) * g;
      } else if (g === 1) {
        for (let c = 0; c < box.width; c++) data[dst + c] = pixels[src + c]! - level;
      } else {
        for (let c = 0; c < box.width; c++)
          data[dst + c] = Math.fround(pixels[src + c]! - level) * g;
      }
    }
    const stats = { overscanLevel: os.level, overscanNoise: os.noise };
    this.#stats[k] = stats;
    return stats;
  }

  /** Whether `place` applies the amp's gain itself (nothing comes between them). */
  #gainOnPlace(amp: IsrAmpLayout): boolean {
    return amp.gain !== undefined && amp.gain !== 1 && !this.#crosstalk && !amp.linearity;
  }

  /**
   * Crosstalk (the constructor's coefficients), then each amp's linearity and gain. Every amp
   * must have been placed. Returns the overscan statistics, one entry per amp.
   */
  finish(): AmpIsrStats[] {
    const stats = this.#stats;
    const missing = stats.findIndex((s) => s === undefined);
    if (missing >= 0 || this.#finished) {
      throw new PromptlyError(
        'PROMPTLY_E_IMAGE_GEOMETRY',
        this.#finished ? 'frame already finished' : `amp ${missing} was never placed`,
      );
    }
    this.#finished = true;
    const data = this.data;
    const width = this.width;
    if (this.#crosstalk) correctCrosstalkInFrame(data, width, this.#detSecs, this.#crosstalk);
    this.#amps.forEach((amp, k) => {
      if (this.#gainOnPlace(amp) || (!amp.linearity && amp.gain === undefined)) return;
      const { box } = this.#detSecs[k]!;
      for (let y = box.y0; y < box.y0 + box.height; y++) {
        const row = data.subarray(y * width + box.x0, y * width + box.x0 + box.width);
        if (amp.linearity) correctLinearity(row, amp.linearity);
        if (amp.gain !== undefined) {
          const g = amp.gain;
          for (let i = 0; i < row.length; i++) row[i] = row[i]! * g;
        }
      }
    });
    throwIfAborted(this.#signal);
    return stats.filter((s) => s !== undefined);
  }
}
