import { PromptlyError } from '../core/errors.js';
import {
  compressImage,
  Header,
  makeBinaryTableHdu,
  makeImageHdu,
  primaryHdu,
  writeFits,
} from '../fits/index.js';
import { MASK_PLANES } from '../science/index.js';
import { SkyMap, toKeywords, type CelestialWcs, type SkyPatch } from '../wcs/index.js';
import type { TemplateCoadd } from './template-coadd.js';
import { TEMPLATE_EXPOSURE_S } from './template-inputs.js';

export {
  renderTemplate,
  type RenderTemplateOptions,
  type TemplateCoadd,
  type WeightedInput,
} from './template-coadd.js';
export {
  DEFAULT_COADD_SPEC,
  TEMPLATE_EXPOSURE_S,
  TEMPLATE_SEEING_ARCSEC_DEFAULT,
  TEMPLATE_VISITS_DEFAULT,
  TEMPLATE_VISITS_MAX,
  type CoaddSpec,
} from './template-inputs.js';

/** A sky patch of the template grid (see SkyMap in src/wcs). */
export type TemplatePatch = SkyPatch;

/** The template grid of the simulated sky: a {@link SkyMap} named `promptly-<stepPx>`. */
export function templateGrid(stepPx: number, pixelScaleArcsec: number): SkyMap {
  return new SkyMap({ name: `promptly-${stepPx}`, stepPx, pixelScaleArcsec });
}

/** Patches covering a detector image: its corners, edge midpoints and a grid inside. */
export function patchesForImage(
  grid: SkyMap,
  wcs: CelestialWcs,
  width: number,
  height: number,
): TemplatePatch[] {
  return grid.patchesForImage(wcs, width, height);
}

/** The header of a compressed plane: the image's own cards, EXTNAME, EXTTYPE and the WCS. */
function planeHeader(
  patch: TemplatePatch,
  extname: string,
  bitpix: number,
  bunit: string | undefined,
): Header {
  const h = new Header();
  h.set('XTENSION', 'IMAGE');
  h.set('BITPIX', bitpix);
  h.set('NAXIS', 2);
  h.set('NAXIS1', patch.sizePx);
  h.set('NAXIS2', patch.sizePx);
  h.set('PCOUNT', 0);
  h.set('GCOUNT', 1);
  h.set('EXTNAME', extname);
  h.set('EXTTYPE', extname, 'afw plane type');
  h.set('INHERIT', true, 'inherit the primary header');
  if (bunit !== undefined) h.set('BUNIT', bunit, 'pixel unit');
  for (const [k, v, c] of toKeywords(patch.wcs)) h.set(k, v, c);
  return h;
}

/** Relative precision of the stored variance: its quantisation step over its smallest value. */
const VARIANCE_PRECISION = 1e-4;

/**
 * The absolute quantisation step of a variance plane, e⁻²: {@link VARIANCE_PRECISION} of its
 * smallest value, so every pixel's σ is kept to 5·10⁻⁵ or better. (Lossless float tiles,
 * GZIP with ZQUANTIZ NONE, are what cfitsio reads but astropy 5.2 misreads as integers.)
 */
function varianceStep(variance: Float32Array): number {
  let min = Infinity;
  for (const v of variance) if (v > 0 && v < min) min = v;
  return Number.isFinite(min) ? min * VARIANCE_PRECISION : 1;
}

/**
 * Tiles of the templates' compressed planes, pixels (fpack -t 256,256): a detector reads only
 * the part of a patch under it, and square tiles let that read decode only the tiles it
 * touches — with one-row tiles it decoded whole rows of the patch, about 4× the pixels it used.
 */
const TEMPLATE_TILE = [256, 256] as const;

/**
 * A template as FITS, in the layout of an afw exposure: a data-less primary HDU (identity,
 * NSTACK, and the PSF as PSFMODEL = 'PIXEL', PSFFWHM in pixels, PSFHDU = 1), then IMAGE
 * (quantised, Rice-compressed float: fpack -q 4 with a fixed dither seed, so the bytes are
 * reproducible), MASK (int32, Rice, lossless; MP_<NAME> cards), VARIANCE (float, Rice,
 * quantised to 10⁻⁴ of its smallest value), each with the patch's TAN WCS; then PSF (the coadd PSF image, unit sum, patch
 * pixels, centred on its middle pixel) and INPUTS (a table of the input visits).
 */
export async function templateFits(
  instrument: string,
  band: string,
  patch: TemplatePatch,
  coadd: TemplateCoadd,
): Promise<Uint8Array> {
  const n = patch.sizePx;
  if (coadd.sizePx !== n) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `the coadd is ${coadd.sizePx} px, patch ${patch.id} is ${n} px`,
    );
  }
  const [a, b, c, d] = patch.wcs.cd;
  const scale = Math.sqrt(Math.abs(a * d - b * c)) * 3600; // arcsec per pixel
  const primary = primaryHdu([
    ['INSTRUME', instrument],
    ['OBSTYPE', 'TEMPLATE'],
    ['BAND', band],
    ['PATCH', patch.id, 'template sky patch id'],
    ['NSTACK', coadd.inputs.length, 'visits in the coadd'],
    ['EXPTIME', TEMPLATE_EXPOSURE_S, '[s] pixel values are e- in this exposure'],
    ['BUNIT', 'electron'],
    ['PSFMODEL', 'PIXEL', 'PSF model family'],
    ['PSFFWHM', coadd.psfFwhmPx, '[pixel] coadd PSF FWHM (half-maximum area)'],
    ['PSFFWHMA', coadd.psfFwhmPx * scale, '[arcsec] coadd PSF FWHM'],
    ['PSFHDU', 1, 'PSF kernel is PSF image extension number 1'],
  ]);
  const seed = 1 + (patch.id % 10000);
  const image = compressImage(
    {
      header: planeHeader(patch, 'IMAGE', -32, 'electron'),
      bitpix: -32,
      axes: [n, n],
      pixels: coadd.image,
    },
    { compression: 'RICE_1', quantizeLevel: 4, ditherSeed: seed, tile: TEMPLATE_TILE },
  );
  const maskHeader = planeHeader(patch, 'MASK', 32, undefined);
  for (const [name, bit] of Object.entries(MASK_PLANES).sort((a, b) => a[1] - b[1])) {
    maskHeader.set(`MP_${name}`, bit, `mask plane bit ${bit}`);
  }
  const m = coadd.mask;
  const mask = compressImage(
    {
      header: maskHeader,
      bitpix: 32,
      axes: [n, n],
      pixels: new Int32Array(m.buffer, m.byteOffset, m.length),
    },
    { compression: 'RICE_1', tile: TEMPLATE_TILE },
  );
  const variance = compressImage(
    {
      header: planeHeader(patch, 'VARIANCE', -32, 'electron**2'),
      bitpix: -32,
      axes: [n, n],
      pixels: coadd.variance,
    },
    {
      compression: 'RICE_1',
      quantizeLevel: -varianceStep(coadd.variance),
      ditherSeed: seed,
      tile: TEMPLATE_TILE,
    },
  );
  const psfHeader = new Header();
  psfHeader.set('EXTVER', 1, 'PSF image number');
  const psf = makeImageHdu(coadd.psf.pixels, [coadd.psf.width, coadd.psf.height], {
    extname: 'PSF',
    header: psfHeader,
  });
  const inputs = coadd.inputs;
  const col = (f: (i: (typeof inputs)[number]) => number) => Float64Array.from(inputs, f);
  const table = makeBinaryTableHdu(
    [
      { name: 'seeing', values: col((i) => i.seeingArcsec), unit: 'arcsec' },
      { name: 'psf_fwhm', values: col((i) => i.psf.fwhmPx * scale), unit: 'arcsec' },
      { name: 'psf_axis_ratio', values: col((i) => i.psf.axisRatio) },
      { name: 'dither_east', values: col((i) => i.ditherEastArcsec), unit: 'arcsec' },
      { name: 'dither_north', values: col((i) => i.ditherNorthArcsec), unit: 'arcsec' },
      { name: 'rotation', values: col((i) => i.rotationDeg), unit: 'deg' },
      { name: 'sky_mag', values: col((i) => i.skyMagPerArcsec2), unit: 'mag/arcsec2' },
      { name: 'weight', values: col((i) => i.weight), unit: 'electron**-2' },
    ],
    { extname: 'INPUTS' },
  );
  return writeFits([primary, image, mask, variance, psf, table]);
}
