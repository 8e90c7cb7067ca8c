/** Lanczos-3 resampling weights. */

/** Half-width of the Lanczos-3 kernel, pixels: the kernel is zero beyond |d| ≥ 3. */
export const LANCZOS3_RADIUS = 3;

/** Taps per axis: source pixels `floor(t) − 2 … floor(t) + 3` for a sample at t. */
export const LANCZOS3_TAPS = 6;

const PI = Math.PI;

/**
 * The Lanczos-3 kernel L(d) = sinc(d)·sinc(d/3) for |d| < 3, else 0; L(0) = 1. `d` in pixels.
 */
export function lanczos3(d: number): number {
  if (d === 0) return 1;
  if (d <= -3 || d >= 3) return 0;
  const a = PI * d;
  return (3 * Math.sin(a) * Math.sin(a / 3)) / (a * a);
}

/**
 * Fills `out[0..5]` with the Lanczos-3 weights of the taps `floor(t) − 2 … floor(t) + 3` for a
 * sample at fractional offset `frac = t − floor(t)` ∈ [0, 1), normalised to sum 1 (a flat
 * image stays flat). One sin and one cos per call: sin(π(f − i)/3) follows from the angle
 * difference identity and sin(π(f − i)) = (−1)^i sin(πf) = (−1)^i (3s − 4s³).
 */
export function lanczos3Weights(frac: number, out: Float64Array): void {
  if (frac === 0) {
    out.fill(0, 0, 6);
    out[2] = 1;
    return;
  }
  const theta = (PI * frac) / 3;
  const s = Math.sin(theta);
  const c = Math.cos(theta);
  const sinPiF = s * (3 - 4 * s * s);
  // sin(π/3), cos(π/3) multiples for i = −2..3
  const h = Math.sqrt(3) / 2;
  let sum = 0;
  for (let k = 0; k < 6; k++) {
    const i = k - 2;
    const d = frac - i;
    // sin(θ − iπ/3) = s·cos(iπ/3) − c·sin(iπ/3)
    const ci = COS_I[k]!;
    const si = SIN_I[k]! * h;
    const sinThird = s * ci - c * si;
    const sinFull = (i & 1) === 0 ? sinPiF : -sinPiF;
    const w = (3 * sinFull * sinThird) / (PI * PI * d * d);
    out[k] = w;
    sum += w;
  }
  const inv = 1 / sum;
  for (let k = 0; k < 6; k++) out[k] = out[k]! * inv;
}

// cos(iπ/3) and sin(iπ/3)/(√3/2) for i = −2..3
const COS_I = [-0.5, 0.5, 1, 0.5, -0.5, -1];
const SIN_I = [-1, -1, 0, 1, 1, 0];
