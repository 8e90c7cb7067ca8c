import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { MASK_NO_DATA } from '../warp/index.js';
import { CoaddStack } from './coadd-stack.js';
import { halfMaximumFwhm, meanPsfStamp } from './psf-stamp.js';

const W = 4;
const H = 2;

function input(values: number[], variances: number[], masks: number[] = []) {
  return {
    image: { width: W, height: H, data: Float32Array.from(values) },
    variance: { width: W, height: H, data: Float32Array.from(variances) },
    mask: Uint32Array.from({ length: W * H }, (_, i) => masks[i] ?? 0),
  };
}

describe('CoaddStack', () => {
  it('takes the weighted mean and its variance over the inputs with data in each pixel', () => {
    const stack = new CoaddStack(W, H);
    const N = MASK_NO_DATA;
    // input a covers everything; b lacks pixel 1 (NO_DATA) and pixel 2 (NaN); c only pixel 0
    stack.add(
      input([1, 1, 1, 1, 1, 1, 1, NaN], [4, 4, 4, 4, 4, 4, 4, NaN], [0, 0, 0, 0b10, 0, 0, 0, N]),
      1,
    );
    stack.add(
      input([4, 9, NaN, 4, 4, 4, 4, NaN], [1, 1, 1, 1, 1, 1, 1, NaN], [0, N, 0, 0b1, 0, 0, 0, N]),
      3,
    );
    stack.add(
      input(
        [10, NaN, NaN, NaN, NaN, NaN, NaN, NaN],
        [2, 0, 0, 0, 0, 0, 0, 0],
        [0, N, N, N, N, N, N, N],
      ),
      2,
    );
    expect(stack.inputs).toBe(3);
    const out = stack.finish();
    // pixel 0: (1·1 + 3·4 + 2·10) / 6, variance (1·4 + 9·1 + 4·2) / 36
    expect(out.image.data[0]).toBeCloseTo(33 / 6, 6);
    expect(out.variance.data[0]).toBeCloseTo(21 / 36, 6);
    expect(out.depth[0]).toBe(3);
    // pixels 1 and 2: a alone
    for (const i of [1, 2]) {
      expect(out.image.data[i]).toBeCloseTo(1, 6);
      expect(out.variance.data[i]).toBeCloseTo(4, 6);
      expect(out.depth[i]).toBe(1);
      expect(out.mask[i]).toBe(0);
    }
    // pixel 3: a and b, masks OR-ed
    expect(out.image.data[3]).toBeCloseTo(13 / 4, 6);
    expect(out.variance.data[3]).toBeCloseTo((4 + 9) / 16, 6);
    expect(out.mask[3]).toBe(0b11);
    // pixel 7: nobody
    expect(out.image.data[7]).toBeNaN();
    expect(out.variance.data[7]).toBeNaN();
    expect(out.mask[7]).toBe(MASK_NO_DATA);
    expect(out.depth[7]).toBe(0);
  });

  it('refuses a weight that is not a finite positive number, a wrong size, and use after finish', () => {
    const stack = new CoaddStack(W, H);
    const ok = input(new Array<number>(8).fill(1), new Array<number>(8).fill(1));
    for (const w of [0, -1, NaN, Infinity]) {
      expect(() => stack.add(ok, w)).toThrow(/weight/);
    }
    const small = { ...ok, mask: new Uint32Array(3) };
    try {
      stack.add(small, 1);
      expect.unreachable();
    } catch (err) {
      expect(isPromptlyError(err, 'PROMPTLY_E_IMAGE_GEOMETRY')).toBe(true);
    }
    stack.finish();
    expect(() => stack.add(ok, 1)).toThrow(/finished/);
  });
});

/** A pixel-centre-sampled elliptical Gaussian stamp, unit sum. */
function gaussianStamp(side: number, fwhmMajor: number, fwhmMinor: number, angleDeg: number) {
  const c = (side - 1) / 2;
  const k = 2 * Math.sqrt(2 * Math.LN2);
  const sa = fwhmMajor / k;
  const sb = fwhmMinor / k;
  const t = (angleDeg * Math.PI) / 180;
  const px = new Float32Array(side * side);
  let sum = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const u = (x - c) * Math.cos(t) + (y - c) * Math.sin(t);
      const v = -(x - c) * Math.sin(t) + (y - c) * Math.cos(t);
      const val = Math.exp(-0.5 * ((u / sa) ** 2 + (v / sb) ** 2));
      px[y * side + x] = val;
      sum += val;
    }
  }
  return { width: side, height: side, pixels: px.map((v) => v / sum) };
}

describe('PSF stamps', () => {
  it('measure the FWHM of Gaussians 2.5–6 px wide to 1 %, the geometric mean when elliptical', () => {
    for (const f of [2.5, 3.5, 6]) {
      expect(halfMaximumFwhm(gaussianStamp(41, f, f, 0)) / f).toBeCloseTo(1, 2);
    }
    const e = halfMaximumFwhm(gaussianStamp(41, 5, 4, 30));
    expect(Math.abs(e / Math.sqrt(20) - 1)).toBeLessThan(0.01);
  });

  it('average with weights into a unit-sum stamp whose FWHM lies between the inputs', () => {
    const a = gaussianStamp(31, 3, 3, 0);
    const b = gaussianStamp(31, 5, 5, 0);
    const mean = meanPsfStamp([a, { ...b, pixels: b.pixels.map((v) => 7 * v) }], [3, 1]);
    let sum = 0;
    for (let i = 0; i < mean.pixels.length; i++) {
      sum += mean.pixels[i]!;
      // each input is normalised before weighting: 0.75 a + 0.25 b
      expect(mean.pixels[i]).toBeCloseTo(0.75 * a.pixels[i]! + 0.25 * b.pixels[i]!, 7);
    }
    expect(sum).toBeCloseTo(1, 5);
    const f = halfMaximumFwhm(mean);
    expect(f).toBeGreaterThan(3);
    expect(f).toBeLessThan(5);
    expect(() => meanPsfStamp([a, gaussianStamp(21, 3, 3, 0)], [1, 1])).toThrow(/size/);
    expect(() => meanPsfStamp([a], [0])).toThrow(/weight/);
  });
});
