import { describe, expect, it } from 'vitest';
import type { Outcome } from '../core/outcome.js';
import { latenciesOf, percentile, summarizeNight } from './night-summary.js';

const outcome = (group: string, detector: number, kind: Outcome['kind'], t0 = 1000): Outcome => ({
  instrument: 'LSSTComCam',
  detector,
  group,
  kind,
  snaps: [0, 1],
  outputs: [],
  deliveries: 1,
  marks: {
    nextVisitReceivedMs: t0,
    startedMs: t0 + 1,
    preloadDoneMs: t0 + 20,
    snapArrivedMs: { 0: t0 + 100, 1: t0 + 200 },
    ingestDoneMs: t0 + 203,
    pipelineStartMs: t0 + 205,
    pipelineEndMs: t0 + 705,
    outcomeMs: t0 + 710,
  },
});

describe('night summary', () => {
  it('derives latencies from the marks, counting from the last snap', () => {
    expect(latenciesOf(outcome('g', 3, 'processed'))).toEqual({
      detector: 3,
      outcome: 'processed',
      nextVisitToPreloadDoneMs: 20,
      lastSnapToPipelineStartMs: 5,
      pipelineMs: 500,
      lastSnapToOutcomeMs: 510,
    });
  });

  it('counts outcomes per visit, in the order the visits were announced', () => {
    const s = summarizeNight({
      instrument: 'LSSTComCam',
      clockSpeed: 10,
      groups: ['b', 'a'],
      detectorsPerVisit: 9,
      outcomes: [
        outcome('a', 0, 'processed'),
        outcome('a', 1, 'timed_out'),
        outcome('b', 0, 'failed'),
      ],
    });
    expect(s.visits.map((v) => [v.group, v.processed, v.failed, v.timedOut])).toEqual([
      ['b', 0, 1, 0],
      ['a', 1, 0, 1],
    ]);
    expect(s.latencyPercentilesMs.pipelineMs).toMatchObject({ p50: 500, n: 3 });
  });

  it('adds up alerts per visit and times them from the end of readout', () => {
    const o = outcome('a', 0, 'processed');
    const withAlerts: Outcome = {
      ...o,
      alerts: 7,
      marks: { ...o.marks, readoutEndMs: { 0: 1090, 1: 1190 }, alertsPublishedMs: 1700 },
    };
    const s = summarizeNight({
      instrument: 'LSSTComCam',
      clockSpeed: 1,
      groups: ['a'],
      detectorsPerVisit: 2,
      outcomes: [withAlerts, { ...outcome('a', 1, 'processed'), alerts: 2 }],
    });
    expect(s.visits[0]?.alerts).toBe(9);
    expect(s.latencyPercentilesMs.readoutToAlertsMs).toMatchObject({ p50: 510, n: 1 });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBeNaN();
  });
});
