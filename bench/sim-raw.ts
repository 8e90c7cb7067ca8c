import { inThreadRenderer } from '../src/sim/in-thread-renderer.js';
import { plannedVisit } from '../src/sim/night-plan.js';
import { defaultRenderThreads, RenderPool } from '../src/sim/render-pool.js';
import type { RawRenderer, RenderJob } from '../src/sim/render-job.js';
import { SimCamera, type SimCameraOptions } from '../src/sim/sim-camera.js';
import type { BenchRow } from './bench-row.js';

/** LSSTComCam's visit cadence the simulator must keep up with, seconds. */
export const COMCAM_CADENCE_S = 35;

/** Detectors of LSSTComCam. */
const COMCAM_DETECTORS = 9;

/** Wall ms to render every job through `renderer`, all asked for at once (as the summit does). */
async function timeAll(renderer: RawRenderer, jobs: readonly RenderJob[]): Promise<number> {
  const t = performance.now();
  await Promise.all(jobs.map((j) => renderer.render(j)));
  return performance.now() - t;
}

/**
 * The summit's rendering of full-size LSSTComCam raws (4072 × 4000 px through 16 amps of
 * 576 × 2048 with overscans: sky, stars, transients, flat, dark, cosmic rays, bleed, noise,
 * readout, header service, Rice compression), measured two ways in the same run: on the main
 * thread (the anchor) and on the render pool's threads. Every number is a ratio to something
 * measured in this run, so a loaded machine slows both sides alike: the pool's throughput
 * against the in-thread throughput (met when the pool is at least 0.8 × as fast: its threads
 * must not cost more than they give), and — for information, since it depends on this
 * machine's cores — a ComCam visit's generation time on the pool against ComCam's cadence.
 * Each path renders every detector once first (models built, code warm), then `snaps` snaps of
 * each detector; one detector per render thread, at least two.
 */
export async function runSimBench(options: { snaps?: number } = {}): Promise<BenchRow[]> {
  const snaps = options.snaps ?? 2;
  const threads = defaultRenderThreads();
  const camera: SimCameraOptions = {
    instrument: 'LSSTComCam',
    seed: 1,
    scale: 1,
    starDensityPerDeg2: 20_000,
    magLimit: 24,
    transientsPerDetector: 2,
    cosmicRatePerCm2S: 0.03,
  };
  const visit = plannedVisit(
    {
      instrument: 'LSSTComCam',
      firstStartMs: Date.UTC(2026, 10, 21, 3),
      visits: 1,
      cadenceS: COMCAM_CADENCE_S,
      exposureTimeS: 15,
      snaps,
      readoutS: 2,
      bands: ['r'],
      survey: 'BENCH',
      seed: 1,
    },
    0,
  );
  const detectors = Array.from(
    { length: Math.min(COMCAM_DETECTORS, Math.max(2, threads)) },
    (_, i) => i,
  );
  const jobsOf = (snapList: readonly number[]): RenderJob[] =>
    snapList.flatMap((snap) =>
      detectors.map((detector) => ({
        visit,
        detector,
        snap,
        openMs: visit.startMs + snap * 17_000,
        seqNum: snap + 1,
      })),
    );
  const warmUp = jobsOf([0]);
  const measured = jobsOf(Array.from({ length: snaps }, (_, s) => s));

  const inThread = inThreadRenderer(new SimCamera(camera));
  const warmInMs = await timeAll(inThread, warmUp);
  const inThreadMs = await timeAll(inThread, measured);
  await inThread.close();

  const pool = new RenderPool({ camera, threads });
  let poolMs: number;
  try {
    await timeAll(pool, warmUp);
    poolMs = await timeAll(pool, measured);
  } finally {
    await pool.close();
  }

  const n = measured.length;
  const inThreadRate = n / (inThreadMs / 1000);
  const poolRate = n / (poolMs / 1000);
  const perVisitS = (COMCAM_DETECTORS * snaps * poolMs) / n / 1000;
  const speedup = poolRate / inThreadRate;
  return [
    {
      group: 'sim-raw',
      name: 'full-size detector raw on the main thread (render + readout + Rice), mean',
      value: inThreadMs / n,
      unit: 'ms',
      note: `${n} raws (${detectors.length} detectors × ${snaps} snaps) after a warm-up of ${warmUp.length} that built the detector models (${warmInMs.toFixed(0)} ms)`,
    },
    {
      group: 'sim-raw',
      name: `render pool throughput (${threads} thread${threads === 1 ? '' : 's'})`,
      value: poolRate,
      unit: 'raws/s',
      anchorName: 'main thread (same run)',
      anchorValue: inThreadRate,
      target: 'ratio ≥ 0.8',
      met: speedup >= 0.8,
      note: 'the ratio should approach the thread count on an idle machine',
    },
    {
      group: 'sim-raw',
      name: 'ComCam visit (9 det × snaps) generated on the pool',
      value: perVisitS,
      unit: 's',
      anchorName: 'ComCam cadence',
      anchorValue: COMCAM_CADENCE_S,
      note: 'information: ≤ 1 keeps up with the camera on this machine (depends on its cores and load)',
    },
  ];
}
