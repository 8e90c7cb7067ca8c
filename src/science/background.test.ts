import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { estimateBackground } from './background.js';
import { makeStarField } from './testing/synth.js';

describe('estimateBackground', () => {
  it('reproduces a noiseless linear sky exactly, edges included (spline of a plane is the plane)', () => {
    const w = 300;
    const h = 200;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) data[y * w + x] = 500 + 0.3 * x - 0.2 * y;
    const bg = estimateBackground({ width: w, height: h, data }, { meshSize: 50, filterSize: 1 });
    let worst = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++)
        worst = Math.max(worst, Math.abs(bg.background.data[y * w + x]! - data[y * w + x]!));
    }
    // each cell's values are symmetric about its centre, so mode = mean = the centre value
    expect(worst).toBeLessThan(0.05);
  });

  it('finds sky level and noise under stars to 0.2% and 3%', () => {
    const f = makeStarField({
      width: 512,
      height: 512,
      seed: 11,
      nStars: 80,
      sky: 2000,
      noiseSigma: 25,
      starGain: 1,
      fwhmPx: 3,
      fluxMin: 2000,
      fluxMax: 200000,
      minSeparationPx: 15,
      marginPx: 5,
    });
    const bg = estimateBackground({ width: 512, height: 512, data: f.data });
    expect(bg.mesh.nx).toBe(8);
    expect(Math.abs(bg.globalLevel / 2000 - 1)).toBeLessThan(0.002);
    expect(Math.abs(bg.globalRms / 25 - 1)).toBeLessThan(0.03);
    let worst = 0;
    for (const v of bg.background.data) worst = Math.max(worst, Math.abs(v / 2000 - 1));
    expect(worst).toBeLessThan(0.002);
  });

  it('ignores NaN pixels and fills cells that are mostly NaN from their neighbours', () => {
    const w = 128;
    const h = 128;
    const data = new Float32Array(w * h).fill(100);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) data[y * w + x] = NaN;
    data[100 * w + 100] = NaN;
    const bg = estimateBackground({ width: w, height: h, data }, { meshSize: 32 });
    expect(Array.from(bg.background.data).every((v) => Math.abs(v - 100) < 1e-3)).toBe(true);
  });

  it('handles an image smaller than one mesh and partial edge cells', () => {
    const bg = estimateBackground(
      { width: 40, height: 70, data: new Float32Array(40 * 70).fill(7) },
      { meshSize: 64 },
    );
    expect(bg.mesh.nx).toBe(1);
    expect(bg.mesh.ny).toBe(2);
    expect(Array.from(bg.background.data).every((v) => v === 7)).toBe(true);
    expect(bg.globalRms).toBe(0);
  });

  it('rejects an even median-filter size', () => {
    let err: unknown;
    try {
      estimateBackground({ width: 4, height: 4, data: new Float32Array(16) }, { filterSize: 2 });
    } catch (e) {
      err = e;
    }
    expect(isPromptlyError(err, 'PROMPTLY_E_SCIENCE_OPTION_INVALID')).toBe(true);
  });
});
