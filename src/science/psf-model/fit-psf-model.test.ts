import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/prng.js';
import { moffatPsf } from '../exposure/psf.js';
import { imageFrom } from '../image.js';
import { halfMaximumFwhm } from '../coadd/index.js';
import { fitPsfModel } from './fit-psf-model.js';

const W = 600;
const H = 500;
/** True PSF: a Moffat (β 3.5, ellipticity 0.08) whose FWHM grows from 3.0 px (x = 0) to 4.2 px. */
const fwhmAt = (x: number) => 3.0 + (1.2 * x) / (W - 1);
const truePsf = (x: number) =>
  moffatPsf({ fwhmPx: fwhmAt(x), ellipticity: 0.08, positionAngleDeg: 30, beta: 3.5 });

/** A field of `n` stars of flux 2·10⁵ e⁻ on white noise of σ 10 e⁻, and their positions. */
function starField(seed: number, n: number) {
  const rng = new Prng(seed);
  const data = new Float32Array(W * H);
  const x: number[] = [];
  const y: number[] = [];
  const r = 15;
  const side = 2 * r + 1;
  for (let k = 0; k < n; k++) {
    const sx = rng.uniform(30, W - 30);
    const sy = rng.uniform(30, H - 30);
    // isolated stars, as the pipeline picks them
    if (x.some((ox, i) => Math.hypot(ox - sx, y[i]! - sy) < 2 * r)) continue;
    x.push(sx);
    y.push(sy);
    const cx = Math.round(sx);
    const cy = Math.round(sy);
    const kernel = truePsf(sx).kernelImage({ radiusPx: r, dx: sx - cx, dy: sy - cy });
    for (let j = 0; j < side; j++)
      for (let i = 0; i < side; i++)
        data[(cy - r + j) * W + (cx - r + i)]! += 2e5 * kernel[j * side + i]!;
  }
  for (let i = 0; i < data.length; i++) data[i]! += 10 * rng.gaussian();
  return { image: imageFrom(W, H, data), x, y };
}

describe('PSF model from the stars of an exposure', () => {
  it('follows a PSF that varies across the detector, to the residual it documents', () => {
    const { image, x, y } = starField(3, 40);
    const fit = fitPsfModel(image, undefined, { x, y }, { radiusPx: 10 });
    expect(fit.order).toBe(1);
    expect(fit.stars).toBeGreaterThanOrEqual(25);
    expect(fit.residualRms).toBeLessThan(0.01); // < 1 % of the peak, per pixel
    // FWHM at the centre by half maximum (not second moments, which a Moffat's wings inflate),
    // measured the same way on the true pixel kernel there: within 3 %
    const trueCentre = truePsf((W - 1) / 2).kernelImage({ radiusPx: 10 });
    const truthFwhm = halfMaximumFwhm({
      width: 21,
      height: 21,
      pixels: Float32Array.from(trueCentre),
    });
    expect(Math.abs(fit.fwhmPx / truthFwhm - 1)).toBeLessThan(0.03);
    // the model at the left edge, the centre and the right edge against the truth there (both
    // unit-sum inside the same 21 × 21 kernel): every pixel within 5 % of the peak (Lanczos
    // recentring of a 3 px FWHM star softens its peak by ~2 %), second-moment width within 3 %
    const r = 10;
    const width = (k: Float64Array) => {
      let s = 0;
      let m = 0;
      for (let j = 0; j <= 2 * r; j++)
        for (let i = 0; i <= 2 * r; i++) {
          s += k[j * (2 * r + 1) + i]!;
          m += k[j * (2 * r + 1) + i]! * ((i - r) ** 2 + (j - r) ** 2);
        }
      return Math.sqrt(m / s);
    };
    for (const px of [40, W / 2, W - 40]) {
      const model = fit.psf.kernelImage({ radiusPx: r, x: px, y: H / 2 });
      const truth = truePsf(px).kernelImage({ radiusPx: r });
      let s = 0;
      for (const v of truth) s += v;
      let worst = 0;
      let peak = 0;
      for (let k = 0; k < model.length; k++) {
        worst = Math.max(worst, Math.abs(model[k]! - truth[k]! / s));
        peak = Math.max(peak, truth[k]! / s);
      }
      expect(worst / peak).toBeLessThan(0.05);
      expect(Math.abs(width(model) / width(truth) - 1)).toBeLessThan(0.03);
    }
  });

  it('falls back to a constant kernel with few stars, and refuses fewer than three', () => {
    const few = starField(4, 5);
    expect(fitPsfModel(few.image, undefined, few, { radiusPx: 8 }).order).toBe(0);
    const two = starField(5, 2);
    expect(() => fitPsfModel(two.image, undefined, two)).toThrow(/needs 3 stars/);
  });
});
