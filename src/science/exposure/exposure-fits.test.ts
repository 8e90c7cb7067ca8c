import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { FitsFile, makeImageHdu, primaryHdu, writeFits } from '../../fits/index.js';
import { exposureFrom } from './exposure.js';
import { readExposureFits, writeExposureFits } from './exposure-fits.js';
import { MASK_PLANES } from './mask-planes.js';
import { pixelPsf } from './pixel-psf.js';
import { moffatPsf, type Psf } from './psf.js';
import { sampleExposure } from './testing/sample-exposure.js';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return isPromptlyError(err) ? err.code : String(err);
  }
  return undefined;
}

describe('exposure FITS', () => {
  it('writes primary + IMAGE, MASK, VARIANCE extensions with MP_ cards and WCS on each plane', async () => {
    const exp = sampleExposure(
      40,
      24,
      moffatPsf({ fwhmPx: 3.2, ellipticity: 0.1, positionAngleDeg: 20 }),
    );
    const file = FitsFile.fromBytes(await writeExposureFits(exp));
    const hdus = await file.hdus();
    expect(hdus.map((h) => h.header.get('EXTNAME') ?? null)).toEqual([
      null,
      'IMAGE',
      'MASK',
      'VARIANCE',
    ]);
    expect(hdus.map((h) => h.bitpix)).toEqual([8, -32, 32, -32]);
    const maskHeader = hdus[2]!.header;
    expect(maskHeader.get('MP_SAT')).toBe(1);
    expect(maskHeader.get('MP_NO_DATA')).toBe(8);
    expect(maskHeader.get('MP_DETECTED_NEGATIVE')).toBe(6);
    for (const h of hdus.slice(1)) expect(h.header.get('CTYPE1')).toBe('RA---TAN-SIP');
    expect(hdus[0]!.header.get('PSFMODEL')).toBe('MOFFAT');
    expect(hdus[3]!.header.get('BUNIT')).toBe('electron**2');
  });

  it('reads back identical planes, mask planes, WCS, PSF and metadata', async () => {
    const psf = moffatPsf({ fwhmPx: 3.2, ellipticity: 0.1, positionAngleDeg: 20, beta: 2.5 });
    const exp = sampleExposure(40, 24, psf);
    const back = await readExposureFits(await writeExposureFits(exp));
    expect(back.width).toBe(40);
    expect(back.height).toBe(24);
    expect(back.image.data).toEqual(exp.image.data);
    expect(back.variance.data).toEqual(exp.variance.data);
    expect(Array.from(back.mask)).toEqual(Array.from(exp.mask));
    expect(back.maskPlanes).toEqual({ ...MASK_PLANES });
    expect(back.wcs).toEqual(exp.wcs);
    expect(back.unit).toBe('electron');
    expect(back.metadata).toEqual(exp.metadata);
    expect(back.psf?.kind).toBe('MOFFAT');
    const a = psf.kernelImage({ radiusPx: 6, dx: 0.2, dy: -0.3 });
    const b = back.psf!.kernelImage({ radiusPx: 6, dx: 0.2, dy: -0.3 });
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('stores a pixelized PSF as a PSF image extension and reads it back', async () => {
    const kernel = moffatPsf({ fwhmPx: 2.5 }).kernelImage({ radiusPx: 7 });
    const psf: Psf = pixelPsf({ width: 15, height: 15, pixels: Float32Array.from(kernel) });
    expect(psf.fwhmPx).toBeGreaterThan(2);
    const back = await readExposureFits(await writeExposureFits(sampleExposure(20, 20, psf)));
    expect(back.psf?.kind).toBe('PIXEL');
    expect(back.psf?.fwhmPx).toBeCloseTo(psf.fwhmPx, 6);
    const centred = back.psf!.kernelImage({ radiusPx: 7 });
    for (let i = 0; i < centred.length; i++) expect(centred[i]).toBeCloseTo(kernel[i]!, 6);
  });

  it('keeps a file’s own mask-plane dictionary', async () => {
    const base = sampleExposure(10, 10);
    const exp = exposureFrom(
      10,
      10,
      { image: base.image.data, mask: base.mask, variance: base.variance.data },
      { maskPlanes: { ...MASK_PLANES, STREAK: 12 } },
    );
    const back = await readExposureFits(await writeExposureFits(exp));
    expect(back.maskPlanes['STREAK']).toBe(12);
  });

  it('refuses a file without a MASK extension with PROMPTLY_E_EXPOSURE_INVALID', async () => {
    const px = new Float32Array(4);
    const bytes = await writeFits([
      primaryHdu([]),
      makeImageHdu(px, [2, 2], { extname: 'IMAGE' }),
      makeImageHdu(px, [2, 2], { extname: 'VARIANCE' }),
    ]);
    expect(await codeOf(readExposureFits(bytes))).toBe('PROMPTLY_E_EXPOSURE_INVALID');
  });

  it('refuses planes of different sizes and an unknown PSF model', async () => {
    let err: unknown;
    try {
      exposureFrom(3, 3, {
        image: new Float32Array(9),
        mask: new Uint32Array(8),
        variance: new Float32Array(9),
      });
    } catch (e) {
      err = e;
    }
    expect(isPromptlyError(err, 'PROMPTLY_E_EXPOSURE_INVALID')).toBe(true);
    const bytes = await writeExposureFits(sampleExposure(8, 8, moffatPsf({ fwhmPx: 2 })));
    expect(await codeOf(readExposureFits(bytes, { psfReaders: [] }))).toBe(
      'PROMPTLY_E_EXPOSURE_INVALID',
    );
  });
});
