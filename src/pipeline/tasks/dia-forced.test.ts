import { describe, expect, it } from 'vitest';
import { pixelProfile } from '../../science/dia/index.js';
import { imageFrom } from '../../science/index.js';
import { Prng } from '../../sim/prng.js';
import { makeTanWcs, pixToSky } from '../../wcs/index.js';
import { forcedPhotometry } from './dia-forced.js';
import type { Difference } from './subtract-task.js';

const W = 120;
const H = 100;
const SIGMA = 1.5;
const wcs = makeTanWcs({
  crval: [150, -30],
  crpix: [(W - 1) / 2, (H - 1) / 2],
  scaleArcsecPerPx: 0.2,
  rotationDeg: 0,
});

/** A difference with a source of `flux` at each (x, y), on white noise of σ 5. */
function difference(sources: [number, number, number][]): Difference {
  const rng = new Prng(9);
  const data = new Float32Array(W * H);
  const px = new Float64Array(W);
  const py = new Float64Array(H);
  for (const [x, y, flux] of sources) {
    pixelProfile(x, SIGMA, 0, W, px);
    pixelProfile(y, SIGMA, 0, H, py);
    for (let j = 0; j < H; j++)
      for (let i = 0; i < W; i++) data[j * W + i]! += flux * px[i]! * py[j]!;
  }
  for (let i = 0; i < data.length; i++) data[i]! += 5 * rng.gaussian();
  const image = imageFrom(W, H, data);
  const variance = imageFrom(W, H, new Float32Array(W * H).fill(25));
  return {
    image,
    variance,
    mask: new Uint32Array(W * H),
    template: imageFrom(W, H, new Float32Array(W * H)),
    psfSigmaPx: SIGMA,
    science: image,
    scienceVariance: variance,
    sciencePsfSigmaPx: SIGMA,
    convolved: 'template',
    wcs,
    quality: {
      stampsUsed: 0,
      stampsRejected: 0,
      residualRmsMedian: 1,
      residualRmsMax: 1,
      meanResidualSigmaMedian: 0,
      kernelSum: 1,
      spatialOrder: 0,
      kernelSigmaPx: { min: 1, max: 1 },
    },
    patches: [],
  };
}

describe('forced photometry of preloaded APDB objects', () => {
  it('measures each object on the detector at its sky position, scaled by the aperture correction, and leaves off-detector objects out', () => {
    const diff = difference([[40.3, 30.6, 5000]]);
    const on = pixToSky(wcs, Float64Array.of(40.3, 90), Float64Array.of(30.6, 70));
    const off = pixToSky(wcs, Float64Array.of(-20), Float64Array.of(50));
    const objects = {
      length: 3,
      diaObjectId: Float64Array.of(11, 12, 13),
      ra: Float64Array.of(on.ra[0]!, on.ra[1]!, off.ra[0]!),
      dec: Float64Array.of(on.dec[0]!, on.dec[1]!, off.dec[0]!),
    };
    const forced = forcedPhotometry(diff, objects);
    expect(Array.from(forced.diaObjectId)).toEqual([11, 12]);
    expect(forced.x[0]).toBeCloseTo(40.3, 6);
    // the source: its flux within 4σ; the blank position: zero within 4σ
    expect(Math.abs(forced.psfFlux[0]! - 5000)).toBeLessThan(4 * forced.psfFluxErr[0]!);
    expect(Math.abs(forced.psfFlux[1]!)).toBeLessThan(4 * forced.psfFluxErr[1]!);
    expect(forced.scienceFlux[0]).toBeCloseTo(forced.psfFlux[0]!, 6);
    const corrected = forcedPhotometry(diff, objects, { apertureCorrection: 1.1 });
    expect(corrected.psfFlux[0]).toBeCloseTo(1.1 * forced.psfFlux[0]!, 6);
    expect(corrected.psfFluxErr[0]).toBeCloseTo(1.1 * forced.psfFluxErr[0]!, 6);
    expect(corrected.scienceFlux[0]).toBeCloseTo(forced.scienceFlux[0]!, 6);
  });
});
