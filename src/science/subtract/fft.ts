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
  let size = 2;
  for (; 2 * size <= n; size <<= 2) stagePair(plan, re, im, sign, size, off, 1, 1);
  for (; size <= n; size <<= 1) {
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
  // stages in pairs: one sweep over four rows does both butterflies of each, halving the
  // passes over the arrays (the same operations in the same order: results are unchanged)
  let size = 2;
  for (; 2 * size <= n; size <<= 2) stagePair(plan, re, im, sign, size, 0, n, n);
  for (; size <= n; size <<= 1) {
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

/**
 * The butterflies of stage `size` and of stage `2·size` in one sweep, over `count` interleaved
 * transforms: element m of transform c at off + m·stride + c (a row: stride 1, count 1; all
 * columns: stride n, count n).
 */
function stagePair(
  plan: FftPlan,
  re: Float64Array,
  im: Float64Array,
  sign: number,
  size: number,
  off: number,
  stride: number,
  count: number,
): void {
  const { n, cos, sin } = plan;
  const h = size >> 1;
  const step1 = n / size;
  const step2 = step1 >> 1;
  for (let start = 0; start < n; start += 2 * size) {
    for (let k = 0; k < h; k++) {
      const w1r = cos[k * step1]!;
      const w1i = sign * sin[k * step1]!;
      const w2r = cos[k * step2]!;
      const w2i = sign * sin[k * step2]!;
      const w3r = cos[(k + h) * step2]!;
      const w3i = sign * sin[(k + h) * step2]!;
      const a0 = off + (start + k) * stride;
      const a1 = a0 + h * stride;
      const a2 = a0 + 2 * h * stride;
      const a3 = a0 + 3 * h * stride;
      for (let c = 0; c < count; c++) {
        // stage size: (a0, a1) and (a2, a3), twiddle w1
        let xr = re[a1 + c]!;
        let xi = im[a1 + c]!;
        let tr = w1r * xr - w1i * xi;
        let ti = w1r * xi + w1i * xr;
        let ar = re[a0 + c]!;
        let ai = im[a0 + c]!;
        const b1r = ar - tr;
        const b1i = ai - ti;
        const b0r = ar + tr;
        const b0i = ai + ti;
        xr = re[a3 + c]!;
        xi = im[a3 + c]!;
        tr = w1r * xr - w1i * xi;
        ti = w1r * xi + w1i * xr;
        ar = re[a2 + c]!;
        ai = im[a2 + c]!;
        const b3r = ar - tr;
        const b3i = ai - ti;
        const b2r = ar + tr;
        const b2i = ai + ti;
        // stage 2·size: (a0, a2) twiddle w2, (a1, a3) twiddle w3
        tr = w2r * b2r - w2i * b2i;
        ti = w2r * b2i + w2i * b2r;
        re[a2 + c] = b0r - tr;
        im[a2 + c] = b0i - ti;
        re[a0 + c] = b0r + tr;
        im[a0 + c] = b0i + ti;
        tr = w3r * b3r - w3i * b3i;
        ti = w3r * b3i + w3i * b3r;
        re[a3 + c] = b1r - tr;
        im[a3 + c] = b1i - ti;
        re[a1 + c] = b1r + tr;
        im[a1 + c] = b1i + ti;
      }
    }
  }
}
