import { createFftPlan, fft2d, type FftPlan } from './fft.js';
import { renderKernel } from './kernel-basis.js';
import type { KernelSolution } from './kernel-fit.js';
import { polyGradient, polyTermCount, polyTerms } from './spatial-polynomial.js';

/** What {@link applyKernel} differences, all `width × height` row-major. */
export interface ApplyKernelInput {
  /** The image matched to (not convolved), and its variance. */
  readonly target: Float32Array;
  readonly targetVariance: Float32Array;
  /** The image convolved by the kernel, and its variance. */
  readonly convolved: Float32Array;
  readonly convolvedVariance: Float32Array;
  readonly width: number;
  readonly height: number;
  readonly solution: KernelSolution;
  /** Apply the Reiss & Lupton (2016) decorrelation filter. */
  readonly decorrelate: boolean;
  /** Typical (median) variance of target and convolved, for the decorrelation filter. */
  readonly targetNoiseVariance: number;
  readonly convolvedNoiseVariance: number;
  /** Output = sign·(T − K⊛C − B)/scale, variance /scale²: the caller's sign convention. */
  readonly sign: 1 | -1;
  readonly scale: number;
  /** Outputs, filled. */
  readonly difference: Float32Array;
  readonly variance: Float32Array;
}

/** Cells per side of a block sharing one variance-propagation kernel. */
const BLOCK_CELLS = 4;

/**
 * D = φ ⊛ (T − K(x, y) ⊛ C) − B(x, y) by overlap-save FFT convolution in square cells, with
 * its exact per-pixel variance φ² ⊛ V_T + (φ ⊛ K)² ⊛ V_C (inputs with uncorrelated pixels).
 *
 * The kernel varies across the detector: in each cell it is K at the cell centre plus its
 * first-order change (x − x_c)·∂K/∂x + (y − y_c)·∂K/∂y, so the result is exact for a kernel
 * of spatial order ≤ 1 and second-order accurate for order 2. φ is the decorrelation filter
 * φ̂(k) = sqrt((σ_T² + κ₀²σ_C²) / (σ_T² + |K̂(k)|²σ_C²)) (κ₀ the kernel sum, so φ̂(0) = 1 and
 * fluxes are kept), making the noise of D white; identity when `decorrelate` is false. The
 * variance kernels are evaluated once per block of 4×4 cells. Real images travel in pairs
 * through complex FFTs (T + iC, V_T + iV_C forward; D + iG_x, G_y + iV back): four
 * transforms per cell. Pixels outside the image count as 0; NaN as 0.
 */
export function applyKernel(input: ApplyKernelInput): void {
  const { solution, width, height } = input;
  const h = solution.basis.halfWidth;
  const margin = input.decorrelate ? 2 * h : h;
  const n = chooseFftSize(margin);
  const plan = createFftPlan(n);
  const nn = n * n;
  const valid = n - 2 * margin;
  const nsp = polyTermCount(solution.spatialOrder);
  const kHat = spatialKernelSpectra(solution, plan);
  const buf = () => new Float64Array(nn);
  const [zr, zi, vr, vi] = [buf(), buf(), buf(), buf()];
  const [kr, ki, phi] = [buf(), buf(), buf()];
  const specR = kHat.map((s) => s[0]);
  const specI = kHat.map((s) => s[1]);
  const decorrelate = input.decorrelate;
  const [wsr, wsi, wtr, wti] = [buf(), buf(), buf(), buf()];
  const mirror = mirrorIndex(n);
  const p = new Float64Array(6);
  const gx = new Float64Array(6);
  const gy = new Float64Array(6);
  const bgTerms = new Float64Array(6);
  const sT = input.targetNoiseVariance;
  const sC = input.convolvedNoiseVariance;
  const k0 = solution.kernelSum;
  const num = sT + k0 * k0 * sC;
  const ncx = Math.ceil(width / valid);
  const ncy = Math.ceil(height / valid);
  for (let by = 0; by < ncy; by += BLOCK_CELLS) {
    for (let bx = 0; bx < ncx; bx += BLOCK_CELLS) {
      // block centre: variance kernels
      const bxc = Math.min(width - 1, (bx + Math.min(BLOCK_CELLS, ncx - bx) / 2) * valid);
      const byc = Math.min(height - 1, (by + Math.min(BLOCK_CELLS, ncy - by) / 2) * valid);
      combine(kHat, nsp, polyTerms(solution.spatialOrder, bxc, byc, width, height, p), kr, ki);
      filterOf(input.decorrelate, kr, ki, sT, sC, k0, phi);
      varianceKernels(plan, kr, ki, phi, wsr, wsi, wtr, wti, mirror);
      for (let cy = by; cy < Math.min(ncy, by + BLOCK_CELLS); cy++) {
        for (let cx = bx; cx < Math.min(ncx, bx + BLOCK_CELLS); cx++) {
          const x0 = cx * valid;
          const y0 = cy * valid;
          const xc = x0 + (valid - 1) / 2;
          const yc = y0 + (valid - 1) / 2;
          polyTerms(solution.spatialOrder, xc, yc, width, height, p);
          polyGradient(solution.spatialOrder, xc, yc, width, height, gx, gy);
          load(input.target, input.convolved, width, height, x0 - margin, y0 - margin, n, zr, zi);
          load(
            input.targetVariance,
            input.convolvedVariance,
            width,
            height,
            x0 - margin,
            y0 - margin,
            n,
            vr,
            vi,
          );
          fft2d(plan, zr, zi, false);
          fft2d(plan, vr, vi, false);
          for (let i = 0; i < nn; i++) {
            const j = mirror[i]!;
            if (j < i) continue;
            // unpack T̂ = (Z_i + conj Z_j)/2, Ĉ = (Z_i − conj Z_j)/2i; likewise the variances
            const tr = 0.5 * (zr[i]! + zr[j]!);
            const ti = 0.5 * (zi[i]! - zi[j]!);
            const cr = 0.5 * (zi[i]! + zi[j]!);
            const ci = -0.5 * (zr[i]! - zr[j]!);
            const vtr = 0.5 * (vr[i]! + vr[j]!);
            const vti = 0.5 * (vi[i]! - vi[j]!);
            const vcr = 0.5 * (vi[i]! + vi[j]!);
            const vci = -0.5 * (vr[i]! - vr[j]!);
            // K̂ at the cell centre and its gradient, from the spatial terms' spectra
            let kcr = 0;
            let kci = 0;
            let kxr = 0;
            let kxi = 0;
            let kyr = 0;
            let kyi = 0;
            for (let t = 0; t < nsp; t++) {
              const sr = specR[t]![i]!;
              const si = specI[t]![i]!;
              kcr += p[t]! * sr;
              kci += p[t]! * si;
              kxr += gx[t]! * sr;
              kxi += gx[t]! * si;
              kyr += gy[t]! * sr;
              kyi += gy[t]! * si;
            }
            const f = decorrelate ? Math.sqrt(num / (sT + (kcr * kcr + kci * kci) * sC)) : 1;
            const dr = f * (tr - (kcr * cr - kci * ci));
            const di = f * (ti - (kcr * ci + kci * cr));
            const xr = f * (kxr * cr - kxi * ci);
            const xim = f * (kxr * ci + kxi * cr);
            const yr = f * (kyr * cr - kyi * ci);
            const yim = f * (kyr * ci + kyi * cr);
            const wr = wsr[i]! * vtr - wsi[i]! * vti + (wtr[i]! * vcr - wti[i]! * vci);
            const wi = wsr[i]! * vti + wsi[i]! * vtr + (wtr[i]! * vci + wti[i]! * vcr);
            // P1 = D̂ + iĜx, P2 = Ĝy + iV̂; at the mirror index every spectrum is conjugated
            zr[i] = dr - xim;
            zi[i] = di + xr;
            vr[i] = yr - wi;
            vi[i] = yim + wr;
            if (j !== i) {
              zr[j] = dr + xim;
              zi[j] = -di + xr;
              vr[j] = yr + wi;
              vi[j] = -yim + wr;
            }
          }
          fft2d(plan, zr, zi, true);
          fft2d(plan, vr, vi, true);
          store(input, solution, zr, zi, vr, vi, n, margin, x0, y0, valid, xc, yc, bgTerms);
        }
      }
    }
  }
}

/** FFT size (64 … 256) with the least work per output pixel for a cell overlap of `margin`. */
export function chooseFftSize(margin: number): number {
  let best = 512;
  let bestCost = Infinity;
  for (const n of [64, 128, 256, 512]) {
    const v = n - 2 * margin;
    if (v < 16) continue;
    const cost = (n / v) ** 2 * Math.log2(n) * (n > 256 ? 1.3 : 1); // big cells leave the cache
    if (cost < bestCost) {
      bestCost = cost;
      best = n;
    }
  }
  return best;
}

/** K̂_j for each spatial term j: the kernel with coefficients a_·j, wrapped onto n × n. */
function spatialKernelSpectra(
  sol: KernelSolution,
  plan: FftPlan,
): Array<[Float64Array, Float64Array]> {
  const nsp = polyTermCount(sol.spatialOrder);
  const { n } = plan;
  const h = sol.basis.halfWidth;
  const size = sol.basis.size;
  const coeff = new Float64Array(sol.basis.count);
  const img = new Float64Array(size * size);
  const out: Array<[Float64Array, Float64Array]> = [];
  for (let j = 0; j < nsp; j++) {
    for (let k = 0; k < sol.basis.count; k++) coeff[k] = sol.kernelCoefficients[k * nsp + j]!;
    renderKernel(sol.basis, coeff, img);
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let v = -h; v <= h; v++) {
      for (let u = -h; u <= h; u++) {
        re[((v + n) % n) * n + ((u + n) % n)] = img[(v + h) * size + u + h]!;
      }
    }
    fft2d(plan, re, im, false);
    out.push([re, im]);
  }
  return out;
}

function combine(
  spectra: ReadonlyArray<[Float64Array, Float64Array]>,
  nsp: number,
  w: Float64Array,
  outR: Float64Array,
  outI: Float64Array,
): void {
  outR.fill(0);
  outI.fill(0);
  for (let j = 0; j < nsp; j++) {
    const c = w[j]!;
    if (c === 0) continue;
    const [re, im] = spectra[j]!;
    for (let i = 0; i < outR.length; i++) {
      outR[i] = outR[i]! + c * re[i]!;
      outI[i] = outI[i]! + c * im[i]!;
    }
  }
}

function filterOf(
  on: boolean,
  kr: Float64Array,
  ki: Float64Array,
  sT: number,
  sC: number,
  k0: number,
  phi: Float64Array,
): void {
  if (!on) {
    phi.fill(1);
    return;
  }
  const num = sT + k0 * k0 * sC;
  for (let i = 0; i < phi.length; i++) {
    const k2 = kr[i]! * kr[i]! + ki[i]! * ki[i]!;
    phi[i] = Math.sqrt(num / (sT + k2 * sC));
  }
}

/** Ŵ_T = FFT(φ²), Ŵ_C = FFT((φ ⊛ K)²) from K̂ and φ̂ (two transforms). */
function varianceKernels(
  plan: FftPlan,
  kr: Float64Array,
  ki: Float64Array,
  phi: Float64Array,
  wsr: Float64Array,
  wsi: Float64Array,
  wtr: Float64Array,
  wti: Float64Array,
  mirror: Uint32Array,
): void {
  const nn = phi.length;
  // IFFT(φ̂ + i·φ̂K̂) = φ + i·(φ ⊛ K), both real
  for (let i = 0; i < nn; i++) {
    const f = phi[i]!;
    wsr[i] = f - f * ki[i]!;
    wsi[i] = f * kr[i]!;
  }
  fft2d(plan, wsr, wsi, true);
  for (let i = 0; i < nn; i++) {
    wsr[i] = wsr[i]! * wsr[i]!;
    wsi[i] = wsi[i]! * wsi[i]!;
  }
  fft2d(plan, wsr, wsi, false);
  for (let i = 0; i < nn; i++) {
    const j = mirror[i]!;
    if (j < i) continue;
    const ar = 0.5 * (wsr[i]! + wsr[j]!);
    const ai = 0.5 * (wsi[i]! - wsi[j]!);
    const br = 0.5 * (wsi[i]! + wsi[j]!);
    const bi = -0.5 * (wsr[i]! - wsr[j]!);
    wsr[i] = ar;
    wsi[i] = ai;
    wtr[i] = br;
    wti[i] = bi;
    wsr[j] = ar;
    wsi[j] = -ai;
    wtr[j] = br;
    wti[j] = -bi;
  }
}

function mirrorIndex(n: number): Uint32Array {
  const m = new Uint32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) m[y * n + x] = ((n - y) % n) * n + ((n - x) % n);
  }
  return m;
}

/** re ← a, im ← b over the n × n window at (x0, y0); outside the image or NaN → 0. */
function load(
  a: Float32Array,
  b: Float32Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  n: number,
  re: Float64Array,
  im: Float64Array,
): void {
  re.fill(0);
  im.fill(0);
  const xs = Math.max(0, x0);
  const xe = Math.min(width, x0 + n);
  for (let r = 0; r < n; r++) {
    const y = y0 + r;
    if (y < 0 || y >= height) continue;
    const src = y * width;
    const dst = r * n - x0;
    for (let x = xs; x < xe; x++) {
      const va = a[src + x]!;
      const vb = b[src + x]!;
      re[dst + x] = va === va && Math.abs(va) !== Infinity ? va : 0;
      im[dst + x] = vb === vb && Math.abs(vb) !== Infinity ? vb : 0;
    }
  }
}

function store(
  input: ApplyKernelInput,
  sol: KernelSolution,
  zr: Float64Array,
  zi: Float64Array,
  vr: Float64Array,
  vi: Float64Array,
  n: number,
  margin: number,
  x0: number,
  y0: number,
  valid: number,
  xc: number,
  yc: number,
  q: Float64Array,
): void {
  const { width, height, sign, scale } = input;
  const nbg = polyTermCount(sol.backgroundOrder);
  const b = sol.backgroundCoefficients;
  const s = sign / scale;
  const s2 = 1 / (scale * scale);
  for (let y = y0; y < Math.min(height, y0 + valid); y++) {
    const row = (y - y0 + margin) * n + margin - x0;
    for (let x = x0; x < Math.min(width, x0 + valid); x++) {
      const i = row + x;
      polyTerms(sol.backgroundOrder, x, y, width, height, q);
      let bg = 0;
      for (let m = 0; m < nbg; m++) bg += b[m]! * q[m]!;
      const d = zr[i]! - (x - xc) * zi[i]! - (y - yc) * vr[i]! - bg;
      input.difference[y * width + x] = s * d;
      input.variance[y * width + x] = s2 * vi[i]!;
    }
  }
}
