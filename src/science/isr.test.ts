import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { createImage } from './image.js';
import { runIsr, type IsrAmp } from './isr.js';

// Two 4×3-data amps side by side, the left one read out mirrored (DETSEC [4:1,...]).
const AW = 7; // 1 prescan + 4 data + 2 overscan
const AH = 3;
const scene = (x: number, y: number): number => 100 + 10 * y + x; // electrons on the detector, 8×3

function makeAmp(side: 0 | 1, overscan: number, gain: number): IsrAmp {
  const px = new Float32Array(AW * AH);
  for (let y = 0; y < AH; y++) {
    for (let x = 0; x < AW; x++) {
      let v = overscan;
      if (x >= 1 && x <= 4) {
        const c = x - 1;
        const detX = side === 0 ? 3 - c : 4 + c;
        v += scene(detX, y) / gain;
      }
      px[y * AW + x] = v;
    }
  }
  return {
    pixels: px,
    width: AW,
    height: AH,
    dataSec: '[2:5,1:3]',
    biasSec: '[6:7,1:3]',
    detSec: side === 0 ? '[4:1,1:3]' : '[5:8,1:3]',
    gain,
  };
}

describe('runIsr', () => {
  it('removes each amp overscan, applies gain and assembles by DETSEC with flips', () => {
    const r = runIsr({ amps: [makeAmp(0, 1234, 2), makeAmp(1, 987, 1.25)] });
    expect(r.image.width).toBe(8);
    expect(r.image.height).toBe(3);
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 8; x++) expect(r.image.data[y * 8 + x]).toBeCloseTo(scene(x, y), 3);
    expect(r.amps.map((a) => a.overscanLevel)).toEqual([1234, 987]);
    expect(r.maskedByFlat).toBe(0);
  });

  it('subtracts the bias then divides by the flat, masking zero, negative and NaN flat pixels', () => {
    const bias = createImage(8, 3, 5);
    const flat = createImage(8, 3, 2);
    flat.data[0] = 0;
    flat.data[1] = NaN;
    flat.data[2] = -1;
    const r = runIsr({ amps: [makeAmp(0, 10, 1), makeAmp(1, 10, 1)], bias, flat });
    expect(r.maskedByFlat).toBe(3);
    expect(
      Number.isNaN(r.image.data[0]) &&
        Number.isNaN(r.image.data[1]) &&
        Number.isNaN(r.image.data[2]),
    ).toBe(true);
    expect(r.image.data[3]).toBeCloseTo((scene(3, 0) - 5) / 2, 4);
    expect(r.image.data[23]).toBeCloseTo((scene(7, 2) - 5) / 2, 4);
  });

  it('refuses a bias of the wrong size', () => {
    let err: unknown;
    try {
      runIsr({ amps: [makeAmp(0, 10, 1), makeAmp(1, 10, 1)], bias: createImage(7, 3) });
    } catch (e) {
      err = e;
    }
    expect(isPromptlyError(err, 'PROMPTLY_E_IMAGE_GEOMETRY')).toBe(true);
  });

  it('stops with PROMPTLY_E_ABORTED when its signal has fired', () => {
    const ac = new AbortController();
    ac.abort();
    let err: unknown;
    try {
      runIsr({ amps: [makeAmp(0, 10, 1)], options: { signal: ac.signal } });
    } catch (e) {
      err = e;
    }
    expect(isPromptlyError(err, 'PROMPTLY_E_ABORTED')).toBe(true);
  });
});
