import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { assembleAmps, detectorExtent } from './assemble.js';
import { parseSection } from './section.js';

/** 3×2 amp whose value encodes its own (x, y): 10·y + x. */
const amp = (): Float32Array => Float32Array.from([0, 1, 2, 10, 11, 12]);

describe('assembleAmps', () => {
  it('copies an unflipped amp straight into its DETSEC box', () => {
    const img = assembleAmps(6, 2, [
      { data: amp(), width: 3, height: 2, detSec: parseSection('[4:6,1:2]') },
    ]);
    expect(Array.from(img.data.subarray(3, 6))).toEqual([0, 1, 2]);
    expect(Array.from(img.data.subarray(9, 12))).toEqual([10, 11, 12]);
    expect(Number.isNaN(img.data[0])).toBe(true);
  });

  it('mirrors x when DETSEC runs backwards, as [509:1,1:2000] does', () => {
    const img = assembleAmps(3, 2, [
      { data: amp(), width: 3, height: 2, detSec: parseSection('[3:1,1:2]') },
    ]);
    expect(Array.from(img.data)).toEqual([2, 1, 0, 12, 11, 10]);
  });

  it('mirrors y, and both axes, for reversed y ranges', () => {
    const y = assembleAmps(3, 2, [
      { data: amp(), width: 3, height: 2, detSec: parseSection('[1:3,2:1]') },
    ]);
    expect(Array.from(y.data)).toEqual([10, 11, 12, 0, 1, 2]);
    const xy = assembleAmps(3, 2, [
      { data: amp(), width: 3, height: 2, detSec: parseSection('[3:1,2:1]') },
    ]);
    expect(Array.from(xy.data)).toEqual([12, 11, 10, 2, 1, 0]);
  });

  it('derives the detector size from the DETSEC boxes', () => {
    expect(
      detectorExtent([parseSection('[509:1,1:2000]'), parseSection('[510:1018,4000:2001]')]),
    ).toEqual({
      width: 1018,
      height: 4000,
    });
  });

  it('refuses an amp whose size differs from its DETSEC', () => {
    let err: unknown;
    try {
      assembleAmps(4, 2, [{ data: amp(), width: 3, height: 2, detSec: parseSection('[1:4,1:2]') }]);
    } catch (e) {
      err = e;
    }
    expect(isPromptlyError(err, 'PROMPTLY_E_IMAGE_GEOMETRY')).toBe(true);
  });
});
