/**
 * Small robust estimators over the first `n` values of a scratch typed array. They reorder the
 * scratch (selection in place) so callers pass a buffer they own; nothing is allocated.
 */
export type Scratch = Float32Array | Float64Array;

/**
 * Rearranges `a[0..n)` so that `a[k]` is the k-th smallest value (0-based), smaller values
 * before it and larger after (Hoare selection, median-of-three pivot). Returns `a[k]`.
 */
export function selectInPlace(a: Scratch, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three to dodge the sorted-input worst case
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

function swap(a: Scratch, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Median of `a[0..n)` (mean of the two middle values when n is even); NaN when n = 0. */
export function medianInPlace(a: Scratch, n: number): number {
  if (n <= 0) return NaN;
  const k = n >>> 1;
  const upper = selectInPlace(a, n, k);
  if (n % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < k; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

/** Result of a sigma-clipped estimate. */
export interface ClippedStats {
  /** Mean of the surviving values. */
  readonly mean: number;
  /** Standard deviation (population) of the surviving values. */
  readonly stddev: number;
  /** Number of surviving values. */
  readonly count: number;
}

/**
 * Iterative sigma clipping about the median: drop values further than `nSigma`·σ from the
 * median, recompute, until nothing more is dropped or `maxIterations` is reached. Compacts the
 * survivors to the front of `a`. Defaults: 3σ, 5 iterations. NaN fields when n = 0.
 */
export function clippedStatsInPlace(
  a: Scratch,
  n: number,
  nSigma = 3,
  maxIterations = 5,
): ClippedStats {
  let count = n;
  let mean = NaN;
  let stddev = NaN;
  for (let iter = 0; iter <= maxIterations && count > 0; iter++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < count; i++) {
      const v = a[i]!;
      s += v;
      s2 += v * v;
    }
    mean = s / count;
    stddev = Math.sqrt(Math.max(0, s2 / count - mean * mean));
    if (iter === maxIterations || stddev === 0) break;
    const med = medianInPlace(a, count);
    const lo = med - nSigma * stddev;
    const hi = med + nSigma * stddev;
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const v = a[i]!;
      if (v >= lo && v <= hi) a[kept++] = v;
    }
    if (kept === count) break;
    count = kept;
  }
  return { mean, stddev, count };
}
