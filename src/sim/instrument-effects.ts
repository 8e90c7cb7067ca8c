import type { DetectorGeometry } from './amp-layout.js';
import type { Prng } from './prng.js';

/**
 * Which instrument effects the simulated camera puts into its raws. Each one the ISR task
 * corrects from a calibration dataset (`crosstalk`, `linearizer`, `defects`) or finds by
 * itself (saturation, cosmic rays).
 */
export interface SimEffects {
  /** Amp-to-amp crosstalk (ghosts of bright sources in the neighbouring amplifiers). */
  readonly crosstalk: boolean;
  /** Per-amp non-linear response (a quadratic, ≈ −0.3 … −0.7 % at 100 ke⁻). */
  readonly nonlinearity: boolean;
  /** Dead columns, hot pixels, partially bad columns and dead clusters. */
  readonly defects: boolean;
  /** Full well (150 ke⁻) with charge bleeding along columns. */
  readonly saturation: boolean;
  /** Cosmic-ray hits (at the camera's `cosmicRatePerCm2S`). */
  readonly cosmicRays: boolean;
}

/**
 * What a camera built without an `effects` option shows: the detector defects, saturation and
 * cosmic rays it always had, no crosstalk and a linear response (the `sim.effects` config
 * section turns everything on by default).
 */
export const LEGACY_EFFECTS: SimEffects = Object.freeze({
  crosstalk: false,
  nonlinearity: false,
  defects: true,
  saturation: true,
  cosmicRays: true,
});

/** Every effect on. */
export const ALL_EFFECTS: SimEffects = Object.freeze({
  crosstalk: true,
  nonlinearity: true,
  defects: true,
  saturation: true,
  cosmicRays: true,
});

/** Every effect off: an ideal camera (read noise, bias and shot noise remain). */
export const NO_EFFECTS: SimEffects = Object.freeze({
  crosstalk: false,
  nonlinearity: false,
  defects: false,
  saturation: false,
  cosmicRays: false,
});

/**
 * A crosstalk matrix of 16 amplifiers, row-major `[target × 16 + source]`: the target amp's
 * signal gains `coefficient × source signal` (ADU, at the same readout pixel). Neighbours on
 * the detector (same row of amps, adjacent) couple at 1e-4 … 5e-4, next neighbours at
 * 1e-5 … 5e-5, the rest not at all; signs are mostly positive, as in ITL and e2v sensors.
 */
export function crosstalkMatrix(rng: Prng): Float64Array {
  const c = new Float64Array(256);
  const column = (i: number): number => (i < 8 ? i : 15 - i);
  const row = (i: number): number => (i < 8 ? 0 : 1);
  for (let t = 0; t < 16; t++) {
    for (let s = 0; s < 16; s++) {
      if (s === t || row(s) !== row(t)) continue;
      const d = Math.abs(column(s) - column(t));
      const sign = rng.next() < 0.1 ? -1 : 1;
      if (d === 1) c[t * 16 + s] = sign * rng.uniform(1e-4, 5e-4);
      else if (d === 2) c[t * 16 + s] = sign * rng.uniform(1e-5, 5e-5);
    }
  }
  return c;
}

/**
 * Quadratic non-linearity per amp, β in 1/e⁻: a charge `s` reads as `s (1 + β s)`. β is drawn
 * so the deficit at 100 ke⁻ is 0.3 … 0.7 % (β ≈ −3e-8 … −7e-8 e⁻⁻¹).
 */
export function nonlinearityBetas(rng: Prng): Float64Array {
  const beta = new Float64Array(16);
  for (let a = 0; a < 16; a++) beta[a] = -rng.uniform(0.003, 0.007) / 100_000;
  return beta;
}

/** A region of the detector with a reduced response (0 = dead), 0-based detector pixels. */
export interface BadRegion {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  /** Fraction of the charge the pixels keep, [0, 1). */
  readonly response: number;
}

/**
 * Bad regions beside the dead columns: a few partially bad columns (from a charge trap to the
 * top or bottom of the amp, 20–60 % response) and small dead clusters (2–5 px square).
 * Counts scale with the detector area (≥ 1 each).
 */
export function extraBadRegions(rng: Prng, g: DetectorGeometry): BadRegion[] {
  const area = (g.width * g.height) / (4072 * 4000);
  const out: BadRegion[] = [];
  const nPartial = Math.max(1, Math.round(3 * area));
  for (let i = 0; i < nPartial; i++) {
    const x = Math.floor(rng.uniform(0.02, 0.98) * g.width);
    const half = rng.next() < 0.5 ? 0 : 1; // bottom or top row of amps
    const y0 = half * g.ampHeight;
    const start = Math.floor(rng.uniform(0.2, 0.8) * g.ampHeight);
    // the trap blocks charge moving towards the output: bottom amps read down, top amps up
    const [ya, yb] = half === 0 ? [y0 + start, y0 + g.ampHeight] : [y0, y0 + start];
    out.push({ x0: x, y0: ya, width: 1, height: yb - ya, response: rng.uniform(0.2, 0.6) });
  }
  const nCluster = Math.max(1, Math.round(4 * area));
  for (let i = 0; i < nCluster; i++) {
    const size = 2 + Math.floor(rng.next() * 4);
    const x0 = Math.floor(rng.uniform(0.02, 0.98) * (g.width - size));
    const y0 = Math.floor(rng.uniform(0.02, 0.98) * (g.height - size));
    out.push({ x0, y0, width: size, height: size, response: 0 });
  }
  return out;
}

/**
 * The linearity correction of one amp as a polynomial in ADU above the overscan:
 * `corrected = Σ cᵢ xⁱ`, i = 0…3, the series inverse of `s (1 + β s)` to third order
 * (relative error ≈ 5 (β s)³, below 1e-5 up to full well).
 */
export function linearityPolynomial(beta: number, gain: number): [number, number, number, number] {
  return [0, 1, -beta * gain, 2 * beta * beta * gain * gain];
}
