import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { REFERENCE_PYTHON, pythonHas } from '../../testing/reference-python.js';
import { createKernelBasis, renderKernel } from './kernel-basis.js';
import { fitKernel, kernelImageAt } from './kernel-fit.js';
import { kernelSigma, subtractImages, type SubtractResult } from './subtract.js';
import { apertureSums, makeImagePair, type PointSource } from './testing/synth-pair.js';

const SCRIPT = fileURLToPath(new URL('./testing/lstsq-reference.py', import.meta.url));
const haveNumpy = pythonHas('numpy', 'scipy.signal');
if (!haveNumpy)
  console.warn(
    'numpy/scipy missing under /usr/bin/python3 (Debian: python3-scipy): lstsq reference skipped',
  );

const W = 1024;
const transients: PointSource[] = [
  { x: 200.3, y: 300.6, flux: 25000 },
  { x: 700.7, y: 150.2, flux: 40000 },
  { x: 500.1, y: 800.9, flux: 60000 },
  { x: 850.5, y: 620.4, flux: 30000 },
];

function pair(
  templateSigma: number,
  scienceSigma: number | ((x: number, y: number) => number),
  extra: readonly PointSource[] = [],
) {
  return makeImagePair({
    width: W,
    height: W,
    seed: 11,
    nStars: 500,
    fluxMin: 3e3,
    fluxMax: 3e5,
    templateSigmaPx: templateSigma,
    scienceSigmaPx: scienceSigma,
    sky: 500,
    scienceSkyOffset: 40,
    scienceSkyGradX: 0.01,
    readVariance: 25,
    scienceGain: 1,
    templateGain: 4,
    transients: [...transients, ...extra],
  });
}

/** Normalised aperture sums (sum / sqrt(Σ var)) at stars clear of other sources and edges. */
function starResiduals(res: SubtractResult, stars: PointSource[], r: number): number[] {
  const z: number[] = [];
  for (const s of stars) {
    if (s.x < 40 || s.y < 40 || s.x > W - 41 || s.y > W - 41) continue;
    const crowded = [...stars, ...transients].some(
      (o) => o !== s && (o.x - s.x) ** 2 + (o.y - s.y) ** 2 < (3 * r) ** 2,
    );
    if (crowded) continue;
    const a = apertureSums(res.difference.data, res.variance.data, W, s.x, s.y, r);
    z.push(a.sum / Math.sqrt(a.variance));
  }
  return z;
}

function transientRatios(res: SubtractResult): number[] {
  return transients.map(
    (t) => apertureSums(res.difference.data, res.variance.data, W, t.x, t.y, 10).sum / t.flux,
  );
}

/** Lag-1 correlation along x of diff/sqrt(var) over pixels ≥ 15 px from every source. */
function neighbourCorrelation(res: SubtractResult, sources: PointSource[]): number {
  const far = new Uint8Array(W * W).fill(1);
  for (const s of sources) {
    for (
      let y = Math.max(0, Math.round(s.y) - 15);
      y <= Math.min(W - 1, Math.round(s.y) + 15);
      y++
    ) {
      for (
        let x = Math.max(0, Math.round(s.x) - 16);
        x <= Math.min(W - 1, Math.round(s.x) + 15);
        x++
      )
        far[y * W + x] = 0;
    }
  }
  let sab = 0;
  let saa = 0;
  for (let i = 0; i < W * W - 1; i++) {
    if (!far[i] || !far[i + 1]) continue;
    const a = res.difference.data[i]! / Math.sqrt(res.variance.data[i]!);
    const b = res.difference.data[i + 1]! / Math.sqrt(res.variance.data[i + 1]!);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    sab += a * b;
    saa += a * a;
  }
  return sab / saa;
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));

describe('subtractImages on a star field with mismatched PSFs (template σ 1.5 px, science 2.2 px)', () => {
  let data: ReturnType<typeof pair>;
  let res: SubtractResult;
  beforeAll(() => {
    data = pair(1.5, 2.2);
    res = subtractImages(data.science, data.template);
  });

  it('convolves the sharper template and leaves residuals at the stars consistent with noise', () => {
    expect(res.convolved).toBe('template');
    expect(res.psfSigmaPx.template).toBeLessThan(res.psfSigmaPx.science);
    const z = starResiduals(res, data.stars, 6);
    expect(z.length).toBeGreaterThan(150);
    // mean residual within 3 standard errors of zero, scatter that of the noise
    expect(Math.abs(mean(z))).toBeLessThan((3 * std(z)) / Math.sqrt(z.length));
    expect(std(z)).toBeLessThan(1.25);
    expect(res.quality.stampsUsed).toBeGreaterThan(100);
    expect(res.quality.residualRmsMedian).toBeLessThan(1.1);
    expect(Math.abs(res.kernel.kernelSum - 1)).toBeLessThan(0.01);
  });

  it('recovers injected transients with their flux within 5 %', () => {
    for (const r of transientRatios(res)) expect(Math.abs(r - 1)).toBeLessThan(0.05);
  });

  it('whitens the difference noise with the decorrelation; without it the correlation follows the kernel', () => {
    // template noise as large as the science's, so the convolved noise matters
    const noisy = makeImagePair({
      width: W,
      height: W,
      seed: 5,
      nStars: 300,
      fluxMin: 3e3,
      fluxMax: 3e5,
      templateSigmaPx: 1.5,
      scienceSigmaPx: 2.2,
      sky: 500,
      readVariance: 25,
      scienceGain: 1,
      templateGain: 1,
    });
    const sources = noisy.stars;
    const raw = subtractImages(noisy.science, noisy.template, { decorrelate: false });
    const white = subtractImages(noisy.science, noisy.template);
    // predicted lag-1 correlation: Σ K(u)K(u+1)·σ_T² / (σ_S² + ΣK²·σ_T²), equal σ here
    const h = raw.kernel.basis.halfWidth;
    const size = 2 * h + 1;
    const k = kernelImageAt(raw.kernel, W / 2, W / 2);
    let k2 = 0;
    let k11 = 0;
    for (let v = 0; v < size; v++) {
      for (let u = 0; u < size; u++) {
        k2 += k[v * size + u]! ** 2;
        if (u + 1 < size) k11 += k[v * size + u]! * k[v * size + u + 1]!;
      }
    }
    const predicted = k11 / (1 + k2);
    const rhoRaw = neighbourCorrelation(raw, sources);
    const rho = neighbourCorrelation(white, sources);
    expect(predicted).toBeGreaterThan(0.02);
    expect(Math.abs(rhoRaw - predicted)).toBeLessThan(0.006);
    expect(Math.abs(rho)).toBeLessThan(0.006);
  });
});

describe('subtractImages, other cases', () => {
  it('convolves the science when the template is broader, keeping science − template signs and flux', () => {
    const { science, template, stars } = pair(2.2, 1.5);
    const res = subtractImages(science, template);
    expect(res.convolved).toBe('science');
    for (const r of transientRatios(res)) expect(Math.abs(r - 1)).toBeLessThan(0.05);
    const z = starResiduals(res, stars, 6);
    expect(Math.abs(mean(z))).toBeLessThan((3 * std(z)) / Math.sqrt(z.length));
    expect(std(z)).toBeLessThan(1.25);
  });

  it('recovers a PSF that varies across the detector in a kernel that varies with it', () => {
    const sigmaAt = (x: number) => 1.9 + (0.6 * x) / (W - 1);
    const { science, template, stars } = pair(1.5, (x) => sigmaAt(x));
    const res = subtractImages(science, template);
    const h = res.kernel.basis.halfWidth;
    for (const x of [0, W / 2, W - 1]) {
      const expected = Math.sqrt(sigmaAt(x) ** 2 - 1.5 ** 2);
      const got = kernelSigma(kernelImageAt(res.kernel, x, W / 2), h);
      expect(Math.abs(got / expected - 1)).toBeLessThan(0.1);
    }
    const z = starResiduals(res, stars, 6);
    expect(Math.abs(mean(z))).toBeLessThan((3 * std(z)) / Math.sqrt(z.length));
    expect(std(z)).toBeLessThan(1.3);
  });

  it('keeps stars that changed brightness out of the kernel fit', () => {
    const base = pair(1.5, 2.2);
    // brighten 12 of the stars the fit would pick (bright ones) by 30 % in the science
    const bright = [...base.stars]
      .sort((a, b) => b.flux - a.flux)
      .slice(10, 60)
      .filter((_, i) => i % 4 === 0);
    const varied = pair(
      1.5,
      2.2,
      bright.map((s) => ({ x: s.x, y: s.y, flux: 0.3 * s.flux })),
    );
    const res = subtractImages(varied.science, varied.template);
    const steady = subtractImages(base.science, base.template);
    const usedOnVariables = bright.filter((b) =>
      res.stamps.some((r) => r.used && Math.hypot(r.x - b.x, r.y - b.y) < 2),
    );
    // screened out by their flux ratio before the fit (or clipped by it), never used
    expect(usedOnVariables).toEqual([]);
    expect(res.stamps.filter((r) => r.used).length).toBeGreaterThan(10);
    expect(Math.abs(res.quality.kernelSum - steady.quality.kernelSum)).toBeLessThan(0.01);
  });

  it('refuses an unknown method and a field without enough stars, with stable codes', () => {
    const { science, template } = pair(1.5, 2.2);
    const errs: unknown[] = [];
    try {
      subtractImages(science, template, { method: 'zogy' as 'alard-lupton' });
    } catch (e) {
      errs.push(e);
    }
    const empty = { width: 256, height: 256, data: new Float32Array(256 * 256).fill(10) };
    const v = { width: 256, height: 256, data: new Float32Array(256 * 256).fill(10) };
    try {
      subtractImages(
        { image: empty, variance: v },
        { image: empty, variance: v },
        { psfSigmaPx: { science: 2, template: 1.5 } },
      );
    } catch (e) {
      errs.push(e);
    }
    expect(isPromptlyError(errs[0], 'PROMPTLY_E_SCIENCE_OPTION_INVALID')).toBe(true);
    expect(isPromptlyError(errs[1], 'PROMPTLY_E_KERNEL_FIT_FAILED')).toBe(true);
  });
});

describe('fitKernel', () => {
  it.skipIf(!haveNumpy)(
    'solves the same least-squares problem as scipy convolve2d + numpy lstsq',
    () => {
      const { science, template, stars } = pair(1.5, 2.2);
      const star = stars.find(
        (s) => s.flux > 5e4 && s.x > 100 && s.y > 100 && s.x < W - 100 && s.y < W - 100,
      )!;
      const cx = Math.round(star.x);
      const cy = Math.round(star.y);
      const basis = createKernelBasis({
        sigmasPx: [0.8, 1.6, 3.2],
        degrees: [4, 2, 2],
        halfWidthPx: 8,
      });
      const F = 10;
      const conv = { data: template.image.data, variance: template.variance.data };
      const targ = { data: science.image.data, variance: science.variance.data };
      const { solution } = fitKernel(conv, targ, W, W, [{ x: cx, y: cy }], basis, {
        spatialOrder: 0,
        backgroundOrder: 0,
        fitHalfPx: F,
        maxIterations: 1,
      });
      const h = basis.halfWidth;
      const grab = (d: Float32Array, half: number) =>
        Array.from({ length: 2 * half + 1 }, (_, r) =>
          Array.from(
            d.subarray((cy - half + r) * W + cx - half, (cy - half + r) * W + cx + half + 1),
          ),
        );
      const weight = grab(targ.variance, F).map((row, r) =>
        row.map((v, c) => 1 / (v + conv.variance[(cy - F + r) * W + cx - F + c]!)),
      );
      const images = Array.from({ length: basis.count }, (_, k) => {
        const coeff = new Float64Array(basis.count);
        coeff[k] = 1;
        const img = renderKernel(basis, coeff);
        return Array.from({ length: basis.size }, (_, r) =>
          Array.from(img.subarray(r * basis.size, (r + 1) * basis.size)),
        );
      });
      const dir = mkdtempSync(join(tmpdir(), 'promptly-lstsq-'));
      try {
        writeFileSync(
          join(dir, 'in.json'),
          JSON.stringify({
            conv: grab(conv.data, F + h),
            target: grab(targ.data, F),
            weight,
            basis: images,
          }),
        );
        execFileSync(REFERENCE_PYTHON, [SCRIPT, join(dir, 'in.json'), join(dir, 'out.json')], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        const ref = (
          JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { coefficients: number[] }
        ).coefficients;
        // compare the kernels (the basis is not orthogonal, so compare images, not coefficients)
        const oursK = renderKernel(basis, solution.kernelCoefficients);
        const refK = renderKernel(basis, ref.slice(0, basis.count));
        let peak = 0;
        let worst = 0;
        for (let i = 0; i < oursK.length; i++) {
          peak = Math.max(peak, Math.abs(refK[i]!));
          worst = Math.max(worst, Math.abs(oursK[i]! - refK[i]!));
        }
        expect(worst / peak).toBeLessThan(1e-5);
        expect(solution.backgroundCoefficients[0]).toBeCloseTo(ref[basis.count]!, 3);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
