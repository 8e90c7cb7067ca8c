import { beforeAll, describe, expect, it } from 'vitest';
import { estimateBackground, type BackgroundResult } from './background.js';
import { detectSources, type Detections } from './detect.js';
import { measureSources, type SourceCatalog } from './measure.js';
import { gaussianKernel1d } from './smooth.js';
import { makeStarField, type Star } from './testing/synth.js';
import {
  runSourceExtractor,
  sourceExtractorAvailable,
  type SexRow,
} from './testing/source-extractor.js';

const haveSex = sourceExtractorAvailable();
if (!haveSex)
  console.warn('source-extractor or /usr/bin/python3 with astropy missing: comparison skipped');

const W = 1024;
const H = 1024;
const FWHM = 3;
const NOISE = 30;
const N_SIGMA = 5;
const MIN_AREA = 5;
const AP_RADIUS = 5;
const PSF_SIGMA = FWHM / (2 * Math.sqrt(2 * Math.LN2));

/** Expected S/N of a PSF-fitted star under sky noise σ (noise-equivalent area 4πσ²). */
function expectedSnr(flux: number): number {
  return flux / Math.sqrt(flux + 4 * Math.PI * PSF_SIGMA * PSF_SIGMA * NOISE * NOISE);
}

function nearest(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  x: number,
  y: number,
): [number, number] {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const d = (xs[i]! - x) ** 2 + (ys[i]! - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return [best, Math.sqrt(bestD)];
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

describe.skipIf(!haveSex)('detection and measurement against source-extractor', () => {
  let stars: Star[];
  let trueSky: Float32Array;
  let bg: BackgroundResult;
  let det: Detections;
  let cat: SourceCatalog;
  let sex: SexRow[];
  let sexX: Float64Array;
  let sexY: Float64Array;

  beforeAll(() => {
    const field = makeStarField({
      width: W,
      height: H,
      seed: 20261121,
      nStars: 150,
      sky: 1000,
      skyGradX: 0.1,
      skyGradY: 0.05,
      noiseSigma: NOISE,
      starGain: 1,
      fwhmPx: FWHM,
      fluxMin: 1500,
      fluxMax: 300000,
      minSeparationPx: 24,
      marginPx: 12,
    });
    stars = field.stars;
    trueSky = field.sky;
    const image = { width: W, height: H, data: field.data };
    bg = estimateBackground(image, { meshSize: 64, filterSize: 3 });
    det = detectSources(image, bg, { nSigma: N_SIGMA, minArea: MIN_AREA, psfFwhmPx: FWHM });
    cat = measureSources(image, det, bg.rms, { apertureRadiusPx: AP_RADIUS });
    const k1 = gaussianKernel1d(FWHM);
    const size = k1.length;
    const k2 = new Float32Array(size * size);
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) k2[r * size + c] = k1[r]! * k1[c]!;
    sex = runSourceExtractor(field.data, W, H, {
      // SExtractor thresholds the filtered image in units of the unfiltered σ
      detectThresh: N_SIGMA * det.noiseFactor,
      minArea: MIN_AREA,
      kernel2d: { size, values: k2 },
      apertureDiameterPx: 2 * AP_RADIUS,
      backSize: 64,
      backFilterSize: 3,
    });
    sexX = Float64Array.from(sex, (r) => r.x - 1);
    sexY = Float64Array.from(sex, (r) => r.y - 1);
  });

  it('finds at least 95% of the injected stars with S/N > 20, as source-extractor does', () => {
    const bright = stars.filter((s) => expectedSnr(s.flux) > 20);
    expect(bright.length).toBeGreaterThan(50);
    const ours = bright.filter((s) => nearest(cat.x, cat.y, s.x, s.y)[1] < 1.5).length;
    const theirs = bright.filter((s) => nearest(sexX, sexY, s.x, s.y)[1] < 1.5).length;
    console.log(`S/N>20: ${bright.length} injected, promptly ${ours}, source-extractor ${theirs}`);
    console.log(`all detections: promptly ${cat.length}, source-extractor ${sex.length}`);
    expect(ours / bright.length).toBeGreaterThanOrEqual(0.95);
    expect(theirs / bright.length).toBeGreaterThanOrEqual(0.95);
  });

  it('agrees with source-extractor X_IMAGE/Y_IMAGE to 0.05 px median (1-based converted)', () => {
    const d: number[] = [];
    for (let k = 0; k < cat.length; k++) {
      const [j, dist] = nearest(sexX, sexY, cat.x[k]!, cat.y[k]!);
      if (j >= 0 && dist < 1) d.push(dist);
    }
    console.log(
      `centroid vs SExtractor: n=${d.length} median ${median(d).toFixed(4)} px, max ${Math.max(...d).toFixed(4)}`,
    );
    expect(d.length).toBeGreaterThan(0.9 * Math.min(cat.length, sex.length));
    expect(median(d)).toBeLessThanOrEqual(0.05);
  });

  it('agrees with source-extractor FLUX_APER (same radius) to 1% median for S/N > 20 stars', () => {
    const rel: number[] = [];
    for (const s of stars) {
      if (expectedSnr(s.flux) <= 20) continue;
      const [k, dk] = nearest(cat.x, cat.y, s.x, s.y);
      const [j, dj] = nearest(sexX, sexY, s.x, s.y);
      if (dk > 1.5 || dj > 1.5) continue;
      rel.push(Math.abs(cat.apFlux[k]! / sex[j]!.fluxAper - 1));
    }
    console.log(
      `aperture flux vs SExtractor: n=${rel.length} median |rel| ${median(rel).toExponential(3)}`,
    );
    expect(median(rel)).toBeLessThanOrEqual(0.01);
  });

  it('agrees with source-extractor BACKGROUND to 0.5% median at the sources', () => {
    const rel: number[] = [];
    for (let j = 0; j < sex.length; j++) {
      const x = Math.round(sexX[j]!);
      const y = Math.round(sexY[j]!);
      rel.push(Math.abs(bg.background.data[y * W + x]! / sex[j]!.background - 1));
    }
    const oursTruth: number[] = [];
    const theirsTruth: number[] = [];
    for (let j = 0; j < sex.length; j++) {
      const i = Math.round(sexY[j]!) * W + Math.round(sexX[j]!);
      oursTruth.push(Math.abs(bg.background.data[i]! - trueSky[i]!));
      theirsTruth.push(Math.abs(sex[j]!.background - trueSky[i]!));
    }
    console.log(
      `background vs SExtractor: n=${rel.length} median |rel| ${median(rel).toExponential(3)}; ` +
        `median |Δ| from the true sky: promptly ${median(oursTruth).toFixed(3)}, SExtractor ${median(theirsTruth).toFixed(3)}`,
    );
    expect(median(rel)).toBeLessThanOrEqual(0.005);
  });

  it('agrees with source-extractor on footprints: FLUX_ISO to 1% and ISOAREAF (footprint area) to 2% median, A/B to 2%', () => {
    const flux: number[] = [];
    const area: number[] = [];
    const ab: number[] = [];
    for (let k = 0; k < cat.length; k++) {
      const [j, dist] = nearest(sexX, sexY, cat.x[k]!, cat.y[k]!);
      if (dist > 1) continue;
      const r = sex[j]!;
      if (r.fluxIso / Math.sqrt(r.isoArea) / NOISE < 20) continue;
      flux.push(Math.abs(cat.flux[k]! / r.fluxIso - 1));
      area.push(Math.abs(cat.npix[k]! / r.isoArea - 1));
      ab.push(Math.abs(cat.a[k]! / r.a - 1), Math.abs(cat.b[k]! / r.b - 1));
    }
    console.log(
      `isophotal vs SExtractor: n=${flux.length} flux ${median(flux).toExponential(2)}, ` +
        `area ${median(area).toExponential(2)}, a/b ${median(ab).toExponential(2)}`,
    );
    expect(flux.length).toBeGreaterThan(50);
    expect(median(flux)).toBeLessThanOrEqual(0.01);
    expect(median(area)).toBeLessThanOrEqual(0.02);
    expect(median(ab)).toBeLessThanOrEqual(0.02);
  });

  it('recovers injected centroids to 0.05 px median for S/N > 50 stars', () => {
    const d: number[] = [];
    for (const s of stars) {
      if (expectedSnr(s.flux) <= 50) continue;
      const [, dist] = nearest(cat.x, cat.y, s.x, s.y);
      if (dist < 1.5) d.push(dist);
    }
    console.log(`centroid vs truth (S/N>50): n=${d.length} median ${median(d).toFixed(4)} px`);
    expect(d.length).toBeGreaterThan(20);
    expect(median(d)).toBeLessThanOrEqual(0.05);
  });
});
