import type { DetectorGeometry } from './amp-layout.js';
import type { Prng } from './prng.js';

/** Electronics of one amplifier: gain, read noise, bias level. */
export interface AmpElectronics {
  /** Electrons per ADU. */
  readonly gain: number;
  /** Read noise, electrons. */
  readonly readNoiseE: number;
  /** Bias (overscan) level, ADU. */
  readonly biasLevelAdu: number;
}

/** Deterministic per-amp electronics of a detector (they do not change from visit to visit). */
export function ampElectronics(rng: Prng): AmpElectronics[] {
  return Array.from({ length: 16 }, () => ({
    gain: 1.5 + rng.uniform(-0.15, 0.15),
    readNoiseE: 6 + rng.uniform(-1, 1),
    biasLevelAdu: 20000 + rng.uniform(-800, 800),
  }));
}

/**
 * Reads a detector image out through its 16 amplifiers: for each amp, the part of `electrons`
 * it covers (flipped per its DETSEC), converted to ADU with its gain, plus its bias level,
 * the detector's fixed bias pattern (ADU) and read noise; overscan pixels get bias and noise
 * only. Photon noise is added here (Gaussian approximation of Poisson). Returns int32 ADU
 * arrays, one per amp, each `rawWidth × rawHeight`.
 */
export function readOut(options: {
  geometry: DetectorGeometry;
  electronics: readonly AmpElectronics[];
  /** Detector image in electrons (sky × flat), width × height. */
  electrons: Float32Array;
  /** Fixed bias structure in ADU, detector-sized (the master bias records it). */
  biasPatternAdu: Float32Array;
  rng: Prng;
}): Int32Array[] {
  const { geometry: g, electronics, electrons, biasPatternAdu, rng } = options;
  return g.amps.map((amp, i) => {
    const e = electronics[i] as AmpElectronics;
    const out = new Int32Array(amp.rawWidth * amp.rawHeight);
    for (let y = 0; y < amp.rawHeight; y++) {
      for (let x = 0; x < amp.rawWidth; x++) {
        const readNoiseAdu = (e.readNoiseE / e.gain) * rng.gaussian();
        let adu = e.biasLevelAdu + readNoiseAdu;
        if (x < g.ampWidth && y < g.ampHeight) {
          const dx = amp.flipX ? amp.x0 + g.ampWidth - 1 - x : amp.x0 + x;
          const dy = amp.flipY ? amp.y0 + g.ampHeight - 1 - y : amp.y0 + y;
          const p = dy * g.width + dx;
          const signal = Math.max(0, electrons[p] ?? 0);
          const shot = Math.sqrt(signal) * rng.gaussian();
          adu += (signal + shot) / e.gain + (biasPatternAdu[p] ?? 0);
        }
        out[y * amp.rawWidth + x] = Math.round(adu);
      }
    }
    return out;
  });
}
