/**
 * Background-noise estimate of a tile by median absolute differences (MAD) of order 2, 3
 * and 5, per row then median over rows, as cfitsio's FnNoise5_float/_double compute it for
 * choosing the quantization step. NaN pixels are nulls and are skipped.
 */

/** Noise statistics of one tile. */
export interface NoiseStats {
  /** Number of non-null pixels. */
  readonly nGood: number;
  /** Minimum and maximum non-null values (±Infinity-free: 0 when there are none). */
  readonly min: number;
  readonly max: number;
  /** 2nd, 3rd and 5th order MAD noise (σ-equivalent), 0 when they cannot be computed. */
  readonly noise2: number;
  readonly noise3: number;
  readonly noise5: number;
}

/** Value of rank ⌊(n−1)/2⌋ (the lower median) of a[0..n), reordering a. */
function lowerMedian(a: Float64Array, n: number): number {
  let lo = 0;
  let hi = n - 1;
  const k = (n - 1) >> 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] as number;
}

function medianOfRows(rows: Float64Array, n: number): number {
  if (n === 0) return 0;
  if (n === 1) return rows[0] as number;
  const s = rows.subarray(0, n).sort();
  return ((s[(n - 1) >> 1] as number) + (s[n >> 1] as number)) / 2;
}

/**
 * MAD noise of `nx × ny` pixels. Float32 input is differenced in float32 arithmetic, as
 * cfitsio does for float images. Rows shorter than 9 pixels are joined into one row.
 */
export function noiseEstimate(
  data: Float32Array | Float64Array,
  nx: number,
  ny: number,
): NoiseStats {
  const f32 = data instanceof Float32Array;
  const fr = f32 ? Math.fround : (x: number): number => x;
  if (nx < 9) {
    nx = nx * ny;
    ny = 1;
  }
  let min = Infinity;
  let max = -Infinity;
  let nGood = 0;
  if (nx < 9) {
    for (let i = 0; i < nx; i++) {
      const v = data[i] as number;
      if (v !== v) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      nGood++;
    }
    return { nGood, min: nGood ? min : 0, max: nGood ? max : 0, noise2: 0, noise3: 0, noise5: 0 };
  }
  const d2 = new Float64Array(nx);
  const d3 = new Float64Array(nx);
  const d5 = new Float64Array(nx);
  const rows2 = new Float64Array(ny);
  const rows3 = new Float64Array(ny);
  const rows5 = new Float64Array(ny);
  let nrows = 0;
  let nrows2 = 0;
  const win = new Float64Array(9);
  for (let jj = 0; jj < ny; jj++) {
    const base = jj * nx;
    let have = 0;
    let nvals = 0;
    let nvals2 = 0;
    for (let ii = 0; ii < nx; ii++) {
      const v = data[base + ii] as number;
      if (v !== v) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (have < 8) {
        win[have++] = v;
        nGood++;
        continue;
      }
      const v1 = win[0] as number;
      const v3 = win[2] as number;
      const v4 = win[3] as number;
      const v5 = win[4] as number;
      const v6 = win[5] as number;
      const v7 = win[6] as number;
      if (!(v5 === v6 && v6 === v7)) d2[nvals2++] = Math.abs(fr(v5 - v7));
      if (!(v3 === v4 && v4 === v5 && v5 === v6 && v6 === v7)) {
        d3[nvals] = Math.abs(fr(fr(fr(2 * v5) - v3) - v7));
        d5[nvals] = Math.abs(fr(fr(fr(fr(fr(6 * v5) - fr(4 * v3)) - fr(4 * v7)) + v1) + v));
        nvals++;
      } else {
        nGood++;
      }
      win.copyWithin(0, 1, 8);
      win[7] = v;
    }
    nGood += nvals;
    if (nvals === 0) continue;
    if (nvals2 > 0) rows2[nrows2++] = nvals2 === 1 ? (d2[0] as number) : lowerMedian(d2, nvals2);
    rows3[nrows] = nvals === 1 ? (d3[0] as number) : lowerMedian(d3, nvals);
    rows5[nrows] = nvals === 1 ? (d5[0] as number) : lowerMedian(d5, nvals);
    nrows++;
  }
  return {
    nGood,
    min: nGood ? min : 0,
    max: nGood ? max : 0,
    noise2: 1.0483579 * medianOfRows(rows2, nrows2),
    noise3: 0.6052697 * medianOfRows(rows3, nrows),
    noise5: 0.1772048 * medianOfRows(rows5, nrows),
  };
}
