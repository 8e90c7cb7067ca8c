import { plannedVisit } from '../src/sim/night-plan.js';
import { SimCamera } from '../src/sim/sim-camera.js';
import type { BenchRow } from './bench-row.js';

/** LSSTComCam's visit cadence the simulator must keep up with, seconds. */
export const COMCAM_CADENCE_S = 35;

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Time to generate one full-size LSSTComCam detector raw (4072 × 4000 px through 16 amps of
 * 576 × 2048 with overscans: sky, stars, transients, flat, dark, cosmic rays, bleed, noise,
 * readout, header service, Rice compression), median of `repeats`; and whether one process
 * keeps up with ComCam's cadence: 9 detectors × 2 snaps per ~35 s visit. The detector model
 * (bias structure, flats) is built once per detector and reported on its own.
 */
export async function runSimBench(options: { repeats?: number } = {}): Promise<BenchRow[]> {
  const repeats = options.repeats ?? 5;
  const camera = new SimCamera({
    instrument: 'LSSTComCam',
    seed: 1,
    scale: 1,
    starDensityPerDeg2: 20_000,
    magLimit: 24,
    transientsPerDetector: 2,
    cosmicRatePerCm2S: 0.03,
  });
  const visit = plannedVisit(
    {
      instrument: 'LSSTComCam',
      firstStartMs: Date.UTC(2026, 10, 21, 3),
      visits: 1,
      cadenceS: COMCAM_CADENCE_S,
      exposureTimeS: 15,
      snaps: 2,
      readoutS: 2,
      bands: ['r'],
      survey: 'BENCH',
      seed: 1,
    },
    0,
  );
  const t0 = performance.now();
  camera.model(4).flat(visit.band);
  const modelMs = performance.now() - t0;
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    const raw = await camera.raw(visit, 4, i % 2, visit.startMs, i + 1);
    times.push(performance.now() - t);
    bytes = raw.bytes.length;
  }
  const rawMs = median(times);
  const perVisitS = (9 * visit.snaps * rawMs) / 1000;
  const ratio = perVisitS / COMCAM_CADENCE_S;
  return [
    {
      group: 'sim-raw',
      name: 'full-size detector raw (render + readout + Rice), median',
      value: rawMs,
      unit: 'ms',
      note: `${repeats} runs, ${(bytes / 1e6).toFixed(1)} MB compressed; detector model (bias, flat) built once in ${modelMs.toFixed(0)} ms`,
    },
    {
      group: 'sim-raw',
      name: 'ComCam visit (9 det × 2 snaps) generation time',
      value: perVisitS,
      unit: 's',
      anchorName: 'ComCam cadence',
      anchorValue: COMCAM_CADENCE_S,
      target: 'ratio ≤ 1.0 (keeps up, one core)',
      met: ratio <= 1,
    },
  ];
}
