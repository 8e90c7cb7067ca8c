import { describe, expect, it } from 'vitest';
import { assembleAmps } from './assemble.js';
import { correctCrosstalk, correctCrosstalkInFrame } from './crosstalk.js';
import { parseSection } from './section.js';

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential generator). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('correctCrosstalkInFrame', () => {
  // four 7 × 5 amps, two flipped in x, two in y, as on a two-row detector
  const detSecs = ['[7:1,1:5]', '[8:14,1:5]', '[7:1,10:6]', '[8:14,10:6]'].map(parseSection);
  const random = lcg(5);
  const amps = detSecs.map(() => Float32Array.from({ length: 35 }, () => 1000 * random()));
  const coefficients = Float64Array.from({ length: 16 }, (_, k) =>
    k % 5 === 0 ? 0 : (random() - 0.5) * 1e-3,
  );

  it('gives exactly the frame of amps corrected one by one and then assembled', () => {
    const copies = amps.map((a) => Float32Array.from(a));
    const pairs = correctCrosstalk(copies, coefficients);
    const expected = assembleAmps(
      14,
      10,
      copies.map((data, k) => ({ data, width: 7, height: 5, detSec: detSecs[k]! })),
    );
    const frame = assembleAmps(
      14,
      10,
      amps.map((data, k) => ({ data, width: 7, height: 5, detSec: detSecs[k]! })),
    ).data;
    const framePairs = correctCrosstalkInFrame(frame, 14, detSecs, coefficients);
    expect(framePairs).toBe(pairs);
    expect(pairs).toBe(12);
    expect(Array.from(frame)).toEqual(Array.from(expected.data));
    // the correction did something: a corrected pixel differs from its raw value
    expect(frame[0]).not.toBe(amps[0]![6]);
  });

  it('rejects a matrix of the wrong size and amps of different sizes', () => {
    const frame = new Float32Array(140);
    expect(() => correctCrosstalkInFrame(frame, 14, detSecs, [0, 1])).toThrow(/4×4/);
    const odd = [...detSecs.slice(0, 3), parseSection('[8:13,1:5]')];
    expect(() => correctCrosstalkInFrame(frame, 14, odd, coefficients)).toThrow(/one size/);
  });
});
