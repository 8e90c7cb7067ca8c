import { ampIndexAt, type DetectorGeometry } from './amp-layout.js';
import { ampElectronics, type AmpElectronics } from './camera.js';
import { fillGaussian } from './fast-gaussian.js';
import {
  crosstalkMatrix,
  extraBadRegions,
  LEGACY_EFFECTS,
  nonlinearityBetas,
  type BadRegion,
  type SimEffects,
} from './instrument-effects.js';
import { Prng } from './prng.js';

/** A pixel with a high dark current. */
export interface HotPixel {
  /** Detector pixel index, y × width + x. */
  readonly index: number;
  /** Dark current, e⁻/s. */
  readonly rateE: number;
}

/**
 * The fixed properties of one simulated detector: amplifier electronics, bias structure,
 * a flat-field response per band, dark current with hot pixels, and bad (dead) columns.
 * Derived from (seed, instrument, detector) only, so the camera and the calibrations it is
 * corrected with always agree.
 */
export interface DetectorModel {
  readonly electronics: readonly AmpElectronics[];
  /** Bias structure left after overscan subtraction, ADU, detector-sized. */
  readonly biasPatternAdu: Float32Array;
  /** Master bias as ISR subtracts it: bias structure × gain, electrons. */
  readonly masterBiasE: Float32Array;
  /** Uniform dark current, e⁻/s per pixel. */
  readonly darkCurrentE: number;
  readonly hotPixels: readonly HotPixel[];
  /** Columns (0-based detector x) that collect almost no charge (5 % response). */
  readonly badColumns: readonly number[];
  /** Partially bad columns and dead clusters (`extraBadRegions`); empty without defects. */
  readonly badRegions: readonly BadRegion[];
  /** The effects this detector shows. */
  readonly effects: SimEffects;
  /**
   * Crosstalk, `[target × 16 + source]` in readout order: the target amp gains coefficient ×
   * the source amp's signal, ADU. All zero when crosstalk is off.
   */
  readonly crosstalk: Float64Array;
  /** Non-linearity β per amp, 1/e⁻ (a charge s reads as s (1 + β s)); zero when off. */
  readonly nonlinearity: Float64Array;
  /**
   * Every defect as a box (0-based detector pixels): dead columns, hot pixels, partially bad
   * columns and dead clusters — what the `defects` calibration lists.
   */
  defects(): { x0: number; y0: number; width: number; height: number }[];
  /** Relative response (mean ≈ 1) in a band: vignetting-like radial fall-off, tree rings, grain. */
  flat(band: string): Float32Array;
  /** Master dark, e⁻/s, detector-sized. */
  masterDark(): Float32Array;
}

/** FNV-1a hash of a string, for seeding sub-streams by name. */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * The model of one detector. `effects` (default {@link LEGACY_EFFECTS}) switches crosstalk,
 * non-linearity and defects; their parameters are drawn from a stream of their own, so
 * switching them leaves everything else (bias, flats, dark) byte for byte the same.
 */
export function detectorModel(
  seed: number,
  instrument: string,
  detector: number,
  g: DetectorGeometry,
  effects: SimEffects = LEGACY_EFFECTS,
): DetectorModel {
  const root = new Prng(seed).fork(hashString(instrument), detector);
  const erng = new Prng(seed).fork(hashString(instrument), detector, 0xeffec7);
  const crosstalk = crosstalkMatrix(erng.fork(1));
  const nonlinearity = nonlinearityBetas(erng.fork(2));
  const extra = extraBadRegions(erng.fork(3), g);
  if (!effects.crosstalk) crosstalk.fill(0);
  if (!effects.nonlinearity) nonlinearity.fill(0);
  const electronics = ampElectronics(root.fork(1));
  const n = g.width * g.height;
  const biasPatternAdu = new Float32Array(n);
  const masterBiasE = new Float32Array(n);
  const brng = root.fork(2);
  const slope = brng.uniform(-2, 2);
  fillGaussian(brng, biasPatternAdu);
  const gains = new Float32Array(16);
  for (let a = 0; a < 16; a++) gains[a] = electronics[a]?.gain ?? 1;
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      const p = y * g.width + x;
      const v = slope * (x / g.width) + 0.5 * biasPatternAdu[p]!;
      biasPatternAdu[p] = v;
      masterBiasE[p] = v * gains[ampIndexAt(g, x, y)]!;
    }
  }
  const drng = root.fork(4);
  const darkCurrentE = drng.uniform(0.01, 0.03);
  const hot: HotPixel[] = [];
  const nHot = Math.max(1, Math.round(n * 2e-5));
  for (let i = 0; i < nHot; i++) {
    hot.push({ index: Math.floor(drng.next() * n), rateE: drng.uniform(5, 200) });
  }
  const nBad = Math.max(1, Math.round((2 * g.width) / 4072));
  const badColumns: number[] = [];
  for (let i = 0; i < nBad; i++) badColumns.push(Math.floor(drng.uniform(0.05, 0.95) * g.width));
  const flats = new Map<string, Float32Array>();
  let dark: Float32Array | undefined;
  const hotPixels = effects.defects ? hot : [];
  const deadColumns = effects.defects ? badColumns : [];
  const badRegions = effects.defects ? extra : [];
  return {
    electronics,
    biasPatternAdu,
    masterBiasE,
    darkCurrentE,
    hotPixels,
    badColumns: deadColumns,
    badRegions,
    effects,
    crosstalk,
    nonlinearity,
    defects() {
      const boxes = deadColumns.map((x) => ({ x0: x, y0: 0, width: 1, height: g.height }));
      for (const r of badRegions)
        boxes.push({ x0: r.x0, y0: r.y0, width: r.width, height: r.height });
      for (const h of hotPixels) {
        const x = h.index % g.width;
        boxes.push({ x0: x, y0: (h.index - x) / g.width, width: 1, height: 1 });
      }
      return boxes;
    },
    flat(band) {
      let f = flats.get(band);
      if (!f) {
        const frng = root.fork(3, hashString(band));
        const cx = g.width * frng.uniform(0.3, 0.7);
        const cy = g.height * frng.uniform(0.3, 0.7);
        const r2 = (g.width * g.width + g.height * g.height) / 4;
        const ringPeriod = Math.max(g.width, g.height) / frng.uniform(20, 40);
        const ringX = g.width * frng.uniform(-0.5, 1.5);
        const ringY = g.height * frng.uniform(-0.5, 1.5);
        f = fillGaussian(frng, new Float32Array(n));
        let sum = 0;
        for (let y = 0; y < g.height; y++) {
          const dyc = (y - cy) ** 2;
          const dyr = (y - ringY) ** 2;
          for (let x = 0; x < g.width; x++) {
            const p = y * g.width + x;
            const d2 = ((x - cx) ** 2 + dyc) / r2;
            const ring = Math.sin((2 * Math.PI * Math.sqrt((x - ringX) ** 2 + dyr)) / ringPeriod);
            const v = (1 - 0.08 * d2) * (1 + 0.003 * ring) * (1 + 0.01 * f[p]!);
            f[p] = v;
            sum += v;
          }
        }
        const mean = sum / n;
        for (let i = 0; i < n; i++) f[i] = f[i]! / mean;
        flats.set(band, f);
      }
      return f;
    },
    masterDark() {
      if (!dark) {
        dark = new Float32Array(n).fill(darkCurrentE);
        for (const h of hotPixels) dark[h.index] = dark[h.index]! + h.rateE;
      }
      return dark;
    },
  };
}
