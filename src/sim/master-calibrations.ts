import { runIsr, medianInPlace, type IsrAmp } from '../science/index.js';
import type { DetectorGeometry } from './amp-layout.js';
import { readOut } from './camera.js';
import type { DetectorModel } from './detector-model.js';
import { addCosmicRayHits } from './detector-scene.js';
import { linearityPolynomial } from './instrument-effects.js';
import { Prng } from './prng.js';

/** Dark time of one simulated dark exposure, s. */
export const DARK_EXPOSURE_S = 300;
/** Mean illumination of one simulated flat exposure, e⁻ per pixel (before the flat response). */
export const FLAT_LEVEL_E = 50_000;
/** Clip threshold of the combination, σ (per pixel: σ² = σ₀² + signal, e⁻). */
export const COMBINE_CLIP_SIGMA = 4;

/** How the masters of a detector are made. */
export interface MasterOptions {
  /** Exposures combined into each master, [1, 32]. */
  readonly exposures: number;
  /** Seed of the calibration exposures' noise and cosmic rays. */
  readonly seed: number;
  /** Cosmic-ray rate, hits per cm² per second of dark time (darks only; 0 = none). */
  readonly cosmicRatePerCm2S: number;
}

/** Masters built by combining simulated exposures, detector-sized. */
export interface CombinedMasters {
  /** Master bias, e⁻ (bias structure left after overscan, × gain). */
  readonly biasE: Float32Array;
  /** Master dark, e⁻/s. */
  readonly darkEPerS: Float32Array;
  /** Master flat of `band`, mean 1 over the pixels outside the defects. */
  flat(band: string): Float32Array;
}

/**
 * The ISR amps of a raw read out by `readOut`: sections from the geometry, the model's gain,
 * and its linearity correction when it has a non-linearity.
 */
export function isrAmpsOf(
  g: DetectorGeometry,
  model: DetectorModel,
  raw: readonly Int32Array[],
): IsrAmp[] {
  return g.amps.map((amp, i) => {
    const e = model.electronics[i]!;
    const beta = model.nonlinearity[i] ?? 0;
    return {
      pixels: raw[i]!,
      width: amp.rawWidth,
      height: amp.rawHeight,
      dataSec: amp.datasec,
      biasSec: amp.biassec,
      detSec: amp.detsec,
      gain: e.gain,
      ...(beta !== 0 ? { linearity: linearityPolynomial(beta, e.gain) } : {}),
    };
  });
}

/**
 * Builds a detector's masters as an observatory does: N bias, N dark (each
 * {@link DARK_EXPOSURE_S}, with hot pixels and cosmic rays) and N flat exposures per band
 * ({@link FLAT_LEVEL_E} through the flat response and the defects) are read out through the
 * camera model (shot and read noise, bias structure, non-linearity, crosstalk), each is given
 * overscan, crosstalk, linearity and gain, and the N are combined per pixel by a σ-clipped
 * mean: bias first, then darks less the master bias over their dark time, then flats less the
 * master bias, each scaled to mean 1, and the master scaled to mean 1 outside the defects.
 * Deterministic in (options.seed, detector). Flats are made on first use of a band and kept.
 */
export function combinedMasters(
  model: DetectorModel,
  g: DetectorGeometry,
  detector: number,
  options: MasterOptions,
): CombinedMasters {
  const n = options.exposures;
  if (!Number.isInteger(n) || n < 1 || n > 32)
    throw new RangeError(`master exposures must be an integer in [1, 32], got ${n}`);
  const npx = g.width * g.height;
  const root = new Prng(options.seed).fork(0xca1b, detector);
  const crosstalk = model.effects.crosstalk ? model.crosstalk : undefined;
  const expose = (electrons: Float32Array, rng: Prng): Float32Array => {
    const raw = readOut({
      geometry: g,
      electronics: model.electronics,
      electrons,
      biasPatternAdu: model.biasPatternAdu,
      rng,
      ...(crosstalk ? { crosstalk } : {}),
      ...(model.effects.nonlinearity ? { nonlinearity: model.nonlinearity } : {}),
    });
    return runIsr({
      amps: isrAmpsOf(g, model, raw),
      ...(crosstalk ? { crosstalk } : {}),
    }).image.data;
  };

  const zero = new Float32Array(npx);
  const biases = Array.from({ length: n }, (_, k) => expose(zero, root.fork(1, k)));
  const biasE = combine(biases, npx);

  const darkE = new Float32Array(npx).fill(model.darkCurrentE * DARK_EXPOSURE_S);
  for (const h of model.hotPixels) darkE[h.index] = darkE[h.index]! + h.rateE * DARK_EXPOSURE_S;
  const darks = Array.from({ length: n }, (_, k) => {
    const e = Float32Array.from(darkE);
    if (model.effects.cosmicRays && options.cosmicRatePerCm2S > 0)
      addCosmicRayHits(
        e,
        g.width,
        g.height,
        root.fork(3, k),
        options.cosmicRatePerCm2S,
        DARK_EXPOSURE_S,
      );
    const d = expose(e, root.fork(2, k));
    for (let i = 0; i < npx; i++) d[i] = (d[i]! - biasE[i]!) / DARK_EXPOSURE_S;
    return d;
  });
  // clip in e⁻ (the unit the noise model is in), then back to e⁻/s
  for (const d of darks) for (let i = 0; i < npx; i++) d[i] = d[i]! * DARK_EXPOSURE_S;
  const darkEPerS = combine(darks, npx);
  for (let i = 0; i < npx; i++) darkEPerS[i] = darkEPerS[i]! / DARK_EXPOSURE_S;

  const good = new Uint8Array(npx).fill(1);
  for (const b of model.defects()) {
    for (let y = b.y0; y < Math.min(g.height, b.y0 + b.height); y++)
      for (let x = b.x0; x < Math.min(g.width, b.x0 + b.width); x++) good[y * g.width + x] = 0;
  }
  const flats = new Map<string, Float32Array>();
  return {
    biasE,
    darkEPerS,
    flat(band) {
      let f = flats.get(band);
      if (f) return f;
      const response = model.flat(band);
      const lit = new Float32Array(npx);
      for (let i = 0; i < npx; i++) lit[i] = FLAT_LEVEL_E * response[i]!;
      for (const c of model.badColumns)
        for (let y = 0; y < g.height; y++) lit[y * g.width + c] = lit[y * g.width + c]! * 0.05;
      for (const r of model.badRegions)
        for (let y = r.y0; y < r.y0 + r.height; y++)
          for (let x = r.x0; x < r.x0 + r.width; x++)
            lit[y * g.width + x] = lit[y * g.width + x]! * r.response;
      const bandRng = root.fork(4, hashBand(band));
      const frames = Array.from({ length: n }, (_, k) => {
        const d = expose(lit, bandRng.fork(k));
        for (let i = 0; i < npx; i++) d[i] = d[i]! - biasE[i]!;
        return d;
      });
      // combine in e⁻ (so the clip's noise model holds), then normalise
      f = combine(frames, npx);
      let sum = 0;
      let count = 0;
      for (let i = 0; i < npx; i++) {
        if (good[i] && Number.isFinite(f[i]!)) {
          sum += f[i]!;
          count++;
        }
      }
      const mean = count > 0 ? sum / count : 1;
      for (let i = 0; i < npx; i++) f[i] = f[i]! / mean;
      flats.set(band, f);
      return f;
    },
  };
}

function hashBand(band: string): number {
  let h = 0;
  for (let i = 0; i < band.length; i++) h = (h * 31 + band.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * Per-pixel σ-clipped mean of frames in electrons: values further than
 * {@link COMBINE_CLIP_SIGMA} × √(σ₀² + max(median, 0)) from the pixel's median are dropped
 * (cosmic rays), σ₀ being one frame's noise: 1.4826 × the median absolute difference of
 * the first two frames over a sample of pixels, / √2. One or two frames: the plain mean.
 */
export function combine(frames: readonly Float32Array[], npx: number): Float32Array {
  const n = frames.length;
  const out = new Float32Array(npx);
  if (n <= 2) {
    for (let i = 0; i < npx; i++) {
      let s = 0;
      for (const f of frames) s += f[i]!;
      out[i] = s / n;
    }
    return out;
  }
  const v = new Float64Array(n);
  const median = (i: number): number => {
    // insertion sort of n ≤ 32 values: cheaper than a selection for so few
    for (let k = 0; k < n; k++) {
      const x = frames[k]![i]!;
      let j = k;
      while (j > 0 && v[j - 1]! > x) {
        v[j] = v[j - 1]!;
        j--;
      }
      v[j] = x;
    }
    return n % 2 === 1 ? v[n >> 1]! : (v[(n >> 1) - 1]! + v[n >> 1]!) / 2;
  };
  // σ₀ from a sample of pixels: the spread of the difference of two frames (the scene cancels)
  const stride = Math.max(1, Math.floor(npx / 20_000));
  const dev: number[] = [];
  const f0 = frames[0]!;
  const f1 = frames[1]!;
  for (let i = 0; i < npx; i += stride) dev.push(Math.abs(f0[i]! - f1[i]!));
  const devs = Float64Array.from(dev);
  const sigma0 = (1.4826 * medianInPlace(devs, devs.length)) / Math.SQRT2;
  for (let i = 0; i < npx; i++) {
    const m = median(i);
    const limit = COMBINE_CLIP_SIGMA * Math.sqrt(sigma0 * sigma0 + Math.max(m, 0));
    let s = 0;
    let k = 0;
    for (const f of frames) {
      const x = f[i]!;
      if (Math.abs(x - m) <= limit) {
        s += x;
        k++;
      }
    }
    out[i] = k > 0 ? s / k : m;
  }
  return out;
}
