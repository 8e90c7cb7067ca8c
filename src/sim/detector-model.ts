import type { DetectorGeometry } from './amp-layout.js';
import { ampElectronics, type AmpElectronics } from './camera.js';
import { Prng } from './prng.js';

/**
 * The fixed properties of one simulated detector: amplifier electronics, bias structure and
 * a flat-field response per band. Derived from (seed, instrument, detector) only, so the
 * camera and the calibrations it is corrected with always agree.
 */
export interface DetectorModel {
  readonly electronics: readonly AmpElectronics[];
  /** Bias structure left after overscan subtraction, ADU, detector-sized. */
  readonly biasPatternAdu: Float32Array;
  /** Master bias as ISR subtracts it: bias structure × gain, electrons. */
  readonly masterBiasE: Float32Array;
  /** Relative response (mean ≈ 1) in a band. */
  flat(band: string): Float32Array;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Index of the amp whose data covers detector pixel (x, y). */
function ampIndexAt(g: DetectorGeometry, x: number, y: number): number {
  const column = Math.floor(x / g.ampWidth);
  return y >= g.ampHeight ? column : 15 - column;
}

export function detectorModel(
  seed: number,
  instrument: string,
  detector: number,
  g: DetectorGeometry,
): DetectorModel {
  const root = new Prng(seed).fork(hashString(instrument), detector);
  const electronics = ampElectronics(root.fork(1));
  const n = g.width * g.height;
  const biasPatternAdu = new Float32Array(n);
  const masterBiasE = new Float32Array(n);
  const brng = root.fork(2);
  const slope = brng.uniform(-2, 2);
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      const p = y * g.width + x;
      const v = slope * (x / g.width) + 0.5 * brng.gaussian();
      biasPatternAdu[p] = v;
      masterBiasE[p] = v * (electronics[ampIndexAt(g, x, y)]?.gain ?? 1);
    }
  }
  const flats = new Map<string, Float32Array>();
  return {
    electronics,
    biasPatternAdu,
    masterBiasE,
    flat(band) {
      let f = flats.get(band);
      if (!f) {
        const frng = root.fork(3, hashString(band));
        const cx = g.width * frng.uniform(0.3, 0.7);
        const cy = g.height * frng.uniform(0.3, 0.7);
        const r2 = (g.width * g.width + g.height * g.height) / 4;
        f = new Float32Array(n);
        let sum = 0;
        for (let y = 0; y < g.height; y++) {
          for (let x = 0; x < g.width; x++) {
            const d2 = ((x - cx) ** 2 + (y - cy) ** 2) / r2;
            const v = (1 - 0.08 * d2) * (1 + 0.01 * frng.gaussian());
            f[y * g.width + x] = v;
            sum += v;
          }
        }
        const mean = sum / n;
        for (let i = 0; i < n; i++) f[i] = (f[i] ?? 1) / mean;
        flats.set(band, f);
      }
      return f;
    },
  };
}
