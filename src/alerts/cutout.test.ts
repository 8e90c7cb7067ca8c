import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { cutoutBox, cutoutPixels, makeCutout, shiftWcs } from './cutout.js';
import { sampleImage } from './sample-alerts.js';

describe('cutouts', () => {
  it('centre the source pixel in the box, upper-right of centre for an even side', () => {
    expect(cutoutBox({ x: 100.3, y: 99.6 })).toEqual({ x0: 85, y0: 85, size: 30 });
    expect(cutoutBox({ x: 10, y: 10, size: 5 })).toEqual({ x0: 8, y0: 8, size: 5 });
  });

  it('shift CRPIX by the box origin and keep the rest of the WCS', () => {
    const { wcs } = sampleImage(1);
    const moved = shiftWcs(wcs, 85, 70);
    expect(moved.crpix).toEqual([wcs.crpix[0] - 85, wcs.crpix[1] - 70]);
    expect(moved.cd).toEqual(wcs.cd);
    expect(moved.crval).toEqual(wcs.crval);
  });

  it('are NaN beyond the parent image', () => {
    const image = sampleImage(2);
    const px = cutoutPixels(image, { x0: -2, y0: -1, size: 4 });
    expect(Number.isNaN(px[0])).toBe(true);
    expect(px[1 * 4 + 2]).toBe(image.pixels[0]);
  });

  it('refuse sizes out of [3, 512], non-finite centres and mismatched images', async () => {
    const image = sampleImage(3);
    const attempts = [
      () => makeCutout(image, { x: 1, y: 1, size: 2 }),
      () => makeCutout(image, { x: 1, y: 1, size: 513 }),
      () => makeCutout(image, { x: NaN, y: 1 }),
      () => makeCutout({ ...image, width: 7 }, { x: 1, y: 1 }),
    ];
    for (const attempt of attempts) {
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isPromptlyError(err, 'PROMPTLY_E_ALERT_INVALID')).toBe(true);
    }
  });

  it('are single-HDU FITS files of whole 2880-byte blocks', async () => {
    const bytes = await makeCutout(sampleImage(4), { x: 50, y: 50 });
    expect(bytes.length % 2880).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(0, 30))).toMatch(/^SIMPLE {2}=\s+T/);
  });
});
