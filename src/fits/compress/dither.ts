/**
 * cfitsio's subtractive-dither random sequence (`fits_init_randoms`): 10 000 float32 values
 * of the Park–Miller generator (a = 16807, m = 2^31 − 1, seed 1), and the rule that picks
 * where each tile starts in it. Both sides of a quantized image must walk the sequence
 * identically, so this is bit-for-bit cfitsio's.
 */
import { PromptlyError } from '../../core/errors.js';

/** Length of the random sequence (N_RANDOM). */
export const N_RANDOM = 10000;

let table: Float32Array | undefined;

/** The shared 10 000-value dither sequence, in [0, 1), built once. */
export function ditherRandoms(): Float32Array {
  if (table !== undefined) return table;
  const out = new Float32Array(N_RANDOM);
  const a = 16807;
  const m = 2147483647;
  let seed = 1;
  for (let i = 0; i < N_RANDOM; i++) {
    const temp = a * seed;
    seed = temp - m * Math.trunc(temp / m);
    out[i] = seed / m;
  }
  // cfitsio checks the generator by its 10 000th seed
  if (seed !== 1043618065) {
    throw new PromptlyError('PROMPTLY_E_INTERNAL', 'dither random generator self-check failed');
  }
  table = out;
  return out;
}

/**
 * A cursor into the dither sequence for one tile. `tileIndex` is 0-based; `ditherSeed` is
 * ZDITHER0 (1..10000). Start: iseed = (tileIndex + ZDITHER0 − 1) mod 10000,
 * next = ⌊rand[iseed]·500⌋; each pixel advances `next`, rolling to the next seed at 10 000.
 */
export class DitherCursor {
  private readonly rand = ditherRandoms();
  private iseed: number;
  /** Index of the random value for the current pixel. */
  next: number;

  constructor(tileIndex: number, ditherSeed: number) {
    this.iseed = (((tileIndex + ditherSeed - 1) % N_RANDOM) + N_RANDOM) % N_RANDOM;
    this.next = Math.trunc((this.rand[this.iseed] as number) * 500);
  }

  /** Pixels, at most `max`, from the current one before the sequence rolls to its next seed. */
  run(max: number): number {
    return Math.min(max, N_RANDOM - this.next);
  }

  /** Advances `count` pixels, at most {@link DitherCursor.run}'s answer. */
  advance(count: number): void {
    this.next += count;
    if (this.next === N_RANDOM) {
      this.iseed++;
      if (this.iseed === N_RANDOM) this.iseed = 0;
      this.next = Math.trunc((this.rand[this.iseed] as number) * 500);
    }
  }

  /** The random value for the current pixel, then advances one pixel. */
  take(): number {
    const r = this.rand[this.next] as number;
    this.next++;
    if (this.next === N_RANDOM) {
      this.iseed++;
      if (this.iseed === N_RANDOM) this.iseed = 0;
      this.next = Math.trunc((this.rand[this.iseed] as number) * 500);
    }
    return r;
  }
}

/**
 * A ZDITHER0 value for a new file, 1..10000. cfitsio derives it from the clock; a fixed
 * `fromNumber` (any integer) gives reproducible output.
 */
export function chooseDitherSeed(fromNumber: number = Date.now()): number {
  return (Math.abs(Math.trunc(fromNumber)) % N_RANDOM) + 1;
}
