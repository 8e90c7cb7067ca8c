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
 * readout, header service, Rice compression), measured two ways in the same run, interleaved
 * (main thread, pool, pool, main thread) so that load coming or going weighs on both: on the
 * main thread (the anchor) and on the render pool's threads. The pool's throughput is a ratio
 * to the in-thread throughput (met when the pool is at least 0.8 × as fast: its threads must
 * not cost more than they give); the pool's wall time per raw is a ratio to ComCam's cadence
 * per raw (35 s / 9 detectors × snaps; met when ≤ 1: the simulator keeps up with the camera
 * on this machine's cores). Each path renders every detector once first (models built, code
 * warm), then `snaps` snaps of each detector; one detector per render thread, at least two.
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

  // Both renderers stay open and are measured in ABBA order (main, pool, pool, main), so a
  // load that comes or goes during the run weighs on both sides alike and the ratio holds.
  const inThread = inThreadRenderer(new SimCamera(camera));
  const pool = new RenderPool({ camera, threads });
  let inThreadMs = 0;
  let poolMs = 0;
  let warmInMs: number;
  try {
    warmInMs = await timeAll(inThread, warmUp);
    await timeAll(pool, warmUp);
    const half = measured.length / 2;
    const [first, second] = [measured.slice(0, half), measured.slice(half)];
    inThreadMs += await timeAll(inThread, first);
    poolMs += await timeAll(pool, first);
    poolMs += await timeAll(pool, second);
    inThreadMs += await timeAll(inThread, second);
  } finally {
    await inThread.close();
    await pool.close();
  }

  const n = measured.length;
  const inThreadRate = n / (inThreadMs / 1000);
  const poolRate = n / (poolMs / 1000);
  const speedup = poolRate / inThreadRate;
  /** The camera's time budget per raw: a cadence holds 9 detectors × snaps raws. */
  const cadencePerRawMs = (COMCAM_CADENCE_S * 1000) / (COMCAM_DETECTORS * snaps);
  const poolPerRawMs = poolMs / n;
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
      name: 'render pool wall time per raw (all asked for at once)',
      value: poolPerRawMs,
      unit: 'ms',
      anchorName: `ComCam cadence per raw (${COMCAM_CADENCE_S} s / ${COMCAM_DETECTORS} det × ${snaps} snaps)`,
      anchorValue: cadencePerRawMs,
      target: 'ratio ≤ 1',
      met: poolPerRawMs / cadencePerRawMs <= 1,
      note: `ratio = a ComCam visit's generation time on the pool / the cadence (${((poolPerRawMs * COMCAM_DETECTORS * snaps) / 1000).toFixed(1)} s of ${COMCAM_CADENCE_S} s): ≤ 1 keeps up with the camera on this machine's ${threads} render thread${threads === 1 ? '' : 's'}`,
    },
  ];
}
