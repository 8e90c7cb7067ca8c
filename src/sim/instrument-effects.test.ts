import { describe, expect, it } from 'vitest';
import {
  crosstalkFits,
  linearizerFits,
  readCrosstalkFits,
  readLinearizerFits,
  runIsr,
} from '../science/index.js';
import { detectorGeometry, type DetectorGeometry } from './amp-layout.js';
import { readOut } from './camera.js';
import { detectorModel, type DetectorModel } from './detector-model.js';
import {
  ALL_EFFECTS,
  LEGACY_EFFECTS,
  linearityPolynomial,
  NO_EFFECTS,
} from './instrument-effects.js';
import { isrAmpsOf } from './master-calibrations.js';
import { plannedVisit } from './night-plan.js';
import { Prng } from './prng.js';
import { SimCamera } from './sim-camera.js';

const g: DetectorGeometry = detectorGeometry({
  ampWidth: 64,
  ampHeight: 80,
  prescan: 2,
  serialOverscan: 16,
  parallelOverscan: 4,
});

/** Reads `electrons` out (noise from `seed`) and runs overscan, crosstalk, linearity, gain. */
function readAndIsr(
  model: DetectorModel,
  electrons: Float32Array,
  seed: number,
  correct: { crosstalk?: Float64Array; linearity?: (amp: number) => readonly number[] },
): Float32Array {
  const raw = readOut({
    geometry: g,
    electronics: model.electronics,
    electrons,
    biasPatternAdu: model.biasPatternAdu,
    rng: new Prng(seed),
    ...(model.effects.crosstalk ? { crosstalk: model.crosstalk } : {}),
    ...(model.effects.nonlinearity ? { nonlinearity: model.nonlinearity } : {}),
  });
  const amps = isrAmpsOf(g, detectorModel(1, 'LSSTComCam', 0, g, NO_EFFECTS), raw).map((a, i) => {
    const { linearity: _ignored, ...rest } = a;
    const poly = correct.linearity?.(i);
    return poly ? { ...rest, linearity: poly } : rest;
  });
  return runIsr({ amps, ...(correct.crosstalk ? { crosstalk: correct.crosstalk } : {}) }).image
    .data;
}

/** Sum of `a − b` over a box of the detector. */
function boxSum(
  a: Float32Array,
  b: Float32Array,
  x0: number,
  y0: number,
  w: number,
  h: number,
): number {
  let s = 0;
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++) s += a[y * g.width + x]! - b[y * g.width + x]!;
  return s;
}

describe('simulated crosstalk', () => {
  it('puts ghosts of a bright patch into the neighbouring amps that ISR removes to < 1 % with the crosstalk calibration', async () => {
    const on = detectorModel(1, 'LSSTComCam', 0, g, { ...NO_EFFECTS, crosstalk: true });
    const off = detectorModel(1, 'LSSTComCam', 0, g, NO_EFFECTS);
    // a 20 × 20 px patch at 100 ke⁻ in amp 3 (bottom row, detector x 192…255)
    const electrons = new Float32Array(g.width * g.height);
    const px0 = 3 * g.ampWidth + 20;
    const py0 = 30;
    for (let y = py0; y < py0 + 20; y++)
      for (let x = px0; x < px0 + 20; x++) electrons[y * g.width + x] = 100_000;
    // the calibration as the repo holds it
    const calib = await readCrosstalkFits(
      await crosstalkFits({ n: 16, coefficients: on.crosstalk }),
    );
    expect(Array.from(calib.coefficients)).toEqual(Array.from(on.crosstalk));
    const clean = readAndIsr(off, electrons, 7, {});
    const ghosted = readAndIsr(on, electrons, 7, {});
    const corrected = readAndIsr(on, electrons, 7, { crosstalk: calib.coefficients });
    // amps 2 and 4 are amp 3's neighbours; every bottom amp is read from its right edge, so a
    // ghost sits at the same offset from its amp's left edge
    for (const target of [2, 4]) {
      const gx0 = target * g.ampWidth + 20;
      const injected = boxSum(ghosted, clean, gx0, py0, 20, 20);
      const residual = boxSum(corrected, clean, gx0, py0, 20, 20);
      const coefficient = on.crosstalk[target * 16 + 3]!;
      const expected =
        coefficient * 400 * 100_000 * (on.electronics[target]!.gain / on.electronics[3]!.gain);
      console.log(
        `amp ${target}: coefficient ${coefficient.toExponential(2)}, ghost ${injected.toFixed(0)} e- (expected ${expected.toFixed(0)}), residual ${residual.toFixed(1)} e-`,
      );
      expect(Math.abs(coefficient)).toBeGreaterThanOrEqual(1e-4);
      expect(Math.abs(coefficient)).toBeLessThanOrEqual(5e-4);
      expect(injected / expected).toBeGreaterThan(0.97);
      expect(injected / expected).toBeLessThan(1.03);
      expect(Math.abs(residual)).toBeLessThan(0.01 * Math.abs(injected));
    }
    // an amp that does not couple to amp 3 gets no ghost
    expect(on.crosstalk[10 * 16 + 3]).toBe(0);
  });
});

describe('simulated non-linearity', () => {
  it('reads 100 ke⁻ 0.3–0.7 % low, and the linearizer calibration corrects every level to < 0.1 %', async () => {
    const on = detectorModel(1, 'LSSTComCam', 0, g, { ...NO_EFFECTS, nonlinearity: true });
    const off = detectorModel(1, 'LSSTComCam', 0, g, NO_EFFECTS);
    const linearizer = await readLinearizerFits(
      await linearizerFits(
        g.amps.map((amp, i) => ({
          amp: amp.name,
          coefficients: linearityPolynomial(on.nonlinearity[i]!, on.electronics[i]!.gain),
        })),
      ),
    );
    expect(linearizer.map((a) => a.amp)).toEqual(g.amps.map((a) => a.name));
    for (const level of [5_000, 50_000, 100_000, 140_000]) {
      const electrons = new Float32Array(g.width * g.height).fill(level);
      const truth = readAndIsr(off, electrons, 11, {});
      const raw = readAndIsr(on, electrons, 11, {});
      const fixed = readAndIsr(on, electrons, 11, {
        linearity: (i) => linearizer[i]!.coefficients,
      });
      for (let a = 0; a < 16; a++) {
        const amp = g.amps[a]!;
        const mean = (img: Float32Array) =>
          boxSum(img, new Float32Array(img.length), amp.x0, amp.y0, g.ampWidth, g.ampHeight) /
          (g.ampWidth * g.ampHeight);
        const t = mean(truth);
        const deficit = 1 - mean(raw) / t;
        const error = Math.abs(mean(fixed) / t - 1);
        if (level === 100_000) {
          expect(deficit).toBeGreaterThan(0.0028);
          expect(deficit).toBeLessThan(0.0072);
        }
        expect(error).toBeLessThan(0.001);
      }
    }
  });
});

describe('the simulated camera with effects', () => {
  const visit = plannedVisit(
    {
      instrument: 'LATISS',
      firstStartMs: Date.UTC(2026, 10, 21, 3),
      visits: 1,
      cadenceS: 35,
      exposureTimeS: 30,
      snaps: 1,
      readoutS: 2,
      bands: ['r'],
      survey: 'TEST',
      seed: 5,
    },
    0,
  );
  const camera = (effects?: typeof ALL_EFFECTS) =>
    new SimCamera({
      instrument: 'LATISS',
      seed: 5,
      scale: 0.1,
      starDensityPerDeg2: 20_000,
      magLimit: 20,
      transientsPerDetector: 0,
      cosmicRatePerCm2S: 0.03,
      ...(effects ? { effects } : {}),
    });

  it('gives the same bytes for the same seed, and other bytes when an effect is switched', async () => {
    const a = await camera(ALL_EFFECTS).raw(visit, 0, 0, visit.startMs, 1);
    const b = await camera(ALL_EFFECTS).raw(visit, 0, 0, visit.startMs, 1);
    const c = await camera({ ...ALL_EFFECTS, crosstalk: false }).raw(visit, 0, 0, visit.startMs, 1);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(Buffer.from(a.bytes).equals(Buffer.from(c.bytes))).toBe(false);
  });

  it('keeps the legacy camera (no effects option) free of crosstalk, non-linearity and SATURATE', async () => {
    const legacy = camera();
    const explicit = camera(LEGACY_EFFECTS);
    expect(legacy.model(0).crosstalk.every((c) => c === 0)).toBe(true);
    expect(legacy.model(0).nonlinearity.every((c) => c === 0)).toBe(true);
    const raw = await legacy.raw(visit, 0, 0, visit.startMs, 1);
    expect(Buffer.from(raw.bytes).includes('SATURATE')).toBe(false);
    const withSat = await explicit.raw(visit, 0, 0, visit.startMs, 1);
    expect(Buffer.from(withSat.bytes).includes('SATURATE')).toBe(true);
  });

  it('draws no cosmic rays, defects or bleed when those effects are off', async () => {
    const cam = camera(NO_EFFECTS);
    const raw = await cam.raw(visit, 0, 0, visit.startMs, 1);
    expect(raw.truth.cosmicRays).toEqual([]);
    expect(raw.truth.saturatedPixels).toBe(0);
    expect(cam.model(0).defects()).toEqual([]);
    const full = camera(ALL_EFFECTS).model(0);
    // dead columns, hot pixels, partial columns and clusters, all listed
    expect(full.defects().length).toBe(
      full.badColumns.length + full.hotPixels.length + full.badRegions.length,
    );
    expect(full.badRegions.some((r) => r.response === 0)).toBe(true);
    expect(full.badRegions.some((r) => r.response > 0 && r.width === 1)).toBe(true);
  });
});
