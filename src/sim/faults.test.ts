import { describe, expect, it } from 'vitest';
import { inspectRaw } from '../prompt/worker/raw-inspect.js';
import { parseFaults, type FaultSpec } from './faults.js';
import { plannedVisit, type PlannedVisit } from './night-plan.js';
import { damageRaw, visitActions, type SummitAction } from './night-script.js';
import { SimCamera } from './sim-camera.js';

const DETECTORS = [0, 1, 2, 3];
const TIMING = { instrument: 'LSSTComCam', leadTimeMs: 20_000, readoutS: 2, writeDelayMs: 500 };
const visit: PlannedVisit = plannedVisit(
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
    seed: 1,
  },
  0,
);

function run(faults: string[]): SummitAction[] {
  return visitActions(visit, DETECTORS, 0, TIMING, parseFaults(faults));
}
const rawsOf = (a: SummitAction[]) => a.filter((x) => x.kind === 'raw');
const count = (a: SummitAction[], kind: SummitAction['kind']) =>
  a.filter((x) => x.kind === kind).length;

describe('summit faults', () => {
  it('without faults announces once ≥ 20 s ahead and writes every detector for every snap after its readout', () => {
    const a = run([]);
    const nv = a.filter((x) => x.kind === 'next_visit');
    expect(nv).toHaveLength(1);
    expect(visit.startMs - nv[0]!.atMs).toBeGreaterThanOrEqual(20_000);
    expect(rawsOf(a)).toHaveLength(DETECTORS.length * 2);
    const ocs = a.flatMap((x) => (x.kind === 'ocs' ? [`${x.event}/${x.snap}`] : []));
    expect(ocs).toEqual([
      'startIntegration/0',
      'startReadout/0',
      'endReadout/0',
      'startIntegration/1',
      'startReadout/1',
      'endReadout/1',
    ]);
    for (const r of rawsOf(a)) {
      const end = a.find(
        (x) =>
          x.kind === 'ocs' &&
          x.event === 'endReadout' &&
          x.snap === (r.kind === 'raw' ? r.snap : -1),
      );
      expect(r.atMs).toBeGreaterThan(end!.atMs);
    }
  });

  it('dropped-snap leaves out the last snap of every detector, or of the one named', () => {
    expect(rawsOf(run(['dropped-snap'])).every((r) => r.kind === 'raw' && r.snap === 0)).toBe(true);
    expect(rawsOf(run(['dropped-snap@0:2']))).toHaveLength(DETECTORS.length * 2 - 1);
  });

  it('delayed-image writes the raws long after the visit ends', () => {
    const normal = Math.max(...rawsOf(run([])).map((r) => r.atMs));
    const late = Math.min(...rawsOf(run(['delayed-image'])).map((r) => r.atMs));
    expect(late - normal).toBeGreaterThan(60_000);
  });

  it('duplicate-next-visit publishes the same next_visit twice', () => {
    const nv = run(['duplicate-next-visit']).filter((x) => x.kind === 'next_visit');
    expect(nv).toHaveLength(2);
    expect(nv[0]!.kind === 'next_visit' && nv[1]!.kind === 'next_visit' && nv[0]!.event).toEqual(
      nv[1]!.kind === 'next_visit' ? nv[1]!.event : undefined,
    );
  });

  it('corrupt-file and truncated-file damage one raw that ingest then rejects as corrupt', async () => {
    for (const [fault, damage] of [
      ['corrupt-file@0:1', 'corrupt'],
      ['truncated-file', 'truncated'],
    ] as const) {
      const damaged = rawsOf(run([fault])).filter((r) => r.kind === 'raw' && r.damage);
      expect(damaged).toHaveLength(1);
      expect(damaged[0]!.kind === 'raw' && damaged[0]!.damage).toBe(damage);
    }
    const camera = new SimCamera({
      instrument: 'LSSTComCam',
      seed: 1,
      scale: 0.03,
      starDensityPerDeg2: 1000,
      magLimit: 22,
      transientsPerDetector: 0,
      cosmicRatePerCm2S: 0,
    });
    const { bytes } = await camera.raw(visit, 1, 0, visit.startMs, 1);
    const key = {
      instrument: 'LSSTComCam',
      detector: 1,
      group: visit.groupId,
      snap: 0,
      file: 'x.fits',
    };
    expect(inspectRaw(bytes, key)).toMatchObject({ amplifiers: 16 });
    for (const damage of ['corrupt', 'truncated'] as const) {
      expect(() => inspectRaw(damageRaw(bytes, damage), key)).toThrow(
        expect.objectContaining({ code: 'PROMPTLY_E_RAW_CORRUPT' }),
      );
    }
  });

  it('aborted-visit stops after the first startIntegration: an abort event and no raws', () => {
    const a = run(['aborted-visit']);
    expect(count(a, 'raw')).toBe(0);
    expect(a.flatMap((x) => (x.kind === 'ocs' ? [x.event] : []))).toEqual([
      'startIntegration',
      'visitAborted',
    ]);
  });

  it('next-visit-no-images announces the visit and does nothing else', () => {
    const a = run(['next-visit-no-images']);
    expect(a.map((x) => x.kind)).toEqual(['next_visit']);
  });

  it('images-no-next-visit writes every raw without announcing the visit', () => {
    const a = run(['images-no-next-visit']);
    expect(count(a, 'next_visit')).toBe(0);
    expect(count(a, 'raw')).toBe(DETECTORS.length * 2);
  });

  it('detector-no-readout never writes the named detector (default: the last)', () => {
    const byDefault = rawsOf(run(['detector-no-readout']));
    expect(byDefault.some((r) => r.kind === 'raw' && r.detector === 3)).toBe(false);
    expect(byDefault).toHaveLength(6);
    const named = rawsOf(run(['detector-no-readout@0:1']));
    expect(named.some((r) => r.kind === 'raw' && r.detector === 1)).toBe(false);
  });

  it('applies a fault only to the visit it names', () => {
    expect(rawsOf(run(['aborted-visit@1']))).toHaveLength(DETECTORS.length * 2);
  });

  it('rejects an unknown fault or a malformed target with PROMPTLY_E_CONFIG_INVALID', () => {
    for (const bad of ['cosmic-storm', 'dropped-snap@x', 'dropped-snap@1:']) {
      expect(() => parseFaults([bad])).toThrow(
        expect.objectContaining({ code: 'PROMPTLY_E_CONFIG_INVALID' }),
      );
    }
    expect(parseFaults('dropped-snap@2:5, corrupt-file')).toEqual<FaultSpec[]>([
      { name: 'dropped-snap', visit: 2, detector: 5 },
      { name: 'corrupt-file', visit: 0 },
    ]);
  });
});
