import { seededRandom } from '../../core/seeded-random.js';
/**
 * Deterministic synthetic images for tests: seeded PRNG, sky with a gradient, Gaussian read
 * noise, and pixel-integrated Gaussian stars of known position and flux.
 */

/** mulberry32: small, fast, seeded uniform PRNG in [0, 1). */
export const makeRng = seededRandom;

/** Standard normal deviates from a uniform PRNG (Box–Muller, one value per call). */
export function makeGauss(rng: () => number): () => number {
  return () => {
    const u = Math.max(rng(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
}

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-a * a);
  return s * y;
}

export interface Star {
  readonly x: number;
  readonly y: number;
  readonly flux: number;
}

export interface StarFieldSpec {
  readonly width: number;
  readonly height: number;
  readonly seed: number;
  readonly nStars: number;
  /** Sky level at (0,0) plus gradient per pixel in x and y. */
  readonly sky: number;
  readonly skyGradX?: number;
  readonly skyGradY?: number;
  /** Gaussian noise σ added to every pixel (read + sky noise), image units. */
  readonly noiseSigma: number;
  /** If set, stars also get Poisson-like noise sqrt(star value / gain). */
  readonly starGain?: number;
  readonly fwhmPx: number;
  readonly fluxMin: number;
  readonly fluxMax: number;
  /** Minimum star separation and edge margin, pixels. */
  readonly minSeparationPx: number;
  readonly marginPx: number;
}

/** Renders a star field; returns the image, its noiseless sky, and the injected stars. */
export function makeStarField(spec: StarFieldSpec): {
  data: Float32Array;
  sky: Float32Array;
  stars: Star[];
} {
  const rng = makeRng(spec.seed);
  const gauss = makeGauss(rng);
  const { width, height } = spec;
  const stars: Star[] = [];
  let attempts = 0;
  while (stars.length < spec.nStars && attempts++ < spec.nStars * 200) {
    const x = spec.marginPx + rng() * (width - 1 - 2 * spec.marginPx);
    const y = spec.marginPx + rng() * (height - 1 - 2 * spec.marginPx);
    if (stars.some((s) => (s.x - x) ** 2 + (s.y - y) ** 2 < spec.minSeparationPx ** 2)) continue;
    const flux = spec.fluxMin * Math.pow(spec.fluxMax / spec.fluxMin, rng());
    stars.push({ x, y, flux });
  }
  const sky = new Float32Array(width * height);
  const starLight = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      sky[y * width + x] = spec.sky + (spec.skyGradX ?? 0) * x + (spec.skyGradY ?? 0) * y;
    }
  }
  const sigma = spec.fwhmPx / (2 * Math.sqrt(2 * Math.LN2));
  const half = Math.ceil(6 * sigma);
  const ex = new Float64Array(2 * half + 2);
  const ey = new Float64Array(2 * half + 2);
  for (const s of stars) {
    const ix = Math.round(s.x);
    const iy = Math.round(s.y);
    const c = 1 / (Math.SQRT2 * sigma);
    for (let d = -half; d <= half; d++) {
      ex[d + half] = 0.5 * (erf((ix + d + 0.5 - s.x) * c) - erf((ix + d - 0.5 - s.x) * c));
      ey[d + half] = 0.5 * (erf((iy + d + 0.5 - s.y) * c) - erf((iy + d - 0.5 - s.y) * c));
    }
    for (let dy = -half; dy <= half; dy++) {
      const y = iy + dy;
      if (y < 0 || y >= height) continue;
      for (let dx = -half; dx <= half; dx++) {
        const x = ix + dx;
        if (x < 0 || x >= width) continue;
        const i = y * width + x;
        starLight[i] = starLight[i]! + s.flux * ex[dx + half]! * ey[dy + half]!;
      }
    }
  }
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const star = starLight[i]!;
    let noise = spec.noiseSigma * gauss();
    if (spec.starGain !== undefined && star > 0) noise += Math.sqrt(star / spec.starGain) * gauss();
    data[i] = sky[i]! + star + noise;
  }
  return { data, sky, stars };
}
