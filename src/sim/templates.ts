import { compressImage, Header, primaryHdu, writeFits } from '../fits/index.js';
import {
  footprint,
  skyToPix,
  SkyMap,
  toKeywords,
  type CelestialWcs,
  type SkyPatch,
} from '../wcs/index.js';
import { fillGaussian } from './fast-gaussian.js';
import { electronsOf, skyElectrons } from './photometry.js';
import { Prng } from './prng.js';
import { drawGalaxies, galaxiesOnImage } from './galaxy-layer.js';
import { addPointSource, moffatPsf, MAX_STAMP_RADIUS_PX } from './psf.js';
import { boundingBox, starsInBox, type SkyModel } from './sky-catalog.js';

/** Exposure a template is normalised to, seconds: pixel values are e⁻ in a 30 s visit. */
export const TEMPLATE_EXPOSURE_S = 30;
/** Visits stacked into a template: its noise is that of one visit / √N. */
export const TEMPLATE_DEPTH_VISITS = 16;
/** PSF FWHM of the templates, arcseconds (good-seeing coadds). */
export const TEMPLATE_SEEING_ARCSEC = 0.7;

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

/**
 * Renders a deep template of a patch in a band: catalog stars at their mean magnitudes and
 * galaxies (no transients, variables at mean), Moffat PSF of {@link TEMPLATE_SEEING_ARCSEC}, background
 * subtracted, with the residual noise of a {@link TEMPLATE_DEPTH_VISITS}-visit stack. Units:
 * e⁻ per pixel in a {@link TEMPLATE_EXPOSURE_S} s visit.
 */
export function renderTemplate(
  sky: SkyModel,
  patch: TemplatePatch,
  band: string,
  pixelScaleArcsec: number,
): Float32Array {
  const n = patch.sizePx;
  const image = new Float32Array(n * n);
  const psf = moffatPsf(TEMPLATE_SEEING_ARCSEC / pixelScaleArcsec);
  const corners = footprint(patch.wcs, n, n);
  const cat = starsInBox(
    sky,
    boundingBox(corners.ra, corners.dec, (MAX_STAMP_RADIUS_PX * pixelScaleArcsec) / 3600),
  );
  const { x, y } = skyToPix(patch.wcs, cat.ra, cat.dec, { onDivergence: 'nan' });
  const mags = cat.mag[band] ?? cat.mag.r!;
  for (let k = 0; k < cat.length; k++) {
    const px = x[k]!;
    const py = y[k]!;
    if (!(px > -MAX_STAMP_RADIUS_PX && py > -MAX_STAMP_RADIUS_PX)) continue;
    if (!(px < n + MAX_STAMP_RADIUS_PX && py < n + MAX_STAMP_RADIUS_PX)) continue;
    addPointSource(image, n, n, psf, px, py, electronsOf(mags[k]!, band, TEMPLATE_EXPOSURE_S));
  }
  const galaxies = galaxiesOnImage(sky, patch.wcs, n, n, pixelScaleArcsec);
  const galaxyMags = galaxies.catalog.mag[band] ?? galaxies.catalog.mag.r!;
  drawGalaxies(
    image,
    n,
    n,
    galaxies,
    () => psf,
    (k) => electronsOf(galaxyMags[k]!, band, TEMPLATE_EXPOSURE_S),
  );
  const skyE = skyElectrons(band, TEMPLATE_EXPOSURE_S, pixelScaleArcsec);
  const noise = fillGaussian(
    new Prng(sky.seed).fork(0x7e41, patch.id % 4294967296, band.charCodeAt(0)),
    new Float32Array(n * n),
  );
  const depth = Math.sqrt(TEMPLATE_DEPTH_VISITS);
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    image[i] = v + (Math.sqrt(v + skyE) / depth) * noise[i]!;
  }
  return image;
}

/**
 * A template as FITS: an empty primary HDU with identity cards, then the image as a
 * quantised, Rice-compressed float HDU (fpack -q 4, fixed dither seed so the bytes are
 * reproducible) carrying the patch's TAN WCS.
 */
export async function templateFits(
  instrument: string,
  band: string,
  patch: TemplatePatch,
  pixels: Float32Array,
): Promise<Uint8Array> {
  const primary = primaryHdu([
    ['INSTRUME', instrument],
    ['OBSTYPE', 'TEMPLATE'],
    ['BAND', band],
    ['PATCH', patch.id, 'template sky patch id'],
    ['NSTACK', TEMPLATE_DEPTH_VISITS, 'visits in the stack'],
    ['EXPTIME', TEMPLATE_EXPOSURE_S, '[s] pixel values are e- in this exposure'],
    ['BUNIT', 'electron'],
  ]);
  const h = new Header();
  h.set('XTENSION', 'IMAGE');
  h.set('BITPIX', -32);
  h.set('NAXIS', 2);
  h.set('NAXIS1', patch.sizePx);
  h.set('NAXIS2', patch.sizePx);
  h.set('PCOUNT', 0);
  h.set('GCOUNT', 1);
  h.set('EXTNAME', 'IMAGE');
  h.set('BAND', band);
  for (const [k, v, c] of toKeywords(patch.wcs)) h.set(k, v, c);
  const hdu = compressImage(
    { header: h, bitpix: -32, axes: [patch.sizePx, patch.sizePx], pixels },
    { compression: 'RICE_1', quantizeLevel: 4, ditherSeed: 1 + (patch.id % 10000) },
  );
  return writeFits([primary, hdu]);
}
