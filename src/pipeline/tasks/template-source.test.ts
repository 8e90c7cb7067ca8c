import { describe, expect, it } from 'vitest';
import { compressImage, Header, primaryHdu, writeFits } from '../../fits/index.js';
import { MASK_NO_DATA } from '../../science/warp/index.js';
import { renderTemplate, templateFits, templateGrid } from '../../sim/templates.js';
import { SimCamera } from '../../sim/sim-camera.js';
import { toKeywords } from '../../wcs/index.js';
import { templateSource } from './template-source.js';

const camera = new SimCamera({
  instrument: 'LATISS',
  seed: 4,
  scale: 0.05,
  starDensityPerDeg2: 50_000,
  magLimit: 22,
  transientsPerDetector: 0,
  cosmicRatePerCm2S: 0,
});
const patch = templateGrid(96, 0.2).patch(10, 300);
const signal = new AbortController().signal;
/** A science grid that is the patch itself: the crop is the whole template. */
const onPatch = { wcs: patch.wcs, width: patch.sizePx, height: patch.sizePx };
const read = async (bytes: Uint8Array, id: number) => {
  const source = await templateSource(bytes, id, onPatch, signal);
  if (!source) throw new Error('the template does not overlap its own grid');
  return source;
};

describe('reading a template for subtraction', () => {
  it('takes a coadd’s IMAGE, VARIANCE and MASK planes and its WCS', async () => {
    const coadd = renderTemplate(camera.sky, patch, 'g', 0.2, {
      spec: { visits: 2, seeingArcsec: 0.7 },
    });
    coadd.mask[5] = MASK_NO_DATA;
    coadd.image[5] = NaN;
    coadd.variance[5] = NaN;
    const source = await read(await templateFits('LATISS', 'g', patch, coadd), patch.id);
    const n = patch.sizePx;
    expect(source.image.width).toBe(n);
    expect(source.wcs.crval).toEqual(patch.wcs.crval);
    expect(source.mask).toEqual(coadd.mask);
    for (let i = 0; i < n * n; i++) {
      if (i === 5) continue;
      // quantised to 1e-4 of the smallest variance
      expect(Math.abs(source.variance!.data[i]! / coadd.variance[i]! - 1)).toBeLessThan(1e-4);
    }
    expect(source.image.data[5]).toBeNaN();
  }, 60_000);

  it('still reads a one-HDU template, with a uniform variance from its background noise', async () => {
    const n = patch.sizePx;
    const pixels = new Float32Array(n * n);
    // white noise of σ 5 (a fixed pattern, not random)
    for (let i = 0; i < pixels.length; i++)
      pixels[i] = 5 * Math.sqrt(3) * (((i * 7919) % 1000) / 500 - 1);
    const h = new Header();
    for (const [k, v] of [
      ['XTENSION', 'IMAGE'],
      ['BITPIX', -32],
      ['NAXIS', 2],
      ['NAXIS1', n],
      ['NAXIS2', n],
      ['PCOUNT', 0],
      ['GCOUNT', 1],
      ['EXTNAME', 'IMAGE'],
    ] as const)
      h.set(k, v);
    for (const [k, v, c] of toKeywords(patch.wcs)) h.set(k, v, c);
    const bytes = await writeFits([
      primaryHdu([['OBSTYPE', 'TEMPLATE']]),
      compressImage(
        { header: h, bitpix: -32, axes: [n, n], pixels },
        { compression: 'RICE_1', quantizeLevel: 0 },
      ),
    ]);
    const source = await read(bytes, patch.id);
    expect(source.mask).toBeUndefined();
    expect(source.variance).toBeUndefined();
    expect(Math.sqrt(source.varianceLevel!)).toBeGreaterThan(4);
    expect(Math.sqrt(source.varianceLevel!)).toBeLessThan(6);
  });

  it('refuses a file that is not a template, naming the patch', async () => {
    await expect(templateSource(new Uint8Array(2880), 42, onPatch, signal)).rejects.toThrow(
      /patch 42/,
    );
  });
});
