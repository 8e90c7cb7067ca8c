import { PromptlyError } from '../core/errors.js';
import type { Box } from './image.js';

/**
 * Removes amp-to-amp crosstalk from overscan-subtracted amplifier data, in place. `amps` are
 * the trimmed data sections in readout order (each amp's own raw orientation, so index i is
 * the same readout pixel in every amp); `coefficients` is `n × n`, row-major
 * `[target × n + source]`: the target amp holds coefficient × the source's signal at the same
 * pixel. Subtracts Σ c × source from every target, sources taken before any correction (a
 * first-order inverse: the error is of order c², below 1e-6 of the source). Returns the
 * number of amp pairs corrected. Throws PROMPTLY_E_IMAGE_GEOMETRY when the matrix is not
 * n × n or the amps differ in size.
 */
export function correctCrosstalk(
  amps: readonly Float32Array[],
  coefficients: ArrayLike<number>,
): number {
  const n = amps.length;
  checkMatrix(coefficients, n);
  const size = amps[0]?.length ?? 0;
  if (amps.some((a) => a.length !== size)) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      'crosstalk correction needs amplifiers of one size',
    );
  }
  const pairs: [number, number, number][] = [];
  for (let t = 0; t < n; t++)
    for (let s = 0; s < n; s++) {
      const c = coefficients[t * n + s]!;
      if (s !== t && c !== 0 && Number.isFinite(c)) pairs.push([t, s, c]);
    }
  if (pairs.length === 0) return 0;
  const sources = amps.map((a) => Float32Array.from(a));
  for (const [t, s, c] of pairs) {
    const target = amps[t]!;
    const source = sources[s]!;
    for (let i = 0; i < size; i++) target[i] = target[i]! - c * source[i]!;
  }
  return pairs.length;
}

/** Where an amplifier's readout pixels sit in an assembled detector frame (its DETSEC). */
export interface FramedAmp {
  /** DETSEC box, 0-based detector pixels. */
  readonly box: Box;
  /** The amp's first readout column lands on the box's last column. */
  readonly flipX: boolean;
  /** The amp's first readout row lands on the box's last row. */
  readonly flipY: boolean;
}

/**
 * {@link correctCrosstalk} on amplifiers already assembled into one detector frame, in place:
 * the same readout pixel of every amp is found through its DETSEC (flips honoured), so
 * sources are taken before any correction without a copy of the amps (`frame` is
 * `frameWidth` wide). Same coefficients, result and errors as {@link correctCrosstalk}.
 */
export function correctCrosstalkInFrame(
  frame: Float32Array,
  frameWidth: number,
  amps: readonly FramedAmp[],
  coefficients: ArrayLike<number>,
): number {
  const n = amps.length;
  checkMatrix(coefficients, n);
  const w = amps[0]?.box.width ?? 0;
  const h = amps[0]?.box.height ?? 0;
  if (amps.some((a) => a.box.width !== w || a.box.height !== h)) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      'crosstalk correction needs amplifiers of one size',
    );
  }
  const pairT: number[] = [];
  const pairS: number[] = [];
  const pairC: number[] = [];
  for (let t = 0; t < n; t++)
    for (let s = 0; s < n; s++) {
      const c = coefficients[t * n + s]!;
      if (s !== t && c !== 0 && Number.isFinite(c)) {
        pairT.push(t);
        pairS.push(s);
        pairC.push(c);
      }
    }
  const np = pairC.length;
  if (np === 0) return 0;
  // row by row: every amp's readout row r is copied (before any correction) into a small
  // buffer that stays in cache, then each pair runs along contiguous memory
  const rowStart = new Float64Array(n);
  const rows = new Float32Array(n * w);
  for (let r = 0; r < h; r++) {
    for (let k = 0; k < n; k++) {
      const { box, flipX, flipY } = amps[k]!;
      const start = (box.y0 + (flipY ? h - 1 - r : r)) * frameWidth + box.x0;
      rowStart[k] = start;
      const row = frame.subarray(start, start + w);
      if (flipX) for (let c = 0; c < w; c++) rows[k * w + c] = row[w - 1 - c]!;
      else rows.set(row, k * w);
    }
    for (let p = 0; p < np; p++) {
      const t = pairT[p]!;
      const coef = pairC[p]!;
      const src = pairS[p]! * w;
      const start = rowStart[t]!;
      if (amps[t]!.flipX) {
        const last = start + w - 1;
        for (let c = 0; c < w; c++) frame[last - c] = frame[last - c]! - coef * rows[src + c]!;
      } else {
        for (let c = 0; c < w; c++) frame[start + c] = frame[start + c]! - coef * rows[src + c]!;
      }
    }
  }
  return np;
}

/** Refuses (PROMPTLY_E_IMAGE_GEOMETRY) a crosstalk matrix that is not `n × n`. */
function checkMatrix(coefficients: ArrayLike<number>, n: number): void {
  if (coefficients.length !== n * n) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `crosstalk matrix has ${coefficients.length} coefficients, expected ${n}×${n}`,
    );
  }
}
