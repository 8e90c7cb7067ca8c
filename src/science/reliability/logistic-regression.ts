import { solveSpd } from '../subtract/cholesky.js';

/**
 * Logistic regression on standardised features with an L2 penalty, fitted by Newton's method
 * (iteratively reweighted least squares): P(real | x) = 1 / (1 + exp(−(b + Σ wᵢ zᵢ))) with
 * zᵢ = (xᵢ − meanᵢ) / scaleᵢ. Standardising makes the penalty λ·Σwᵢ² treat every feature
 * alike whatever its unit; the intercept is not penalised. The fit is deterministic (no random
 * start, no sampling), so the same data give the same weights, bit for bit.
 */

/** A fitted model: the standardisation and the weights. */
export interface LogisticFit {
  /** Mean and standard deviation (1 for a constant feature) of each training feature. */
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  /** Weight of each standardised feature. */
  readonly weights: readonly number[];
  readonly intercept: number;
}

/** Options of {@link fitLogistic}. */
export interface LogisticOptions {
  /** L2 penalty λ on the standardised weights, in (0, 1e6]. Default 1. */
  readonly l2?: number;
  /** Newton steps at most, [1, 1000]. Default 100. */
  readonly maxIterations?: number;
  /** Stop when no weight moves by more than this. Default 1e-10. */
  readonly tolerance?: number;
  /**
   * Weight of a real (label 1) example relative to a bogus one, (0, 1e3]. Default 1.
   */
  readonly positiveWeight?: number;
}

/** P(real) for features `x` (raw, in the fit's order). */
export function predictLogistic(fit: LogisticFit, x: ArrayLike<number>): number {
  let t = fit.intercept;
  for (let i = 0; i < fit.weights.length; i++)
    t += (fit.weights[i]! * (x[i]! - fit.mean[i]!)) / fit.scale[i]!;
  return 1 / (1 + Math.exp(-t));
}

/**
 * Fits {@link LogisticFit} to rows `x` (each `nFeatures` long) with labels `y` (1 real,
 * 0 bogus). Throws RangeError for no rows, mismatched lengths, non-finite features or a
 * non-binary label.
 */
export function fitLogistic(
  x: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  options: LogisticOptions = {},
): LogisticFit {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  const positiveWeight = options.positiveWeight ?? 1;
  if (!(l2 > 0 && l2 <= 1e6)) throw new RangeError(`l2 must be in (0, 1e6], got ${l2}`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1 && maxIterations <= 1000))
    throw new RangeError(`maxIterations must be an integer in [1, 1000], got ${maxIterations}`);
  if (!(positiveWeight > 0 && positiveWeight <= 1e3))
    throw new RangeError(`positiveWeight must be in (0, 1000], got ${positiveWeight}`);
  const n = x.length;
  if (n === 0) throw new RangeError('no training rows');
  if (y.length !== n) throw new RangeError(`${n} rows but ${y.length} labels`);
  const m = x[0]!.length;
  const mean = new Array<number>(m).fill(0);
  const scale = new Array<number>(m).fill(0);
  for (let r = 0; r < n; r++) {
    const row = x[r]!;
    if (row.length !== m) throw new RangeError(`row ${r} has ${row.length} features, not ${m}`);
    if (y[r] !== 0 && y[r] !== 1) throw new RangeError(`label ${r} is ${y[r]}, not 0 or 1`);
    for (let i = 0; i < m; i++) {
      if (!Number.isFinite(row[i]!)) throw new RangeError(`feature ${i} of row ${r} not finite`);
      mean[i]! += row[i]! / n;
    }
  }
  for (let r = 0; r < n; r++)
    for (let i = 0; i < m; i++) scale[i]! += (x[r]![i]! - mean[i]!) ** 2 / n;
  for (let i = 0; i < m; i++) scale[i] = scale[i]! > 1e-24 ? Math.sqrt(scale[i]!) : 1;
  // standardised design with a trailing 1 for the intercept
  const k = m + 1;
  const z = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < m; i++) z[r * k + i] = (x[r]![i]! - mean[i]!) / scale[i]!;
    z[r * k + m] = 1;
  }
  const w = new Float64Array(k);
  const grad = new Float64Array(k);
  const hess = new Float64Array(k * k);
  for (let iter = 0; iter < maxIterations; iter++) {
    grad.fill(0);
    hess.fill(0);
    for (let r = 0; r < n; r++) {
      let t = 0;
      for (let i = 0; i < k; i++) t += w[i]! * z[r * k + i]!;
      const p = 1 / (1 + Math.exp(-t));
      const c = y[r] === 1 ? positiveWeight : 1;
      const g = c * (p - y[r]!);
      const h = c * Math.max(p * (1 - p), 1e-12);
      for (let i = 0; i < k; i++) {
        const zi = z[r * k + i]!;
        grad[i]! += g * zi;
        for (let j = 0; j <= i; j++) hess[i * k + j]! += h * zi * z[r * k + j]!;
      }
    }
    for (let i = 0; i < m; i++) {
      grad[i]! += l2 * w[i]!;
      hess[i * k + i]! += l2;
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) hess[j * k + i] = hess[i * k + j]!;
    const step = solveSpd(hess, grad, k);
    if (!step) break;
    let moved = 0;
    for (let i = 0; i < k; i++) {
      w[i]! -= step[i]!;
      moved = Math.max(moved, Math.abs(step[i]!));
    }
    if (moved <= tolerance) break;
  }
  return {
    mean,
    scale,
    weights: Array.from(w.subarray(0, m)),
    intercept: w[m]!,
  };
}
