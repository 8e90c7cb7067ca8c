import { describe, expect, it } from 'vitest';
import { estimateBackground } from './background.js';
import { detectRows, meshBackgroundRows } from './banded-detect.js';
import { imageRows } from './row-source.js';
import { measureRows } from './banded-measure.js';
import { detectSources } from './detect.js';
import type { Image } from './image.js';
import { measureSources, SOURCE_FLAGS, type SourceCatalog } from './measure.js';
import { makeStarField } from './testing/synth.js';

function field(width: number, height: number, seed: number): Image {
  const f = makeStarField({
    width,
    height,
    seed,
    nStars: 80,
    sky: 800,
    skyGradX: 0.05,
    noiseSigma: 20,
    fwhmPx: 3,
    fluxMin: 2000,
    fluxMax: 400000,
    minSeparationPx: 6,
    marginPx: 0,
  });
  // scattered NaN pixels and a masked strip, so the non-finite flags have work to do
  for (let i = 0; i < 60; i++) f.data[(i * 7919) % f.data.length] = NaN;
  f.data.fill(NaN, width * 100 + 40, width * 100 + 90);
  return { width, height, data: f.data };
}

/** Relative agreement of two catalogs' float columns; integer columns must be equal. */
function expectSameCatalog(a: SourceCatalog, b: SourceCatalog, rel: number): void {
  expect(b.length).toBe(a.length);
  expect(Array.from(b.npix)).toEqual(Array.from(a.npix));
  expect(Array.from(b.flags)).toEqual(Array.from(a.flags));
  for (const key of [
    'x',
    'y',
    'flux',
    'fluxErr',
    'apFlux',
    'apFluxErr',
    'peak',
    'a',
    'b',
  ] as const) {
    for (let k = 0; k < a.length; k++) {
      const u = a[key][k]!;
      const v = b[key][k]!;
      // a NaN pixel inside a filtered footprint makes its sums NaN on both paths
      if (Number.isNaN(u)) {
        expect(v, `${key}[${k}]`).toBeNaN();
        continue;
      }
      expect(Math.abs(u - v), `${key}[${k}] ${u} vs ${v}`).toBeLessThanOrEqual(
        rel * Math.max(1, Math.abs(u)),
      );
    }
  }
  for (let k = 0; k < a.length; k++) {
    // θ is undefined for round sources: compare the angle only where the shape says which way
    if (a.a[k]! - a.b[k]! > 1e-3) expect(Math.abs(b.theta[k]! - a.theta[k]!)).toBeLessThan(1e-6);
  }
}

describe('banded detection and measurement', () => {
  for (const psfFwhmPx of [3, undefined]) {
    it(`gives the whole-image catalog without full-frame planes (filter FWHM ${psfFwhmPx ?? 'none'})`, () => {
      const image = field(333, 271, 11);
      const options = { meshSize: 32, filterSize: 3 };
      const bg = estimateBackground(image, options);
      const detOptions = {
        nSigma: 5,
        minArea: 5,
        saturation: 3000,
        ...(psfFwhmPx !== undefined ? { psfFwhmPx } : {}),
      };
      const whole = measureSources(image, detectSources(image, bg, detOptions), bg.rms, {
        apertureRadiusPx: 4,
        gain: 2,
        saturation: detOptions.saturation,
      });
      const rows = meshBackgroundRows(bg.mesh, image.width, image.height);
      const found = detectRows(imageRows(image), rows, detOptions);
      const banded = measureRows(imageRows(image), rows, found, { apertureRadiusPx: 4, gain: 2 });
      expect(whole.length).toBeGreaterThan(40);
      // every flag occurs, so each one's banded bookkeeping is exercised
      for (const bit of Object.values(SOURCE_FLAGS)) {
        expect(
          whole.flags.some((f) => (f & bit) !== 0),
          `flag ${bit}`,
        ).toBe(true);
      }
      expectSameCatalog(whole, banded, 1e-9);
    });
  }

  it('reads each row source once, in ascending order', () => {
    const image = field(128, 96, 5);
    const bg = estimateBackground(image, { meshSize: 32 });
    const seen: number[] = [];
    const source = imageRows(image);
    const logged = { ...source, row: (y: number) => (seen.push(y), source.row(y)) };
    const rows = meshBackgroundRows(bg.mesh, image.width, image.height);
    detectRows(logged, rows, { psfFwhmPx: 3 });
    expect(seen).toEqual(Array.from({ length: image.height }, (_, y) => y));
  });
});

describe('a threshold noise map apart from the measurement noise', () => {
  it('thresholds in the scaled σ but gives flux errors from the plain one', () => {
    const image = field(200, 180, 9);
    const bg = estimateBackground(image, { meshSize: 32 });
    const plain = meshBackgroundRows(bg.mesh, image.width, image.height);
    const doubled = meshBackgroundRows(
      { ...bg.mesh, rms: bg.mesh.rms.map((v) => 2 * v) },
      image.width,
      image.height,
    );
    const options = { nSigma: 3, minArea: 3, psfFwhmPx: 3 };
    // 3σ of a doubled σ is 6σ of the plain one
    const scaled = detectRows(imageRows(image), { ...plain, threshold: doubled.rms }, options);
    const six = detectRows(imageRows(image), plain, { ...options, nSigma: 6 });
    expect(scaled.footprints).toEqual(six.footprints);
    expect(scaled.variance).toEqual(six.variance);
    const loose = detectRows(imageRows(image), plain, options);
    expect(loose.footprints.pixels.length).toBeGreaterThan(scaled.footprints.pixels.length);
  });
});

describe('negative sources in the same pass', () => {
  it('finds on −image exactly what a separate pass over the negated image finds', () => {
    const image = field(220, 190, 13);
    const bg = estimateBackground(image, { meshSize: 32 });
    const rows = meshBackgroundRows(bg.mesh, image.width, image.height);
    // a difference-like image: sources of both signs about a zero background (the stars of
    // the lower half negated)
    const flipped = Float32Array.from(image.data, (v, i) => (i < 95 * 220 ? v - 800 : 800 - v));
    const zero = {
      row: (_y: number, out: Float32Array) => out.fill(0),
      range: (_y: number, out: Float32Array, a: number, b: number) => out.fill(0, a, b),
    };
    const noise = { level: zero, rms: rows.rms };
    const options = { nSigma: 5, minArea: 5, psfFwhmPx: 3, saturation: 2000 };
    const both = detectRows(imageRows({ width: 220, height: 190, data: flipped }), noise, {
      ...options,
      negative: true,
    });
    const negated = Float32Array.from(flipped, (v) => -v);
    const alone = detectRows(imageRows({ width: 220, height: 190, data: negated }), noise, options);
    expect(both.negative?.footprints.count).toBeGreaterThan(10);
    expect(both.footprints.count).toBeGreaterThan(10);
    const { negative, ...rest } = alone;
    expect(negative).toBeUndefined();
    expect(both.negative).toEqual(rest);
  });
});
