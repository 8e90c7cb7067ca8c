import { compressImage, Header, primaryHdu, writeFits } from '../fits/index.js';
import {
  footprint,
  makeTanWcs,
  pixToSky,
  skyToPix,
  toKeywords,
  type CelestialWcs,
} from '../wcs/index.js';
import { fillGaussian } from './fast-gaussian.js';
import { electronsOf, skyElectrons } from './photometry.js';
import { Prng } from './prng.js';
import { addPointSource, moffatPsf, MAX_STAMP_RADIUS_PX } from './psf.js';
import { boundingBox, starsInBox, type SkyModel } from './sky-catalog.js';

/** Exposure a template is normalised to, seconds: pixel values are e⁻ in a 30 s visit. */
export const TEMPLATE_EXPOSURE_S = 30;
/** Visits stacked into a template: its noise is that of one visit / √N. */
export const TEMPLATE_DEPTH_VISITS = 16;
/** PSF FWHM of the templates, arcseconds (good-seeing coadds). */
export const TEMPLATE_SEEING_ARCSEC = 0.7;

/** A sky patch of the template grid: a square TAN image centred on a grid point. */
export interface TemplatePatch {
  /** Non-negative integer id, `(decIndex + 100000) × 1000000 + raIndex`. */
  readonly id: number;
  readonly ra: number;
  readonly dec: number;
  /** Side of the patch image, pixels (includes the overlap margin). */
  readonly sizePx: number;
  readonly wcs: CelestialWcs;
}

/**
 * The template grid: patch centres every `stepPx` pixels in Dec and `stepPx / cos Dec` in
 * RA; each patch image is `stepPx + 2 × margin` square (margin = stepPx / 8), so neighbours
 * overlap and any detector-sized region within a patch's step is covered.
 */
export function templateGrid(stepPx: number, pixelScaleArcsec: number) {
  const stepDeg = (stepPx * pixelScaleArcsec) / 3600;
  const margin = Math.ceil(stepPx / 8);
  const sizePx = stepPx + 2 * margin;
  const raStep = (j: number): number => {
    const dec = j * stepDeg;
    const n = Math.max(1, Math.floor((360 * Math.cos((dec * Math.PI) / 180)) / stepDeg));
    return 360 / n;
  };
  const patch = (j: number, i: number): TemplatePatch => {
    const dec = j * stepDeg;
    const ra = i * raStep(j);
    return {
      id: (j + 100000) * 1_000_000 + i,
      ra,
      dec,
      sizePx,
      wcs: makeTanWcs({
        crval: [ra, dec],
        crpix: [(sizePx - 1) / 2, (sizePx - 1) / 2],
        scaleArcsecPerPx: pixelScaleArcsec,
        rotationDeg: 0,
      }),
    };
  };
  /** Patches whose step cell contains any of the points (ra, dec in degrees). */
  const covering = (ra: ArrayLike<number>, dec: ArrayLike<number>): TemplatePatch[] => {
    const found = new Map<number, TemplatePatch>();
    for (let k = 0; k < ra.length; k++) {
      const j = Math.round(dec[k]! / stepDeg);
      const step = raStep(j);
      const i = Math.round((((ra[k]! % 360) + 360) % 360) / step) % Math.round(360 / step);
      const p = patch(j, i);
      found.set(p.id, p);
    }
    return [...found.values()];
  };
  return { stepDeg, sizePx, patch, covering };
}

/** Patches covering a detector image: its corners, edge midpoints and a grid inside. */
export function patchesForImage(
  grid: ReturnType<typeof templateGrid>,
  wcs: CelestialWcs,
  width: number,
  height: number,
): TemplatePatch[] {
  const n = 5;
  const xs = new Float64Array(n * n);
  const ys = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      xs[a * n + b] = ((width - 1) * a) / (n - 1);
      ys[a * n + b] = ((height - 1) * b) / (n - 1);
    }
  }
  const sky = footprint(wcs, width, height);
  const inner = pixToSky(wcs, xs, ys);
  return grid.covering([...sky.ra, ...inner.ra], [...sky.dec, ...inner.dec]);
}

/**
 * Renders a deep template of a patch in a band: catalog stars at their mean magnitudes (no
 * transients, variables at mean), Moffat PSF of {@link TEMPLATE_SEEING_ARCSEC}, background
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
