import { describe, expect, it } from 'vitest';
import { exposureIdOf, midpointMjdTaiOf } from './exposure-id.js';

const header = (cards: Record<string, unknown>) => ({ get: (k: string) => cards[k] });

describe('exposure ids and midpoints from a raw header', () => {
  it('forms dayObs · 100000 + seqNum from DAYOBS (string or number) and SEQNUM', () => {
    expect(exposureIdOf(header({ DAYOBS: '20261203', SEQNUM: 42 }))).toBe(2026120300042);
    expect(exposureIdOf(header({ DAYOBS: 20261203, SEQNUM: 0 }))).toBe(2026120300000);
  });

  it('has none for a missing, malformed or out-of-range DAYOBS or SEQNUM', () => {
    expect(exposureIdOf(header({ SEQNUM: 1 }))).toBeUndefined();
    expect(exposureIdOf(header({ DAYOBS: '20261203' }))).toBeUndefined();
    expect(exposureIdOf(header({ DAYOBS: '20261332', SEQNUM: 1 }))).toBeUndefined();
    expect(exposureIdOf(header({ DAYOBS: '19991231', SEQNUM: 1 }))).toBeUndefined();
    expect(exposureIdOf(header({ DAYOBS: '20261203', SEQNUM: 100_000 }))).toBeUndefined();
    expect(exposureIdOf(header({ DAYOBS: '20261203', SEQNUM: 1.5 }))).toBeUndefined();
    expect(exposureIdOf(header({ DAYOBS: '2026-12-03', SEQNUM: 1 }))).toBeUndefined();
  });

  it('takes the middle of MJD-BEG and MJD-END in TAI, and nothing else', () => {
    expect(midpointMjdTaiOf(header({ 'MJD-BEG': 61000, 'MJD-END': 61000.5 }))).toBe(61000.25);
    expect(
      midpointMjdTaiOf(header({ TIMESYS: 'UTC', 'MJD-BEG': 61000, 'MJD-END': 61000.5 })),
    ).toBeUndefined();
    expect(midpointMjdTaiOf(header({ 'MJD-BEG': 61001, 'MJD-END': 61000 }))).toBeUndefined();
    expect(midpointMjdTaiOf(header({ 'MJD-BEG': NaN, 'MJD-END': 61000 }))).toBeUndefined();
  });
});
