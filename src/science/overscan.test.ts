import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { subtractOverscan } from './overscan.js';
import { parseSection } from './section.js';
import { makeGauss, makeRng } from './testing/synth.js';

// amp: 3 prescan columns, 20×12 data, 8 overscan columns
const W = 31;
const H = 12;
const DATA = parseSection('[4:23,1:12]').box;
const BIAS = parseSection('[24:31,1:12]').box;
const rowLevel = (y: number): number => 1000 + 7 * Math.sin(y) + y;
const signal = (x: number, y: number): number => 100 * x + y;

function makeAmp(noise = 0, seed = 1): Float32Array {
  const gauss = makeGauss(makeRng(seed));
  const px = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inData = x >= DATA.x0 && x < DATA.x0 + DATA.width;
      px[y * W + x] = rowLevel(y) + (inData ? signal(x - DATA.x0, y) : 0) + noise * gauss();
    }
  }
  return px;
}

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('subtractOverscan', () => {
  it('removes a per-row overscan level exactly and trims to the data section', () => {
    const r = subtractOverscan(makeAmp(), W, H, DATA, BIAS, { fit: 'row' });
    expect(r.width).toBe(20);
    expect(r.height).toBe(12);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < 20; x++) expect(r.data[y * 20 + x]).toBeCloseTo(signal(x, y), 3);
    }
    let mean = 0;
    for (let y = 0; y < H; y++) mean += rowLevel(y) / H;
    expect(r.level).toBeCloseTo(mean, 3);
    expect(r.noise).toBeCloseTo(0, 3);
  });

  it('subtracts one median level for the whole amplifier with fit "constant"', () => {
    const px = new Float32Array(W * H).fill(500);
    px[0 * W + 25] = 1e6; // a cosmic ray in the overscan does not move the median
    for (let y = 0; y < H; y++)
      for (let x = DATA.x0; x < DATA.x0 + DATA.width; x++) px[y * W + x] = 510;
    const r = subtractOverscan(px, W, H, DATA, BIAS, { fit: 'constant' });
    expect(r.level).toBe(500);
    expect(Array.from(r.data).every((v) => v === 10)).toBe(true);
  });

  it('rejects an overscan outlier with the clipped mean', () => {
    const px = makeAmp();
    px[5 * W + 27] = 1e5;
    const r = subtractOverscan(px, W, H, DATA, BIAS, { statistic: 'clippedMean' });
    expect(r.data[5 * 20 + 3]).toBeCloseTo(signal(3, 5), 3);
  });

  it('estimates the read noise of the overscan', () => {
    const big = 400;
    const gauss = makeGauss(makeRng(3));
    const px = new Float32Array(40 * big);
    for (let i = 0; i < px.length; i++) px[i] = 2000 + 5 * gauss();
    const r = subtractOverscan(
      px,
      40,
      big,
      { x0: 0, y0: 0, width: 20, height: big },
      { x0: 20, y0: 0, width: 20, height: big },
    );
    // 8000 samples about per-row medians: σ within a few percent (median of 20 costs ~3%)
    expect(r.noise).toBeGreaterThan(4.7);
    expect(r.noise).toBeLessThan(5.3);
  });

  it('smooths per-row levels with a running mean when asked', () => {
    const px = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) px[y * W + x] = y % 2 === 0 ? 100 : 102;
    const r = subtractOverscan(px, W, H, DATA, BIAS, { smoothRows: 1 });
    // interior rows see the mean of three rows: 101 ± 1/3
    expect(Math.abs(r.data[5 * 20]! - (102 - (100 + 102 + 100) / 3))).toBeLessThan(1e-4);
  });

  it('accepts Int32 raw pixels', () => {
    const px = Int32Array.from(makeAmp(), (v) => Math.round(v));
    const r = subtractOverscan(px, W, H, DATA, BIAS, { fit: 'constant' });
    expect(r.data.length).toBe(240);
  });

  it('refuses boxes outside the amplifier and overscan that misses data rows', () => {
    const px = makeAmp();
    expect(
      isPromptlyError(
        catchErr(() => subtractOverscan(px, W, H, { x0: 3, y0: 0, width: 40, height: 12 }, BIAS)),
        'PROMPTLY_E_IMAGE_GEOMETRY',
      ),
    ).toBe(true);
    expect(
      isPromptlyError(
        catchErr(() => subtractOverscan(px, W, H, DATA, { x0: 23, y0: 2, width: 8, height: 5 })),
        'PROMPTLY_E_IMAGE_GEOMETRY',
      ),
    ).toBe(true);
    expect(
      isPromptlyError(
        catchErr(() => subtractOverscan(px, W, H - 1, DATA, BIAS)),
        'PROMPTLY_E_IMAGE_GEOMETRY',
      ),
    ).toBe(true);
  });
});
