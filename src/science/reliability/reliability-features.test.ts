import { describe, expect, it } from 'vitest';
import {
  RELIABILITY_FEATURES,
  reliabilityFeatures,
  type ReliabilityFeature,
  type ReliabilitySourceRow,
} from './reliability-features.js';

const SIZE = 30;
const SIGMA = 1.8;
// the source sits at stamp pixel (15, 15), detector pixel (115, 215)
const X0 = 100;
const Y0 = 200;
const CX = 15;
const CY = 15;

/** Deterministic normal deviates (xorshift32 + Box–Muller). */
function noise(seed: number, sigma: number): () => number {
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => sigma * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function stamp(fill: (i: number, j: number) => number, seed: number, sigma = 5): Float32Array {
  const n = noise(seed, sigma);
  const out = new Float32Array(SIZE * SIZE);
  for (let j = 0; j < SIZE; j++)
    for (let i = 0; i < SIZE; i++) out[j * SIZE + i] = fill(i, j) + n();
  return out;
}

const gauss = (i: number, j: number, x: number, y: number, flux: number) =>
  (flux / (2 * Math.PI * SIGMA * SIGMA)) *
  Math.exp(-((i - x) ** 2 + (j - y) ** 2) / (2 * SIGMA * SIGMA));

const row = (extra: Partial<ReliabilitySourceRow> = {}): ReliabilitySourceRow => ({
  x: X0 + CX,
  y: Y0 + CY,
  snr: 30,
  a: SIGMA,
  b: SIGMA,
  flags: 0,
  isNegative: false,
  ...extra,
});

function features(
  difference: Float32Array,
  science: Float32Array,
  template: Float32Array,
  r = row(),
): Record<ReliabilityFeature, number> {
  const f = reliabilityFeatures(
    r,
    { size: SIZE, x0: X0, y0: Y0, difference, science, template },
    SIGMA,
  );
  expect(f).toHaveLength(RELIABILITY_FEATURES.length);
  for (const v of f) expect(Number.isFinite(v)).toBe(true);
  return Object.fromEntries(RELIABILITY_FEATURES.map((name, i) => [name, f[i]!])) as Record<
    ReliabilityFeature,
    number
  >;
}

describe('reliability features on synthetic stamps', () => {
  const sky = 200;
  const empty = (seed: number) => stamp(() => sky, seed);
  // a new point source: on the science, not on the template, the difference is the PSF
  const psf = features(
    stamp((i, j) => gauss(i, j, CX, CY, 5000), 1),
    stamp((i, j) => sky + gauss(i, j, CX, CY, 5000), 2),
    empty(3),
  );
  // a dipole: a star moved by 1.5 px between template and science
  const dipole = features(
    stamp((i, j) => gauss(i, j, CX, CY, 5000) - gauss(i, j, CX - 1.5, CY, 5000), 4),
    stamp((i, j) => sky + gauss(i, j, CX, CY, 5000), 5),
    stamp((i, j) => sky + gauss(i, j, CX - 1.5, CY, 5000), 6),
    row({ a: 2.6, b: 1.6 }),
  );
  // a bad column through the source, the whole height of the stamp
  const column = features(
    stamp((i) => (Math.abs(i - CX) <= 0.5 ? 300 : 0), 7),
    stamp((i) => sky + (Math.abs(i - CX) <= 0.5 ? 300 : 0), 8),
    empty(9),
    row({ a: 6, b: 0.5 }),
  );
  // a cosmic ray: one hot pixel
  const cosmic = features(
    stamp((i, j) => (i === CX && j === CY ? 3000 : 0), 10),
    stamp((i, j) => sky + (i === CX && j === CY ? 3000 : 0), 11),
    empty(12),
    row({ a: 0.5, b: 0.5 }),
  );
  // the residual of a bright star imperfectly subtracted (2 % brighter in the science)
  const residual = features(
    stamp((i, j) => gauss(i, j, CX, CY, 0.02 * 200_000), 13),
    stamp((i, j) => sky + gauss(i, j, CX, CY, 1.02 * 200_000), 14),
    stamp((i, j) => sky + gauss(i, j, CX, CY, 200_000), 15),
  );

  it('a PSF-like source correlates with the PSF better than a dipole, a column or a cosmic ray', () => {
    expect(psf.psfCorrelation).toBeGreaterThan(0.95);
    for (const other of [dipole, column, cosmic])
      expect(other.psfCorrelation).toBeLessThan(psf.psfCorrelation - 0.1);
  });

  it('a dipole has the most flux of the opposite sign', () => {
    expect(dipole.oppositeFraction).toBeGreaterThan(0.3);
    expect(dipole.oppositePeakRatio).toBeGreaterThan(0.5);
    for (const other of [psf, column, cosmic]) {
      expect(other.oppositeFraction).toBeLessThan(dipole.oppositeFraction);
      expect(other.oppositePeakRatio).toBeLessThan(dipole.oppositePeakRatio);
    }
  });

  it('a bad column carries flux along its column far from the source; the others do not', () => {
    expect(column.columnFraction).toBeGreaterThan(0.7);
    expect(column.rowFraction).toBeLessThan(0.2);
    for (const other of [psf, dipole, cosmic]) expect(other.columnFraction).toBeLessThan(0.2);
  });

  it('a cosmic ray is sharper than the PSF, the PSF is as sharp as itself', () => {
    expect(Math.abs(psf.log10PeakRatio)).toBeLessThan(0.1);
    expect(cosmic.log10PeakRatio).toBeGreaterThan(0.8);
    expect(cosmic.log10WidthRatio).toBeLessThan(psf.log10WidthRatio);
  });

  it('a new source is all of the science flux; a star residual is a sliver of it', () => {
    expect(psf.diffOverBrighter).toBeGreaterThan(0.9);
    expect(Math.abs(psf.templateFraction)).toBeLessThan(0.1);
    expect(residual.diffOverBrighter).toBeLessThan(0.1);
    expect(residual.templateFraction).toBeGreaterThan(0.4);
  });

  it('sees the detector edge and masked pixels', () => {
    expect(psf.nonFiniteFraction).toBe(0);
    // half a pixel short of the stamp's half-width: the border, not a masked pixel
    expect(psf.edgeDistance).toBeCloseTo(14.5 / 15, 6);
    // the detector ends 3 columns left of the source: NaN beyond it
    const d = stamp((i, j) => gauss(i, j, CX, CY, 5000), 16);
    const s = stamp((i, j) => sky + gauss(i, j, CX, CY, 5000), 17);
    const t = empty(18);
    for (let j = 0; j < SIZE; j++)
      for (let i = 0; i < CX - 3; i++) {
        d[j * SIZE + i] = NaN;
        s[j * SIZE + i] = NaN;
        t[j * SIZE + i] = NaN;
      }
    const edge = features(d, s, t, row({ flags: 1 }));
    expect(edge.edgeDistance).toBeCloseTo(4 / 15, 6);
    expect(edge.nonFiniteFraction).toBeGreaterThan(0);
    expect(edge.flagEdge).toBe(1);
    expect(edge.flagSaturated).toBe(0);
  });

  it('looks at a decrement with its own sign', () => {
    const n = noise(19, 5);
    const d = Float32Array.from({ length: SIZE * SIZE }, (_, p) => {
      const i = p % SIZE;
      const j = Math.floor(p / SIZE);
      return -gauss(i, j, CX, CY, 5000) + n();
    });
    const fading = features(
      d,
      empty(20),
      stamp((i, j) => sky + gauss(i, j, CX, CY, 5000), 21),
      row({ isNegative: true }),
    );
    expect(fading.isNegative).toBe(1);
    expect(fading.psfCorrelation).toBeGreaterThan(0.95);
    expect(fading.oppositeFraction).toBeLessThan(0.2);
  });
});
