import { afterEach, describe, expect, it } from 'vitest';
import type { PromptlyError } from '../core/errors.js';
import { inThreadRenderer } from './in-thread-renderer.js';
import { plannedVisit } from './night-plan.js';
import { RenderPool } from './render-pool.js';
import type { RenderedRaw, RenderJob } from './render-job.js';
import { SimCamera, type SimCameraOptions } from './sim-camera.js';

const camera: SimCameraOptions = {
  instrument: 'LSSTComCam',
  seed: 7,
  scale: 0.04,
  starDensityPerDeg2: 5000,
  magLimit: 23,
  transientsPerDetector: 2,
  cosmicRatePerCm2S: 0.03,
  readoutS: 2,
};

const visit = plannedVisit(
  {
    instrument: 'LSSTComCam',
    firstStartMs: Date.UTC(2026, 10, 21, 3),
    visits: 1,
    cadenceS: 35,
    exposureTimeS: 15,
    snaps: 2,
    readoutS: 2,
    bands: ['r'],
    survey: 'TEST',
    seed: 7,
  },
  0,
);

function job(detector: number, snap = 0): RenderJob {
  return { visit, detector, snap, openMs: visit.startMs + snap * 17_000, seqNum: 1 + snap };
}

const pools: RenderPool[] = [];
function pool(options: Partial<ConstructorParameters<typeof RenderPool>[0]> = {}): RenderPool {
  const p = new RenderPool({ camera, threads: 2, ...options });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** Bytes the camera renders on this thread, without reused buffers. */
async function reference(j: RenderJob): Promise<Uint8Array> {
  const raw = await new SimCamera(camera).raw(j.visit, j.detector, j.snap, j.openMs, j.seqNum);
  return raw.bytes;
}

function expectSameBytes(got: Uint8Array, want: Uint8Array): void {
  expect(got.length).toBe(want.length);
  expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
}

describe('the render pool', () => {
  it('renders byte-identical raws on its threads to the camera on the main thread, detector after detector with reused buffers', async () => {
    const jobs = [job(0), job(4), job(8), job(4, 1), job(0, 1)];
    const p = pool();
    const threaded = await Promise.all(jobs.map((j) => p.render(j)));
    const inThread = inThreadRenderer(new SimCamera(camera));
    for (const [i, j] of jobs.entries()) {
      const want = await reference(j);
      expectSameBytes(threaded[i]!.bytes, want);
      expectSameBytes((await inThread.render(j)).bytes, want);
    }
    expect(threaded[0]!.truth.snap).toBe(0);
    expect(threaded[3]!.truth.snap).toBe(1);
    // Different detectors and snaps are different images.
    expect(Buffer.from(threaded[0]!.bytes).equals(Buffer.from(threaded[1]!.bytes))).toBe(false);
    await inThread.close();
  }, 120_000);

  it('renders a job again on a fresh thread when its thread dies, and reports the crash', async () => {
    const crashes: { error: PromptlyError; job: RenderJob }[] = [];
    const p = pool({ threads: 1, onThreadCrash: (error, j) => crashes.push({ error, job: j }) });
    const rendering = p.render(job(3));
    // The job is handed to the thread once admitted (a microtask later).
    await new Promise((resolve) => setImmediate(resolve));
    expect(p.terminateBusyThreads()).toBe(1);
    const raw = await rendering;
    expectSameBytes(raw.bytes, await reference(job(3)));
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.error.code).toBe('PROMPTLY_E_SIM_RENDER_CRASHED');
    expect(crashes[0]!.job.detector).toBe(3);
    // The pool goes on serving on its new thread.
    expectSameBytes((await p.render(job(5))).bytes, await reference(job(5)));
  }, 120_000);

  it('rejects with PROMPTLY_E_SIM_RENDER_CRASHED when the thread rendering the job again dies too', async () => {
    let crashes = 0;
    const p: RenderPool = pool({
      threads: 1,
      onThreadCrash: () => {
        crashes++;
        p.terminateBusyThreads(); // the second attempt is already on the fresh thread
      },
    });
    const rendering = p.render(job(2));
    await new Promise((resolve) => setImmediate(resolve));
    p.terminateBusyThreads();
    await expect(rendering).rejects.toMatchObject({ code: 'PROMPTLY_E_SIM_RENDER_CRASHED' });
    expect(crashes).toBe(1);
    expectSameBytes((await p.render(job(6))).bytes, await reference(job(6)));
  }, 120_000);

  it('bounds its queue: callers past maxQueued wait for room and are served in call order', async () => {
    const p = pool({ threads: 1, maxQueued: 1 });
    const order: number[] = [];
    const renders = [0, 1, 2, 3, 4].map((d) =>
      p.render(job(d)).then((raw: RenderedRaw) => {
        order.push(d);
        return raw;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(p.load()).toEqual({ rendering: 1, queued: 1, waiting: 3 });
    await Promise.all(renders);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(p.load()).toEqual({ rendering: 0, queued: 0, waiting: 0 });
  }, 120_000);

  it('rejects a waiting render with PROMPTLY_E_ABORTED when its signal fires, and every render once closed', async () => {
    const p = pool({ threads: 1, maxQueued: 1 });
    const first = p.render(job(0));
    const second = p.render(job(1));
    const stop = new AbortController();
    const third = p.render(job(2), stop.signal);
    stop.abort();
    await expect(third).rejects.toMatchObject({ code: 'PROMPTLY_E_ABORTED' });
    await first;
    await second;
    const late = expect(p.render(job(3))).rejects.toMatchObject({ code: 'PROMPTLY_E_ABORTED' });
    await p.close();
    await late;
    await expect(p.render(job(4))).rejects.toMatchObject({ code: 'PROMPTLY_E_ABORTED' });
  }, 120_000);

  it('rejects a render that throws with its own code, without retrying, and keeps serving', async () => {
    const crashes: PromptlyError[] = [];
    const p = pool({ threads: 1, onThreadCrash: (e) => crashes.push(e) });
    await expect(p.render(job(99))).rejects.toMatchObject({ code: 'PROMPTLY_E_DETECTOR_UNKNOWN' });
    expect(crashes).toHaveLength(0);
    expectSameBytes((await p.render(job(1))).bytes, await reference(job(1)));
  }, 120_000);
});
