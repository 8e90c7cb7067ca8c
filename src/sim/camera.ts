import type { DetectorGeometry } from './amp-layout.js';
import { fillGaussian } from './fast-gaussian.js';
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

/** Largest value of LSST's 18-bit ADC. */
export const ADC_MAX = 2 ** 18 - 1;

function clip(adu: number): number {
  return adu <= 0 ? 0 : adu >= ADC_MAX ? ADC_MAX : adu | 0;
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
 * it covers (flipped per its DETSEC), with photon noise (Gaussian of variance = signal) and
 * read noise drawn as one deviate, converted to ADU with the amp's gain, plus its bias level
 * and the detector's fixed bias pattern (ADU). Prescan and overscan pixels get bias and read
 * noise only. Values are clipped to the 18-bit ADC range. Returns int32 ADU arrays, one per
 * amp, each `rawWidth × rawHeight`. One 32-bit draw per two pixels; no per-pixel allocation.
 * `into` (one array per amp, each of its raw size) is overwritten in full and returned instead
 * of fresh arrays when given.
 *
 * With `nonlinearity` the mean charge s of a pixel reads as s (1 + β s) before the noise is
 * added (the noise stays that of s: a change of ≤ 2 β s, under 2 %, in its σ). With `crosstalk`
 * each data pixel gains Σ c[target, source] × (the source amp's non-linear signal at the same
 * readout pixel, ADU) before digitisation — from the sources' mean signal: a ghost carries no
 * noise of its own (c × σ, ≤ 0.2 e⁻, is far below the read noise). Zero coefficients give the
 * same bytes as none.
 */
export function readOut(options: {
  geometry: DetectorGeometry;
  electronics: readonly AmpElectronics[];
  /** Detector image in electrons (sky × flat), width × height. */
  electrons: Float32Array;
  /** Fixed bias structure in ADU, detector-sized (the master bias records it). */
  biasPatternAdu: Float32Array;
  rng: Prng;
  /** Arrays to write the amps into (reused between renders), one per amp. */
  into?: readonly Int32Array[];
  /** Crosstalk, `[target × 16 + source]` in readout order (`instrument-effects.ts`). */
  crosstalk?: Float64Array;
  /** Non-linearity β per amp, 1/e⁻. */
  nonlinearity?: Float64Array;
}): Int32Array[] {
  const { geometry: g, electronics, electrons, biasPatternAdu, rng, into } = options;
  const pre = g.prescan;
  const w = g.ampWidth;
  const beta = options.nonlinearity;
  // One row of standard-normal deviates at a time (table lookups, two per 32-bit draw).
  const noise = new Float32Array(g.amps[0]?.rawWidth ?? 0);
  // per target amp: its crosstalk sources (amp geometry, coefficient / source gain)
  const sources = g.amps.map((_, t) => {
    const list: { amp: (typeof g.amps)[number]; k: number; beta: number }[] = [];
    const c = options.crosstalk;
    if (!c) return list;
    g.amps.forEach((amp, s) => {
      const cs = c[t * 16 + s] ?? 0;
      if (cs !== 0 && s !== t)
        list.push({ amp, k: cs / (electronics[s]?.gain ?? 1), beta: beta?.[s] ?? 0 });
    });
    return list;
  });
  const ghostRow = new Float64Array(w);
  return g.amps.map((amp, i) => {
    const e = electronics[i] as AmpElectronics;
    const rw = amp.rawWidth;
    const reuse = into?.[i];
    const out = reuse?.length === rw * amp.rawHeight ? reuse : new Int32Array(rw * amp.rawHeight);
    const invGain = 1 / e.gain;
    const rn2 = e.readNoiseE * e.readNoiseE;
    const rnAdu = e.readNoiseE * invGain;
    const bias = e.biasLevelAdu + 0.5; // + 0.5: truncation of a positive value rounds
    const step = amp.flipX ? -1 : 1;
    const b = beta?.[i] ?? 0;
    const ghosts = sources[i]!;
    for (let y = 0; y < amp.rawHeight; y++) {
      const row = y * rw;
      const n = noise.length >= rw ? noise : new Float32Array(rw);
      fillGaussian(rng, n);
      let x = 0;
      if (y < g.ampHeight) {
        ghostRow.fill(0);
        for (const src of ghosts) {
          const sa = src.amp;
          const sy = sa.flipY ? sa.y0 + g.ampHeight - 1 - y : sa.y0 + y;
          const sstep = sa.flipX ? -1 : 1;
          let q = sy * g.width + (sa.flipX ? sa.x0 + w - 1 : sa.x0);
          for (let k = 0; k < w; k++, q += sstep) {
            const v = electrons[q]!;
            const sig = v > 0 ? v : 0;
            ghostRow[k] = ghostRow[k]! + src.k * sig * (1 + src.beta * sig);
          }
        }
        const dy = amp.flipY ? amp.y0 + g.ampHeight - 1 - y : amp.y0 + y;
        for (; x < pre; x++) out[row + x] = clip(bias + rnAdu * n[x]!);
        let p = dy * g.width + (amp.flipX ? amp.x0 + w - 1 : amp.x0);
        for (let k = 0; k < w; k++, x++, p += step) {
          const v = electrons[p]!;
          const signal = v > 0 ? v : 0;
          const read = signal * (1 + b * signal);
          out[row + x] = clip(
            bias +
              (read + Math.sqrt(signal + rn2) * n[x]!) * invGain +
              biasPatternAdu[p]! +
              ghostRow[k]!,
          );
        }
      }
      for (; x < rw; x++) out[row + x] = clip(bias + rnAdu * n[x]!);
    }
    return out;
  });
}
