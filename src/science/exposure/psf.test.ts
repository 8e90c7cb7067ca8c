import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { pixelPsf } from './pixel-psf.js';
import { GAUSSIAN_FWHM_PER_SIGMA, gaussianPsf, moffatPsf } from './psf.js';

/** Centroid and second moments of a (2r+1)² kernel, pixels. */
function moments(
  k: Float64Array,
  r: number,
): { x: number; y: number; xx: number; yy: number; xy: number } {
  const side = 2 * r + 1;
  let s = 0;
  let x = 0;
  let y = 0;
  for (let j = 0; j < side; j++)
    for (let i = 0; i < side; i++) {
      const v = k[j * side + i]!;
      s += v;
      x += v * (i - r);
      y += v * (j - r);
    }
  x /= s;
  y /= s;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let j = 0; j < side; j++)
    for (let i = 0; i < side; i++) {
      const v = k[j * side + i]! / s;
      xx += v * (i - r - x) ** 2;
      yy += v * (j - r - y) ** 2;
      xy += v * (i - r - x) * (j - r - y);
    }
  return { x, y, xx, yy, xy };
}

describe('PSF models', () => {
  it('renders a unit-sum Gaussian whose second moments give its FWHM (within 1 %, pixel-integrated)', () => {
    const fwhm = 3;
    const k = gaussianPsf({ fwhmPx: fwhm }).kernelImage({ radiusPx: 10 });
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const m = moments(k, 10);
    // a pixel-integrated Gaussian has σ² + 1/12 per axis
    const sigma = Math.sqrt((m.xx + m.yy) / 2 - 1 / 12);
    expect(Math.abs(sigma * GAUSSIAN_FWHM_PER_SIGMA - fwhm) / fwhm).toBeLessThan(0.01);
  });

  it('puts the centroid at the requested sub-pixel offset and the major axis at the position angle', () => {
    const psf = moffatPsf({ fwhmPx: 3, ellipticity: 0.3, positionAngleDeg: 45, beta: 4 });
    const m = moments(psf.kernelImage({ radiusPx: 14, dx: 0.3, dy: -0.2 }), 14);
    expect(m.x).toBeCloseTo(0.3, 2);
    expect(m.y).toBeCloseTo(-0.2, 2);
    const angle = (0.5 * Math.atan2(2 * m.xy, m.xx - m.yy) * 180) / Math.PI;
    expect(angle).toBeCloseTo(45, 0);
    // axis ratio b/a = 1 − e from the moment eigenvalues (√ of the ratio)
    const tr = m.xx + m.yy;
    const det = Math.sqrt((m.xx - m.yy) ** 2 + 4 * m.xy ** 2);
    expect(Math.sqrt((tr - det) / (tr + det))).toBeCloseTo(0.7, 1);
  });

  it('gives a Moffat profile half its peak at FWHM/2 from the centre', () => {
    const psf = moffatPsf({ fwhmPx: 8, beta: 3 });
    const r = 12;
    const k = psf.kernelImage({ radiusPx: r });
    const side = 2 * r + 1;
    const peak = k[r * side + r]!;
    const at4 = k[r * side + r + 4]!;
    // pixel integration flattens the peak slightly; a broad profile keeps it within 3 %
    expect(Math.abs(at4 / peak - 0.5)).toBeLessThan(0.03);
  });

  it('shifts a pixelized kernel with Lanczos-3, keeping unit sum', () => {
    const base = gaussianPsf({ fwhmPx: 3.5 }).kernelImage({ radiusPx: 8 });
    const psf = pixelPsf({ width: 17, height: 17, pixels: Float32Array.from(base) });
    const m = moments(psf.kernelImage({ radiusPx: 8, dx: 0.25, dy: 0.4 }), 8);
    expect(m.x).toBeCloseTo(0.25, 2);
    expect(m.y).toBeCloseTo(0.4, 2);
    expect(psf.fwhmPx).toBeGreaterThan(3.4);
  });

  it('refuses a non-positive FWHM, an ellipticity ≥ 1 and an even kernel with PROMPTLY_E_EXPOSURE_INVALID', () => {
    for (const make of [
      () => gaussianPsf({ fwhmPx: 0 }),
      () => moffatPsf({ fwhmPx: 2, ellipticity: 1 }),
      () => pixelPsf({ width: 4, height: 4, pixels: new Float32Array(16).fill(1) }),
    ]) {
      let err: unknown;
      try {
        make();
      } catch (e) {
        err = e;
      }
      expect(isPromptlyError(err, 'PROMPTLY_E_EXPOSURE_INVALID')).toBe(true);
    }
  });
});
