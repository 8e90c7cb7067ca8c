import { PromptlyError } from '../../core/errors.js';
import { medianInPlace } from '../robust-stats.js';
import { solveSpd } from './cholesky.js';
import { convolveStampWithBasis, renderKernel, type KernelBasis } from './kernel-basis.js';
import { polyTermCount, polyTerms } from './spatial-polynomial.js';

/** Pixels and variance of one image, `width × height`, row-major. */
export interface PlanePair {
  readonly data: Float32Array;
  readonly variance: Float32Array;
}

/**
 * A fitted PSF-matching kernel: K(u, v; x, y) = Σ_k Σ_j a_kj·p_j(x, y)·B'_k(u, v), with p_j the
 * spatial terms of `spatialOrder` (see spatial-polynomial.ts) and a_0j = 0 for j > 0 (constant
 * kernel sum), plus a differential background Σ_m b_m·p_m(x, y) of `backgroundOrder`, both in
 * the units of the image that is not convolved.
 */
export interface KernelSolution {
  readonly basis: KernelBasis;
  readonly spatialOrder: number;
  readonly backgroundOrder: number;
  /** Detector size the spatial coordinates are normalised over, pixels. */
  readonly width: number;
  readonly height: number;
  /** a_kj at k·nSpatial + j. */
  readonly kernelCoefficients: Float64Array;
  /** b_m. */
  readonly backgroundCoefficients: Float64Array;
  /** Σ_uv K, the same everywhere: the flux ratio target / convolved. */
  readonly kernelSum: number;
}

/** Per-stamp outcome of the fit. */
export interface StampFit {
  /** Stamp centre, pixels. */
  readonly x: number;
  readonly y: number;
  /** sqrt(χ²/npix) of the stamp residual against its variance; ≈ 1 for a good fit. */
  readonly residualRms: number;
  /** Mean residual over the stamp in units of the standard error of that mean. */
  readonly meanResidualSigma: number;
  /** False when rejected by sigma clipping. */
  readonly used: boolean;
}

/** Options of {@link fitKernel}. */
export interface KernelFitOptions {
  /** Spatial order of the kernel shape, 0–2. */
  readonly spatialOrder: number;
  /** Order of the differential background, 0–2. */
  readonly backgroundOrder: number;
  /** Half-size of the fitted region around each stamp centre, pixels. */
  readonly fitHalfPx: number;
  /** Stamps with residual RMS above median + clipSigma·(1.4826·MAD) are dropped. Default 3. */
  readonly clipSigma?: number;
  /** Fit/clip rounds at most. Default 4. */
  readonly maxIterations?: number;
}

interface StampSystem {
  readonly x: number;
  readonly y: number;
  readonly npix: number;
  /** Local normal matrix over [C_0 … C_{nb−1}, q_0 … q_{nbg−1}] and right-hand side. */
  readonly m: Float64Array;
  readonly b: Float64Array;
  readonly tt: number;
  readonly sumWeightedT: number;
  readonly sumW: number;
  /** Σ w·column, for the mean residual. */
  readonly colW: Float64Array;
  readonly p: Float64Array;
}

/**
 * Least-squares fit of the kernel mapping `convolved` onto `target` on stamps around the
 * given star centres (integer pixels, at least fitHalf + h from every edge), weighted by
 * 1 / (V_target + V_convolved) per pixel. Each stamp's normal equations are built once; the
 * global system is Σ_stamps (local ⊗ p(x_s) p(x_s)ᵀ), the kernel evaluated at each stamp's
 * centre, re-summed without the rejected stamps after each clipping round.
 * Throws PROMPTLY_E_KERNEL_FIT_FAILED with too few stamps or a singular system.
 */
export function fitKernel(
  convolved: PlanePair,
  target: PlanePair,
  width: number,
  height: number,
  centres: ReadonlyArray<{ x: number; y: number }>,
  basis: KernelBasis,
  options: KernelFitOptions,
): { solution: KernelSolution; stamps: StampFit[] } {
  const nsp = polyTermCount(options.spatialOrder);
  const nbg = polyTermCount(options.backgroundOrder);
  const nb = basis.count;
  const minStamps = 2 * nsp - 1; // 1 for a constant kernel, 5 for order 1, 11 for order 2
  const systems = centres.map((c) =>
    stampSystem(convolved, target, width, height, c.x, c.y, basis, options),
  );
  const used = systems.map(() => true);
  const clip = options.clipSigma ?? 3;
  const maxIter = options.maxIterations ?? 4;
  let theta: Float64Array | undefined;
  let metrics: Array<{ rms: number; mean: number }> = [];
  for (let iter = 0; iter < maxIter; iter++) {
    const nUsed = used.filter(Boolean).length;
    if (nUsed < minStamps) {
      throw new PromptlyError(
        'PROMPTLY_E_KERNEL_FIT_FAILED',
        `${nUsed} usable star stamps, the kernel fit of spatial order ${options.spatialOrder} needs ≥ ${minStamps}`,
      );
    }
    theta = solveGlobal(systems, used, nb, nsp, nbg);
    metrics = systems.map((s) => stampMetrics(s, theta!, nb, nsp, nbg));
    const rms = Float64Array.from(metrics.filter((_, i) => used[i]).map((m) => m.rms));
    const med = medianInPlace(rms.slice(), rms.length);
    for (let i = 0; i < rms.length; i++) rms[i] = Math.abs(rms[i]! - med);
    const mad = 1.4826 * medianInPlace(rms, rms.length);
    const limit = med + clip * Math.max(mad, 0.05 * med);
    let changed = false;
    metrics.forEach((m, i) => {
      if (used[i] && !(m.rms <= limit)) {
        used[i] = false;
        changed = true;
      }
    });
    if (!changed) break;
  }
  if (theta === undefined) throw new PromptlyError('PROMPTLY_E_KERNEL_FIT_FAILED', 'no kernel fit');
  const kernelCoefficients = new Float64Array(nb * nsp);
  kernelCoefficients[0] = theta[0]!;
  for (let k = 1; k < nb; k++) {
    for (let j = 0; j < nsp; j++) kernelCoefficients[k * nsp + j] = theta[1 + (k - 1) * nsp + j]!;
  }
  const backgroundCoefficients = theta.slice(1 + (nb - 1) * nsp);
  const solution: KernelSolution = {
    basis,
    spatialOrder: options.spatialOrder,
    backgroundOrder: options.backgroundOrder,
    width,
    height,
    kernelCoefficients,
    backgroundCoefficients,
    kernelSum: theta[0]!,
  };
  const stamps = systems.map((s, i) => ({
    x: s.x,
    y: s.y,
    residualRms: metrics[i]!.rms,
    meanResidualSigma: metrics[i]!.mean,
    used: used[i]!,
  }));
  return { solution, stamps };
}

/** Per-basis coefficients c_k = Σ_j a_kj p_j(x, y) of the kernel at pixel (x, y). */
export function kernelCoefficientsAt(sol: KernelSolution, x: number, y: number): Float64Array {
  const nsp = polyTermCount(sol.spatialOrder);
  const p = polyTerms(sol.spatialOrder, x, y, sol.width, sol.height, new Float64Array(6));
  const c = new Float64Array(sol.basis.count);
  for (let k = 0; k < sol.basis.count; k++) {
    let s = 0;
    for (let j = 0; j < nsp; j++) s += sol.kernelCoefficients[k * nsp + j]! * p[j]!;
    c[k] = s;
  }
  return c;
}

/** The kernel image at pixel (x, y): `(2h + 1)²` values, pixel (u, v) at (v + h)(2h + 1) + u + h. */
export function kernelImageAt(
  sol: KernelSolution,
  x: number,
  y: number,
  out?: Float64Array,
): Float64Array {
  return renderKernel(sol.basis, kernelCoefficientsAt(sol, x, y), out);
}

function stampSystem(
  conv: PlanePair,
  target: PlanePair,
  width: number,
  height: number,
  cx: number,
  cy: number,
  basis: KernelBasis,
  options: KernelFitOptions,
): StampSystem {
  const nb = basis.count;
  const nbg = polyTermCount(options.backgroundOrder);
  const F = options.fitHalfPx;
  const side = 2 * F + 1;
  const npix = side * side;
  const cols = new Float64Array(nb * npix);
  convolveStampWithBasis(basis, conv.data, width, cx, cy, F, cols);
  const nloc = nb + nbg;
  const m = new Float64Array(nloc * nloc);
  const b = new Float64Array(nloc);
  const colW = new Float64Array(nloc);
  const row = new Float64Array(nloc);
  const q = new Float64Array(6);
  let tt = 0;
  let sumWeightedT = 0;
  let sumW = 0;
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const i = r * side + c;
      const px = cx - F + c;
      const py = cy - F + r;
      const gi = py * width + px;
      const t = target.data[gi]!;
      const w = 1 / (target.variance[gi]! + conv.variance[gi]!);
      if (!(w > 0) || !Number.isFinite(w) || t !== t) continue;
      for (let k = 0; k < nb; k++) row[k] = cols[k * npix + i]!;
      polyTerms(options.backgroundOrder, px, py, width, height, q);
      for (let j = 0; j < nbg; j++) row[nb + j] = q[j]!;
      for (let a = 0; a < nloc; a++) {
        const wa = w * row[a]!;
        b[a] = b[a]! + wa * t;
        colW[a] = colW[a]! + wa;
        const off = a * nloc;
        for (let bb = 0; bb <= a; bb++) m[off + bb] = m[off + bb]! + wa * row[bb]!;
      }
      tt += w * t * t;
      sumWeightedT += w * t;
      sumW += w;
    }
  }
  for (let a = 0; a < nloc; a++)
    for (let bb = 0; bb < a; bb++) m[bb * nloc + a] = m[a * nloc + bb]!;
  const p = polyTerms(options.spatialOrder, cx, cy, width, height, new Float64Array(6));
  return { x: cx, y: cy, npix, m, b, tt, sumWeightedT, sumW, colW, p };
}

/** Global parameter index and factor of local column `a` for spatial term j. */
function solveGlobal(
  systems: readonly StampSystem[],
  used: readonly boolean[],
  nb: number,
  nsp: number,
  nbg: number,
): Float64Array {
  const n = 1 + (nb - 1) * nsp + nbg;
  const nloc = nb + nbg;
  const M = new Float64Array(n * n);
  const B = new Float64Array(n);
  const gi = new Int32Array(nloc * nsp);
  const gf = new Float64Array(nloc * nsp);
  systems.forEach((s, si) => {
    if (!used[si]) return;
    // expansion of each local column into (global index, factor) pairs
    let cnt = 0;
    const start = new Int32Array(nloc + 1);
    for (let a = 0; a < nloc; a++) {
      start[a] = cnt;
      if (a === 0) {
        gi[cnt] = 0;
        gf[cnt++] = 1;
      } else if (a < nb) {
        for (let j = 0; j < nsp; j++) {
          gi[cnt] = 1 + (a - 1) * nsp + j;
          gf[cnt++] = s.p[j]!;
        }
      } else {
        gi[cnt] = 1 + (nb - 1) * nsp + (a - nb);
        gf[cnt++] = 1;
      }
    }
    start[nloc] = cnt;
    for (let a = 0; a < nloc; a++) {
      for (let ea = start[a]!; ea < start[a + 1]!; ea++) {
        const ga = gi[ea]!;
        const fa = gf[ea]!;
        B[ga] = B[ga]! + fa * s.b[a]!;
        for (let c = 0; c < nloc; c++) {
          const mac = fa * s.m[a * nloc + c]!;
          if (mac === 0) continue;
          for (let ec = start[c]!; ec < start[c + 1]!; ec++) {
            const idx = ga * n + gi[ec]!;
            M[idx] = M[idx]! + mac * gf[ec]!;
          }
        }
      }
    }
  });
  const theta = solveSpd(M, B, n);
  if (theta === undefined) {
    throw new PromptlyError('PROMPTLY_E_KERNEL_FIT_FAILED', 'the kernel normal matrix is singular');
  }
  return theta;
}

/** χ²-based residual RMS and mean residual of one stamp for the global solution. */
function stampMetrics(
  s: StampSystem,
  theta: Float64Array,
  nb: number,
  nsp: number,
  nbg: number,
): { rms: number; mean: number } {
  const nloc = nb + nbg;
  const c = new Float64Array(nloc);
  c[0] = theta[0]!;
  for (let k = 1; k < nb; k++) {
    let v = 0;
    for (let j = 0; j < nsp; j++) v += theta[1 + (k - 1) * nsp + j]! * s.p[j]!;
    c[k] = v;
  }
  for (let m = 0; m < nbg; m++) c[nb + m] = theta[1 + (nb - 1) * nsp + m]!;
  let cb = 0;
  let cmc = 0;
  let cw = 0;
  for (let a = 0; a < nloc; a++) {
    cb += c[a]! * s.b[a]!;
    cw += c[a]! * s.colW[a]!;
    let row = 0;
    for (let k = 0; k < nloc; k++) row += s.m[a * nloc + k]! * c[k]!;
    cmc += c[a]! * row;
  }
  const chi2 = Math.max(0, s.tt - 2 * cb + cmc);
  // weighted mean residual Σw(t − model)/Σw, its standard error 1/sqrt(Σw)
  const mean = (s.sumWeightedT - cw) / Math.sqrt(s.sumW);
  return { rms: Math.sqrt(chi2 / s.npix), mean };
}
