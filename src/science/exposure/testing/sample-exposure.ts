import { makeSipPolynomial, makeTanWcs, type CelestialWcs } from '../../../wcs/index.js';
import { makeGauss, makeRng } from '../../testing/synth.js';
import { createExposure, type Exposure } from '../exposure.js';
import { maskBits } from '../mask-planes.js';
import type { Psf } from '../psf.js';

/** A TAN-SIP WCS near the south celestial cap, 0.2″/px, rotated 30°, mild distortion. */
export function sampleWcs(): CelestialWcs {
  return makeTanWcs({
    crval: [53.1, -28.2],
    crpix: [60.5, 40.25],
    scaleArcsecPerPx: 0.2,
    rotationDeg: 30,
    sip: {
      a: makeSipPolynomial(2, [
        [2, 0, 3e-6],
        [1, 1, -2e-6],
      ]),
      b: makeSipPolynomial(2, [
        [0, 2, 4e-6],
        [1, 1, 1e-6],
      ]),
    },
  });
}

/**
 * A small exposure (`width × height`) with noise in the image, variance = 100 + |image|,
 * and mask bits set on a few known pixels: BAD column x = 3, SAT block, CR pixel, EDGE rim,
 * DETECTED_NEGATIVE and NO_DATA on single pixels.
 */
export function sampleExposure(width: number, height: number, psf?: Psf): Exposure {
  const gauss = makeGauss(makeRng(7));
  const exp = createExposure(width, height, {
    wcs: sampleWcs(),
    psf,
    metadata: { BGMEAN: 1234.5, NSNAPS: 2, CRMETHOD: 'snaps', OBSERVER: 'promptly test' },
  });
  const img = exp.image.data;
  for (let i = 0; i < img.length; i++) {
    img[i] = 10 * gauss() + (i % width);
    exp.variance.data[i] = 100 + Math.abs(img[i]!);
  }
  const m = exp.mask;
  for (let y = 0; y < height; y++) m[y * width + 3] = m[y * width + 3]! | maskBits('BAD', 'INTRP');
  for (let y = 10; y < 14; y++)
    for (let x = 20; x < 23; x++) m[y * width + x] = m[y * width + x]! | maskBits('SAT');
  m[5 * width + 30] = m[5 * width + 30]! | maskBits('CR');
  for (let x = 0; x < width; x++) m[x] = m[x]! | maskBits('EDGE');
  m[7 * width + 7] = maskBits('DETECTED_NEGATIVE', 'DETECTED');
  m[8 * width + 9] = maskBits('NO_DATA', 'DIFF_EDGE');
  img[8 * width + 9] = NaN;
  return exp;
}
