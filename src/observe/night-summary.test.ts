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

  it('gives the p98 of end of readout → alerts over every visit-detector, and the CPU wait', () => {
    // 100 visits whose alerts left 1 … 100 s after the end of readout: p98 is the 98th.
    const outcomes = Array.from({ length: 100 }, (_, i): Outcome => {
      const o = outcome(`v${i}`, 0, 'processed');
      return {
        ...o,
        marks: {
          ...o.marks,
          readoutEndMs: { 1: 0 },
          cpuGrantedMs: (o.marks.pipelineStartMs ?? 0) + i,
          alertsPublishedMs: (i + 1) * 1000,
        },
      };
    });
    const s = summarizeNight({
      instrument: 'LATISS',
      clockSpeed: 1,
      groups: outcomes.map((o) => o.group),
      detectorsPerVisit: 1,
      outcomes,
    });
    expect(s.latencyPercentilesMs.readoutToAlertsMs).toEqual({
      p50: 50_000,
      p95: 95_000,
      p98: 98_000,
      max: 100_000,
      n: 100,
    });
    expect(s.visits[3]?.detectors[0]?.cpuWaitMs).toBe(3);
    expect(s.latencyPercentilesMs.cpuWaitMs).toMatchObject({ max: 99, n: 100 });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    // with fewer than 50 values the p98 is the largest
    expect(percentile([3, 1, 2], 98)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });
});
