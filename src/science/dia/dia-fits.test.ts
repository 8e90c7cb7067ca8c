import { describe, expect, it } from 'vitest';
import { Prng } from '../../sim/prng.js';
import { imageFrom, type Image } from '../image.js';
import { windowCentroids } from '../window-centroid.js';
import {
  erf,
  fitDipole,
  fitPsf,
  fitPsfWidth,
  fitTrail,
  forcedPsfFluxes,
  pixelProfile,
} from './index.js';

const SIZE = 64;

/** Adds a pixel-integrated Gaussian source of `flux` at (x, y). */
function addGaussian(image: Float32Array, x: number, y: number, flux: number, sigma: number) {
  const px = new Float64Array(SIZE);
  const py = new Float64Array(SIZE);
  pixelProfile(x, sigma, 0, SIZE, px);
  pixelProfile(y, sigma, 0, SIZE, py);
  for (let j = 0; j < SIZE; j++)
    for (let i = 0; i < SIZE; i++) image[j * SIZE + i]! += flux * px[i]! * py[j]!;
}

function noisy(rng: Prng, image: Float32Array, sigma: number): Image {
  for (let i = 0; i < image.length; i++) image[i]! += sigma * rng.gaussian();
  return imageFrom(SIZE, SIZE, image);
}

const variance = (v: number) => imageFrom(SIZE, SIZE, new Float32Array(SIZE * SIZE).fill(v));
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

describe('erf', () => {
  it('matches tabulated values to 2·10⁻⁷ (Abramowitz & Stegun table 7.1)', () => {
    const table: [number, number][] = [
      [0, 0],
      [0.1, 0.112462916],
      [0.5, 0.5204998778],
      [1, 0.8427007929],
      [1.5, 0.9661051465],
      [2, 0.995322265],
      [3, 0.9999779095],
    ];
    for (const [x, v] of table) {
      expect(Math.abs(erf(x) - v)).toBeLessThan(2e-7);
      expect(Math.abs(erf(-x) + v)).toBeLessThan(2e-7);
    }
  });
});

describe('PSF fit', () => {
  it('measures flux without bias, with errors that match the scatter, and centroids at the Cramér–Rao bound', () => {
    const rng = new Prng(7);
    const sigma = 1.5;
    const noise = 10;
    const flux = 2000;
    const pulls: number[] = [];
    const dx: number[] = [];
    const dxWindow: number[] = [];
    let fluxErr = 0;
    for (let t = 0; t < 300; t++) {
      const x = 31 + rng.uniform(-0.5, 0.5);
      const y = 32 + rng.uniform(-0.5, 0.5);
      const img = new Float32Array(SIZE * SIZE);
      addGaussian(img, x, y, flux, sigma);
      const image = noisy(rng, img, noise);
      const fit = fitPsf(image, variance(noise * noise), Math.round(x), Math.round(y), {
        sigmaPx: sigma,
      })!;
      expect(fit.converged).toBe(true);
      pulls.push((fit.flux - flux) / fit.fluxErr);
      fluxErr = fit.fluxErr;
      dx.push(fit.x - x);
      const w = windowCentroids(
        image,
        Float64Array.of(Math.round(x)),
        Float64Array.of(Math.round(y)),
        sigma,
      );
      dxWindow.push(w.x[0]! - x);
    }
    // flux: unbiased within 3 standard errors of the mean, pulls of unit width within 12 %
    expect(Math.abs(mean(pulls))).toBeLessThan(3 / Math.sqrt(pulls.length));
    expect(std(pulls)).toBeGreaterThan(0.88);
    expect(std(pulls)).toBeLessThan(1.12);
    // Cramér–Rao bound of x for a Gaussian PSF of σ in white noise n: √(8π)·σ²·n/F (pixels
    // make it a little larger)
    const bound = (Math.sqrt(8 * Math.PI) * sigma ** 2 * noise) / flux;
    expect(std(dx)).toBeLessThan(1.15 * bound);
    expect(std(dx)).toBeLessThanOrEqual(std(dxWindow) * 1.02);
    expect(fluxErr).toBeGreaterThan(0);
  });

  it('forced photometry at a blank position measures zero within its error', () => {
    const rng = new Prng(3);
    const image = noisy(rng, new Float32Array(SIZE * SIZE), 5);
    const forced = forcedPsfFluxes(image, variance(25), [20, 40], [20, 40], 1.5);
    for (let k = 0; k < 2; k++)
      expect(Math.abs(forced.flux[k]!)).toBeLessThan(4 * forced.fluxErr[k]!);
    expect(forced.ndata[0]).toBeGreaterThan(20);
  });

  it('refuses a PSF width out of bounds', () => {
    const image = imageFrom(SIZE, SIZE, new Float32Array(SIZE * SIZE));
    expect(() => fitPsf(image, variance(1), 10, 10, { sigmaPx: 0 })).toThrow(RangeError);
  });
});

describe('PSF width fit', () => {
  it('recovers a sharper PSF than the one assumed, and the flux it then measures is unbiased', () => {
    const rng = new Prng(11);
    const truth = 1.3;
    const assumed = 1.6;
    const noise = 10;
    const flux = 3000;
    const widths: number[] = [];
    const ratios: number[] = [];
    for (let t = 0; t < 100; t++) {
      const x = 31 + rng.uniform(-0.5, 0.5);
      const y = 32 + rng.uniform(-0.5, 0.5);
      const img = new Float32Array(SIZE * SIZE);
      addGaussian(img, x, y, flux, truth);
      const image = noisy(rng, img, noise);
      const v = variance(noise * noise);
      const s = fitPsfWidth(image, v, x, y, { lo: 0.5 * assumed, hi: 1.5 * assumed, radiusPx: 6 })!;
      widths.push(s);
      ratios.push(fitPsf(image, v, x, y, { sigmaPx: s, fitPosition: false })!.flux / flux);
    }
    // at S/N ≈ 100 the width is good to about 1 %; the assumed width would bias the flux by
    // 2σ²/(σ² + σ_true²) − 1 = +20 %
    expect(Math.abs(mean(widths) - truth)).toBeLessThan(0.02);
    expect(Math.abs(mean(ratios) - 1)).toBeLessThan(0.01);
    const biased = fitPsf(
      noisy(
        rng,
        (() => {
          const img = new Float32Array(SIZE * SIZE);
          addGaussian(img, 31, 32, flux, truth);
          return img;
        })(),
        noise,
      ),
      variance(noise * noise),
      31,
      32,
      { sigmaPx: assumed, fitPosition: false },
    )!;
    expect(biased.flux / flux).toBeGreaterThan(1.12);
  });
});

describe('trail fit', () => {
  it('recovers the length, angle and flux of a trailed source', () => {
    const rng = new Prng(11);
    const sigma = 1.4;
    const [x0, y0, length, angle, flux] = [32, 31.3, 24, 0.6, 30_000];
    const img = new Float32Array(SIZE * SIZE);
    const samples = 200;
    for (let k = 0; k < samples; k++) {
      const t = -length / 2 + (length * (k + 0.5)) / samples;
      addGaussian(img, x0 + t * Math.cos(angle), y0 + t * Math.sin(angle), flux / samples, sigma);
    }
    const image = noisy(rng, img, 8);
    // second moments of the trail as detection would measure them
    const major = Math.sqrt(sigma ** 2 + length ** 2 / 12);
    const fit = fitTrail(
      image,
      variance(64),
      { x: 31, y: 32, majorPx: major * 0.9, angleRad: 0.5 },
      sigma,
    )!;
    expect(Math.abs(fit.lengthPx - length)).toBeLessThan(0.05 * length);
    expect(Math.abs(fit.angleRad - angle)).toBeLessThan(0.02);
    expect(Math.abs(fit.flux - flux)).toBeLessThan(4 * fit.fluxErr + 0.01 * flux);
    expect(Math.hypot(fit.x - x0, fit.y - y0)).toBeLessThan(0.2);
  });
});

describe('dipole fit', () => {
  it('recovers both lobes of a dipole without bias over noise realisations', () => {
    const rng = new Prng(5);
    const sigma = 1.6;
    const trueLength = Math.hypot(2.2, 0.8);
    const trueAngle = Math.atan2(31.2 - 32, 30.4 - 32.6);
    const fits = [];
    for (let t = 0; t < 30; t++) {
      const img = new Float32Array(SIZE * SIZE);
      addGaussian(img, 30.4, 31.2, 5000, sigma);
      addGaussian(img, 32.6, 32.0, -4000, sigma);
      const image = noisy(rng, img, 6);
      fits.push(fitDipole(image, variance(36), { x: 30, y: 31 }, { x: 33, y: 32 }, sigma)!);
    }
    // lobes 1.5 σ apart trade separation against flux, so each fit scatters; the mean does not
    const n = Math.sqrt(fits.length);
    const check = (values: number[], truth: number) =>
      expect(Math.abs(mean(values) - truth)).toBeLessThan((3 * std(values)) / n + 1e-9);
    check(
      fits.map((f) => f.fluxPos),
      5000,
    );
    check(
      fits.map((f) => f.fluxNeg),
      4000,
    );
    check(
      fits.map((f) => f.lengthPx),
      trueLength,
    );
    check(
      fits.map((f) => f.angleRad),
      trueAngle,
    );
    expect(std(fits.map((f) => f.lengthPx))).toBeLessThan(0.2);
    expect(mean(fits.map((f) => f.chi2 / f.ndata))).toBeLessThan(1.15);
    for (const f of fits) expect(f.meanFlux).toBeCloseTo((f.fluxPos + f.fluxNeg) / 2, 6);
  });
});
