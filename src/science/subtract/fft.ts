import { PromptlyError } from '../../core/errors.js';

/**
 * A radix-2 complex FFT plan for `n × n` arrays (n a power of two): twiddles and the
 * bit-reversal permutation, computed once and reused for every transform of that size.
 */
export interface FftPlan {
  readonly n: number;
  readonly log2n: number;
  /** cos(2πk/n), sin(2πk/n) for k < n/2. */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  /** Bit-reversed index of each k < n. */
  readonly rev: Uint32Array;
}

/** Builds an {@link FftPlan}; throws PROMPTLY_E_SCIENCE_OPTION_INVALID unless n = 2^k ≥ 2. */
export function createFftPlan(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      `FFT size must be 2^k ≥ 2, got ${n}`,
    );
  }
  const log2n = Math.round(Math.log2(n));
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const rev = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    let r = 0;
    for (let b = 0; b < log2n; b++) r |= ((k >> b) & 1) << (log2n - 1 - b);
    rev[k] = r;
  }
  return { n, log2n, cos, sin, rev };
}

/**
 * In-place 2-D complex DFT of the `n × n` row-major arrays `re`, `im`:
 * X(k, l) = Σ x(u, v)·exp(∓2πi(ku + lv)/n), minus sign forward; the inverse divides by n².
 * Rows are transformed one at a time; columns all together, each butterfly stage sweeping
 * whole rows so memory is read in order.
 */
export function fft2d(plan: FftPlan, re: Float64Array, im: Float64Array, inverse: boolean): void {
  const { n } = plan;
  const sign = inverse ? 1 : -1;
  for (let r = 0; r < n; r++) fftRow(plan, re, im, r * n, sign);
  fftColumns(plan, re, im, sign);
  if (inverse) {
    const s = 1 / (n * n);
    for (let i = 0; i < n * n; i++) {
      re[i] = re[i]! * s;
      im[i] = im[i]! * s;
    }
  }
}

function fftRow(
  plan: FftPlan,
  re: Float64Array,
  im: Float64Array,
  off: number,
  sign: number,
): void {
  const { n, rev, cos, sin } = plan;
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const a = off + i;
      const b = off + j;
      const tr = re[a]!;
      re[a] = re[b]!;
      re[b] = tr;
      const ti = im[a]!;
      im[a] = im[b]!;
      im[b] = ti;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = off + start + k;
        const b = a + half;
        const xr = re[b]!;
        const xi = im[b]!;
        const tr = wr * xr - wi * xi;
        const ti = wr * xi + wi * xr;
        const ar = re[a]!;
        const ai = im[a]!;
        re[b] = ar - tr;
        im[b] = ai - ti;
        re[a] = ar + tr;
        im[a] = ai + ti;
      }
    }
  }
}

function fftColumns(plan: FftPlan, re: Float64Array, im: Float64Array, sign: number): void {
  const { n, rev, cos, sin } = plan;
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const a = i * n;
      const b = j * n;
      for (let c = 0; c < n; c++) {
        const tr = re[a + c]!;
        re[a + c] = re[b + c]!;
        re[b + c] = tr;
        const ti = im[a + c]!;
        im[a + c] = im[b + c]!;
        im[b + c] = ti;
      }
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = (start + k) * n;
        const b = a + half * n;
        for (let c = 0; c < n; c++) {
          const xr = re[b + c]!;
          const xi = im[b + c]!;
          const tr = wr * xr - wi * xi;
          const ti = wr * xi + wi * xr;
          const ar = re[a + c]!;
          const ai = im[a + c]!;
          re[b + c] = ar - tr;
          im[b + c] = ai - ti;
          re[a + c] = ar + tr;
          im[a + c] = ai + ti;
        }
      }
    }
  }
}
