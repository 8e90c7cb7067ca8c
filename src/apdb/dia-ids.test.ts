import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import {
  COMPACT_VISIT_LIMIT,
  MAX_RECORDS_PER_VISIT_DETECTOR,
  packDiaId,
  unpackDiaId,
} from './dia-ids.js';

const invalid = expect.toSatisfy((e: unknown) => isPromptlyError(e, 'PROMPTLY_E_APDB_INVALID'));

describe('DIA record ids', () => {
  it('packs (visit, detector, index) into a safe integer and unpacks it again', () => {
    const cases: [number, number, number][] = [
      [0, 0, 0],
      [1, 0, 1],
      [12345, 94, 16383],
      [COMPACT_VISIT_LIMIT - 1, 255, 0],
      [2025060100123, 204, 17],
      [2020010100000, 0, 0],
      [2063123199999, 255, MAX_RECORDS_PER_VISIT_DETECTOR - 1],
    ];
    for (const [visit, detector, index] of cases) {
      const id = packDiaId(visit, detector, index);
      expect(Number.isSafeInteger(id)).toBe(true);
      expect(unpackDiaId(id)).toEqual({ visit, detector, index });
    }
  });

  it('gives distinct ids to neighbouring visits, detectors and indices', () => {
    const ids = new Set<number>();
    for (const visit of [5, 6, 2025060100001, 2025060100002, 2025060200001])
      for (const detector of [0, 1, 255])
        for (const index of [0, 1, 16383]) ids.add(packDiaId(visit, detector, index));
    expect(ids.size).toBe(5 * 3 * 3);
  });

  it('refuses what cannot be packed', () => {
    expect(() => packDiaId(-1, 0, 0)).toThrow(invalid);
    expect(() => packDiaId(1.5, 0, 0)).toThrow(invalid);
    expect(() => packDiaId(1, 256, 0)).toThrow(invalid);
    expect(() => packDiaId(1, 0, MAX_RECORDS_PER_VISIT_DETECTOR)).toThrow(invalid);
    // Beyond the compact range, a visit must be dayObs·100000 + seqNum of a real date.
    expect(() => packDiaId(2025023000001, 0, 0)).toThrow(invalid);
    expect(() => packDiaId(2019123100001, 0, 0)).toThrow(invalid);
    expect(() => packDiaId(2065010100001, 0, 0)).toThrow(invalid);
    expect(() => packDiaId(COMPACT_VISIT_LIMIT, 0, 0)).toThrow(invalid);
  });
});
