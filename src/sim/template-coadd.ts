import {
  CoaddStack,
  halfMaximumFwhm,
  meanPsfStamp,
  type PsfStamp,
} from '../science/coadd/index.js';
import { mapPixelsExact, warpImages } from '../science/warp/index.js';
import { footprint, skyToPix, type SkyPatch } from '../wcs/index.js';
import { fillGaussian } from './fast-gaussian.js';
import { drawGalaxies, galaxiesOnImage } from './galaxy-layer.js';
import { electronsOf } from './photometry.js';
import { Prng } from './prng.js';
import { addPointSource, MAX_STAMP_RADIUS_PX } from './psf.js';
import { boundingBox, starsInBox, type SkyModel } from './sky-catalog.js';
import {
  DEFAULT_COADD_SPEC,
  TEMPLATE_EXPOSURE_S,
  templateInputs,
  type CoaddSpec,
  type TemplateInput,
} from './template-inputs.js';

/** An input visit of a coadd with the weight it was given (1 / its sky variance, e⁻⁻²). */
export interface WeightedInput extends TemplateInput {
  readonly weight: number;
}

/**
 * A template: the coadd of its input visits on the patch grid. Units: e⁻ per pixel in a
 * {@link TEMPLATE_EXPOSURE_S} s visit, background subtracted.
 */
export interface TemplateCoadd {
  /** Side of the patch, pixels; every plane is `sizePx × sizePx`, row-major. */
  readonly sizePx: number;
  /** Inverse-variance weighted mean of the warped inputs, e⁻. NaN where no input has data. */
  readonly image: Float32Array;
  /** Its variance per pixel, e⁻² (neighbouring pixels' noise is correlated by the warps). */
  readonly variance: Float32Array;
  /** Mask bits (the exposure model's planes): NO_DATA where no input has data. */
  readonly mask: Uint32Array;
  /** The coadd PSF at the patch centre: the inputs' PSFs, warped and weighted, unit sum. */
  readonly psf: PsfStamp;
  /** FWHM of {@link psf}, pixels (half-maximum area). */
  readonly psfFwhmPx: number;
  readonly inputs: readonly WeightedInput[];
}

/** Options of {@link renderTemplate}. */
export interface RenderTemplateOptions {
  /** Input visits; default {@link DEFAULT_COADD_SPEC}. */
  readonly spec?: CoaddSpec;
  /** Add each input's noise (default true); false gives the noiseless coadd, for checks. */
  readonly noise?: boolean;
}

/** Flux of the star drawn for a PSF stamp, e⁻: bright enough to draw its wings to the edge. */
const PSF_STAMP_FLUX_E = 1e9;

/**
 * Renders the template of a patch in a band as a real coadd: each input visit
 * ({@link templateInputs}: own seeing, PSF, dither, rotation, sky) sees the catalog's stars at
 * their mean magnitudes and its galaxies (no transients) on its own TAN grid, with the
 * Poisson noise of its sky and sources, background subtracted; each is warped onto the patch
 * grid with Lanczos-3 (image, variance) and the warps are averaged with weights 1 / sky
 * variance ({@link CoaddStack}). The warps correlate neighbouring pixels' noise, as in a real
 * coadd, and the variance plane carries each pixel's own variance. The coadd PSF is the same
 * weighted mean of the inputs' PSFs, each drawn as a star at the patch centre in its input
 * and warped like the image. Deterministic in (sky seed, patch, band, spec).
 */
export function renderTemplate(
  sky: SkyModel,
  patch: SkyPatch,
  band: string,
  pixelScaleArcsec: number,
  options: RenderTemplateOptions = {},
): TemplateCoadd {
  const n = patch.sizePx;
  const inputs = templateInputs(
    sky.seed,
    patch,
    band,
    pixelScaleArcsec,
    options.spec ?? DEFAULT_COADD_SPEC,
  );
  const size = inputs[0]!.sizePx;
  const cat = catalogAround(sky, inputs[0]!, pixelScaleArcsec, band);
  const stack = new CoaddStack(n, n);
  const image = new Float32Array(size * size);
  const variance = new Float32Array(size * size);
  const noise = new Float32Array(size * size);
  const warped = {
    image: new Float32Array(n * n),
    variance: new Float32Array(n * n),
    mask: new Uint32Array(n * n),
  };
  const weighted: WeightedInput[] = [];
  for (const input of inputs) {
    image.fill(0);
    drawInput(image, size, input, sky, cat, band, pixelScaleArcsec);
    for (let i = 0; i < image.length; i++) variance[i] = input.skyE + image[i]!;
    if (options.noise ?? true) {
      fillGaussian(
        new Prng(sky.seed).fork(
          0x7e43,
          Math.floor(patch.id / 4294967296),
          patch.id % 4294967296,
          band.charCodeAt(0),
          input.index,
        ),
        noise,
      );
      for (let i = 0; i < image.length; i++)
        image[i] = image[i]! + Math.sqrt(variance[i]!) * noise[i]!;
    }
    const w = warpImages(
      [
        {
          image: { width: size, height: size, data: image },
          variance: { width: size, height: size, data: variance },
          wcs: input.wcs,
        },
      ],
      { wcs: patch.wcs, width: n, height: n },
      { out: warped },
    );
    const weight = 1 / input.skyE;
    stack.add(w, weight);
    weighted.push({ ...input, weight });
  }
  const coadd = stack.finish();
  const psf = coaddPsf(patch, weighted);
  return {
    sizePx: n,
    image: coadd.image.data,
    variance: coadd.variance.data,
    mask: coadd.mask,
    psf,
    psfFwhmPx: halfMaximumFwhm(psf),
    inputs: weighted,
  };
}

interface Catalog {
  readonly ra: Float64Array;
  readonly dec: Float64Array;
  /** e⁻ in a {@link TEMPLATE_EXPOSURE_S} s visit. */
  readonly fluxE: Float64Array;
}

/** The catalog stars that can reach any input grid (all inputs have the same size). */
function catalogAround(
  sky: SkyModel,
  input: TemplateInput,
  pixelScaleArcsec: number,
  band: string,
): Catalog {
  const corners = footprint(input.wcs, input.sizePx, input.sizePx);
  // the margin also covers the other inputs' dithers and rotations (≪ the stamp radius)
  const marginDeg = (2 * MAX_STAMP_RADIUS_PX * pixelScaleArcsec) / 3600;
  const stars = starsInBox(sky, boundingBox(corners.ra, corners.dec, marginDeg));
  const mags = stars.mag[band] ?? stars.mag.r!;
  const fluxE = new Float64Array(stars.length);
  for (let k = 0; k < stars.length; k++) {
    fluxE[k] = electronsOf(mags[k]!, band, TEMPLATE_EXPOSURE_S);
  }
  return { ra: stars.ra, dec: stars.dec, fluxE };
}

/** Draws the catalog's stars and galaxies into one input's noiseless image, e⁻. */
function drawInput(
  image: Float32Array,
  size: number,
  input: TemplateInput,
  sky: SkyModel,
  cat: Catalog,
  band: string,
  pixelScaleArcsec: number,
): void {
  const { x, y } = skyToPix(input.wcs, cat.ra, cat.dec, { onDivergence: 'nan' });
  for (let k = 0; k < cat.ra.length; k++) {
    const px = x[k]!;
    const py = y[k]!;
    if (!(px > -MAX_STAMP_RADIUS_PX && py > -MAX_STAMP_RADIUS_PX)) continue;
    if (!(px < size + MAX_STAMP_RADIUS_PX && py < size + MAX_STAMP_RADIUS_PX)) continue;
    addPointSource(image, size, size, input.psf, px, py, cat.fluxE[k]!);
  }
  const galaxies = galaxiesOnImage(sky, input.wcs, size, size, pixelScaleArcsec);
  const mags = galaxies.catalog.mag[band] ?? galaxies.catalog.mag.r!;
  drawGalaxies(
    image,
    size,
    size,
    galaxies,
    () => input.psf,
    (k) => electronsOf(mags[k]!, band, TEMPLATE_EXPOSURE_S),
  );
}

/**
 * The coadd PSF at the patch pixel nearest its centre: for each input a bright star drawn
 * where that sky position falls in the input, warped onto a stamp of the patch grid as the
 * image was, then the inputs' stamps averaged with the coadd's weights.
 */
function coaddPsf(patch: SkyPatch, inputs: readonly WeightedInput[]): PsfStamp {
  let widest = 0;
  for (const input of inputs) widest = Math.max(widest, input.psf.fwhmPx);
  const r = Math.min(60, Math.max(8, Math.ceil(4 * widest)));
  const side = 2 * r + 1;
  const centre = Math.floor((patch.sizePx - 1) / 2);
  // the patch's WCS moved so that stamp pixel (r, r) is patch pixel (centre, centre)
  const [px, py] = patch.wcs.crpix;
  const dest = { ...patch.wcs, crpix: [px - (centre - r), py - (centre - r)] as const };
  // the source stamp is wider by the taps and the rotation's reach
  const rs = r + 8;
  const sideS = 2 * rs + 1;
  const src = new Float32Array(sideS * sideS);
  const stamps: PsfStamp[] = [];
  for (const input of inputs) {
    const at = mapPixelsExact(
      patch.wcs,
      input.wcs,
      Float64Array.of(centre),
      Float64Array.of(centre),
    );
    const x = at.x[0]!;
    const y = at.y[0]!;
    const ox = Math.round(x) - rs;
    const oy = Math.round(y) - rs;
    const [ix, iy] = input.wcs.crpix;
    const srcWcs = { ...input.wcs, crpix: [ix - ox, iy - oy] as const };
    src.fill(0);
    addPointSource(src, sideS, sideS, input.psf, x - ox, y - oy, PSF_STAMP_FLUX_E);
    const w = warpImages([{ image: { width: sideS, height: sideS, data: src }, wcs: srcWcs }], {
      wcs: dest,
      width: side,
      height: side,
    });
    stamps.push({ width: side, height: side, pixels: w.image.data });
  }
  return meanPsfStamp(
    stamps,
    inputs.map((i) => i.weight),
  );
}
