/**
 * Solves the symmetric positive-definite system M·θ = b (M `n × n` row-major, float64) by
 * Cholesky after Jacobi scaling (unit diagonal), with a ridge of `ridge` on the scaled
 * diagonal against near-degenerate basis functions. Returns θ, or undefined when M is not
 * positive definite even with the ridge. M and b are not modified.
 */
export function solveSpd(
  m: Float64Array,
  b: Float64Array,
  n: number,
  ridge = 1e-10,
): Float64Array | undefined {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = m[i * n + i]!;
    d[i] = v > 0 ? 1 / Math.sqrt(v) : 0;
  }
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) l[i * n + j] = m[i * n + j]! * d[i]! * d[j]!;
    l[i * n + i] = (d[i] === 0 ? 1 : l[i * n + i]!) + ridge;
  }
  for (let j = 0; j < n; j++) {
    let s = l[j * n + j]!;
    for (let k = 0; k < j; k++) s -= l[j * n + k]! * l[j * n + k]!;
    if (!(s > 0)) return undefined;
    const ljj = Math.sqrt(s);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = l[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = t / ljj;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]! * d[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * z[k]!;
    z[i] = s / l[i * n + i]!;
  }
  for (let i = 0; i < n; i++) z[i] = z[i]! * d[i]!;
  return z;
}
