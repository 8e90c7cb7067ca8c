/**
 * Floating-point quantization of tiles, as cfitsio's fits_quantize_float/_double and the
 * unquantize_i4r4/i4r8 readers: q = NINT((f − ZZERO)/ZSCALE [+ r − 0.5]) on write and
 * f = (q [− r + 0.5])·ZSCALE + ZZERO on read, where r walks the dither sequence.
 * SUBTRACTIVE_DITHER_2 keeps exact zeros (q = ZERO_VALUE); null pixels (NaN) become
 * NULL_VALUE, announced by ZBLANK.
 */
import { DitherCursor, ditherRandoms } from './dither.js';
import { noiseEstimate } from './noise.js';

/** ZQUANTIZ methods. */
export type QuantizeMethod = 'NO_DITHER' | 'SUBTRACTIVE_DITHER_1' | 'SUBTRACTIVE_DITHER_2';

/** Integer written for a null (NaN) pixel; also the ZBLANK cfitsio writes. */
export const NULL_VALUE = -2147483647;
/** Integer written for an exact 0.0 under SUBTRACTIVE_DITHER_2. */
export const ZERO_VALUE = -2147483646;
/** Integers reserved below NULL_VALUE's neighbourhood for special values. */
export const N_RESERVED_VALUES = 10;

/** Parameters to restore one quantized tile. */
export interface UnquantizeParams {
  readonly method: QuantizeMethod;
  /** ZSCALE of the tile. */
  readonly scale: number;
  /** ZZERO of the tile. */
  readonly zero: number;
  /** 0-based tile index (row of the compressed table − 1). */
  readonly tileIndex: number;
  /** ZDITHER0, 1..10000 (ignored for NO_DITHER). */
  readonly ditherSeed: number;
  /** ZBLANK: quantized value of null pixels (→ NaN); undefined when none. */
  readonly blank?: number;
}

/**
 * Restores `n` quantized integers into floats (float32 rounding happens on the store when
 * `out` is a Float32Array, exactly like cfitsio's `(float)` cast).
 */
export function unquantizeInto(
  q: Int32Array,
  n: number,
  p: UnquantizeParams,
  out: Float32Array | Float64Array,
): void {
  const { scale, zero } = p;
  const blank = p.blank;
  const hasBlank = blank !== undefined;
  if (p.method === 'NO_DITHER') {
    for (let i = 0; i < n; i++) {
      const v = q[i] as number;
      out[i] = hasBlank && v === blank ? NaN : v * scale + zero;
    }
    return;
  }
  const cursor = new DitherCursor(p.tileIndex, p.ditherSeed);
  const keepZero = p.method === 'SUBTRACTIVE_DITHER_2';
  const rand = ditherRandoms();
  // the cursor's walk in runs up to its next roll-over: a tight loop indexing the table
  for (let i = 0; i < n;) {
    const len = cursor.run(n - i);
    const base = cursor.next - i;
    const end = i + len;
    for (; i < end; i++) {
      const v = q[i]!;
      const r = rand[i + base]!;
      if (hasBlank && v === blank) out[i] = NaN;
      else if (keepZero && v === ZERO_VALUE) out[i] = 0;
      else out[i] = (v - r + 0.5) * scale + zero;
    }
    cursor.advance(len);
  }
}

/** Result of quantizing one tile. */
export interface QuantizeResult {
  /** False when the tile cannot be quantized (flat, too wide a range): store it losslessly. */
  readonly ok: boolean;
  /** ZSCALE. */
  readonly scale: number;
  /** ZZERO. */
  readonly zero: number;
  /** True when at least one null (NaN) pixel was written as NULL_VALUE. */
  readonly hasNull: boolean;
}

function nint(x: number): number {
  return x >= 0 ? Math.trunc(x + 0.5) : Math.trunc(x - 0.5);
}

/**
 * Quantizes one tile of `nx × ny` floats into `out`, as cfitsio's fits_quantize_float does:
 * the noise σ is the smallest non-zero of the 2nd/3rd/5th-order MAD estimates; ZSCALE =
 * σ/qlevel (qlevel > 0) or −qlevel (qlevel < 0: absolute step); ZZERO is chosen so values
 * stay positive where possible. NaN pixels are nulls.
 *
 * @param qlevel quantization level Q (fpack `-q`; default 4)
 */
export function quantizeTile(
  data: Float32Array | Float64Array,
  nx: number,
  ny: number,
  qlevel: number,
  method: QuantizeMethod,
  tileIndex: number,
  ditherSeed: number,
  out: Int32Array,
): QuantizeResult {
  const n = nx * ny;
  const fail: QuantizeResult = { ok: false, scale: 1, zero: 0, hasNull: false };
  if (n <= 1) return fail;
  const stats = noiseEstimate(data, nx, ny);
  let delta: number;
  let minval = stats.min;
  let maxval = stats.max;
  if (qlevel >= 0) {
    let stdev: number;
    if (stats.nGood === 0) {
      minval = 0;
      maxval = 1;
      stdev = 1;
    } else {
      stdev = stats.noise3;
      if (stats.noise2 !== 0 && stats.noise2 < stdev) stdev = stats.noise2;
      if (stats.noise5 !== 0 && stats.noise5 < stdev) stdev = stats.noise5;
    }
    delta = qlevel === 0 ? stdev / 4 : stdev / qlevel;
    if (delta === 0) return fail;
  } else {
    delta = -qlevel;
  }
  if ((maxval - minval) / delta > 2 * 2147483647 - N_RESERVED_VALUES) return fail;

  const dither = method !== 'NO_DITHER';
  const keepZero = method === 'SUBTRACTIVE_DITHER_2';
  const cursor = dither ? new DitherCursor(tileIndex, ditherSeed) : undefined;
  let zeropt: number;
  const hasNull = stats.nGood !== n;
  if (!hasNull && !keepZero && (maxval - minval) / delta < 2147483647 - N_RESERVED_VALUES) {
    zeropt = Math.trunc(minval / delta + 0.5) * delta;
  } else if (!hasNull && !keepZero) {
    zeropt = (minval + maxval) / 2;
  } else {
    zeropt = minval - delta * (NULL_VALUE + N_RESERVED_VALUES);
  }
  for (let i = 0; i < n; i++) {
    const f = data[i] as number;
    // the sequence advances for every pixel, null or not
    const r = cursor === undefined ? 0 : cursor.take();
    if (f !== f) out[i] = NULL_VALUE;
    else if (keepZero && f === 0) out[i] = ZERO_VALUE;
    else out[i] = dither ? nint((f - zeropt) / delta + r - 0.5) : nint((f - zeropt) / delta);
  }
  return { ok: true, scale: delta, zero: zeropt, hasNull };
}
