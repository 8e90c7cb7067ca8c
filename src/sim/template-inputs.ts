import { PromptlyError } from '../core/errors.js';
import { makeTanWcs, type CelestialWcs, type SkyPatch } from '../wcs/index.js';
import { DARK_SKY_MAG, skyElectrons } from './photometry.js';
import { Prng } from './prng.js';
import {
  ATMOSPHERE_ELLIPTICITY_MAX,
  ATMOSPHERE_ELLIPTICITY_SIGMA,
  OPTICS_ELLIPTICITY_EDGE,
  OPTICS_FWHM_CENTRE_ARCSEC,
  OPTICS_FWHM_EDGE_ARCSEC,
} from './psf-field.js';
import { MOFFAT_BETA, moffatPsf, type MoffatPsf } from './psf.js';

/** Exposure a template is normalised to, seconds: pixel values are e⁻ in a 30 s visit. */
export const TEMPLATE_EXPOSURE_S = 30;
/** Input visits coadded into a template by default. */
export const TEMPLATE_VISITS_DEFAULT = 6;
/** Most input visits a template may have (each costs a render and a warp of the patch). */
export const TEMPLATE_VISITS_MAX = 64;
/**
 * Median delivered seeing FWHM of the input visits by default, arcseconds: templates are
 * built from the better-seeing visits (Rubin takes the best third), so the coadd PSF
 * (≈ 0.65″ with the optics) is mostly sharper than a science visit's (0.7″ median at zenith
 * and 500 nm) and PSF matching convolves the template.
 */
export const TEMPLATE_SEEING_ARCSEC_DEFAULT = 0.6;
/** σ of ln(seeing) between input visits. */
export const TEMPLATE_SEEING_SIGMA_LN = 0.15;
/** An input's seeing is kept within these factors of the median (templates skip bad nights). */
export const TEMPLATE_SEEING_FACTOR_MIN = 0.8;
export const TEMPLATE_SEEING_FACTOR_MAX = 1.4;
/** Largest pointing dither of an input, arcseconds, along each of east and north (uniform). */
export const TEMPLATE_DITHER_ARCSEC = 2;
/** Largest rotation of an input's pixel grid against the patch's, degrees (uniform ±). */
export const TEMPLATE_ROTATION_DEG = 1;
/** An input's sky is the dark sky up to this much brighter (moon, twilight), mag/arcsec². */
export const TEMPLATE_SKY_BRIGHTER_MAG = 0.8;

/** How a template coadd is made: its input visits. */
export interface CoaddSpec {
  /** Input visits, [1, {@link TEMPLATE_VISITS_MAX}]. */
  readonly visits: number;
  /** Median delivered seeing FWHM of the inputs (atmosphere only), arcseconds, (0, 3]. */
  readonly seeingArcsec: number;
}

/** The default {@link CoaddSpec}. */
export const DEFAULT_COADD_SPEC: CoaddSpec = Object.freeze({
  visits: TEMPLATE_VISITS_DEFAULT,
  seeingArcsec: TEMPLATE_SEEING_ARCSEC_DEFAULT,
});

/** One input visit of a template: its PSF, pointing, pixel grid and sky. */
export interface TemplateInput {
  /** Index among the template's inputs, from 0. */
  readonly index: number;
  /** The atmosphere's seeing FWHM in this visit, arcseconds. */
  readonly seeingArcsec: number;
  /** The PSF (atmosphere ⊕ optics at the patch's place in the field) in the input's pixels. */
  readonly psf: MoffatPsf;
  /** Pointing offset of the input's grid centre from the patch centre, arcseconds. */
  readonly ditherEastArcsec: number;
  readonly ditherNorthArcsec: number;
  /** Rotation of the input's pixel grid, degrees (CROTA2 convention; the patch has 0). */
  readonly rotationDeg: number;
  /** The input's TAN WCS; its image is `sizePx × sizePx`, centred on the dithered centre. */
  readonly wcs: CelestialWcs;
  readonly sizePx: number;
  /** Sky brightness of the visit, AB mag/arcsec², and its sky per pixel in 30 s, e⁻. */
  readonly skyMagPerArcsec2: number;
  readonly skyE: number;
}

function checkSpec(spec: CoaddSpec): void {
  if (
    !Number.isInteger(spec.visits) ||
    spec.visits < 1 ||
    spec.visits > TEMPLATE_VISITS_MAX ||
    !(spec.seeingArcsec > 0 && spec.seeingArcsec <= 3)
  ) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `a template coadd needs 1–${TEMPLATE_VISITS_MAX} visits and a seeing in (0, 3]″, got ${spec.visits} and ${spec.seeingArcsec}`,
    );
  }
}

/**
 * Pixels an input grid extends beyond the patch on each side so that, dithered and rotated
 * by at most {@link TEMPLATE_DITHER_ARCSEC} and {@link TEMPLATE_ROTATION_DEG}, it still covers
 * every patch pixel with all six Lanczos-3 taps.
 */
export function inputMarginPx(patchSizePx: number, pixelScaleArcsec: number): number {
  const dither = (Math.SQRT2 * TEMPLATE_DITHER_ARCSEC) / pixelScaleArcsec;
  const halfDiagonal = (patchSizePx * Math.SQRT2) / 2;
  const turn = 2 * halfDiagonal * Math.sin((TEMPLATE_ROTATION_DEG * Math.PI) / 360);
  return Math.ceil(dither + turn) + 4;
}

/**
 * The input visits of the template of `patch` in `band`: deterministic in (seed, patch, band,
 * spec). Each has its own seeing (lognormal about the median, σ_ln
 * {@link TEMPLATE_SEEING_SIGMA_LN}, within [{@link TEMPLATE_SEEING_FACTOR_MIN},
 * {@link TEMPLATE_SEEING_FACTOR_MAX}] × median), PSF from the simulator's model (a Moffat of
 * that seeing and the optics' FWHM 0.08″ + 0.32″·ρ² in quadrature, ellipticity from the
 * optics, tangential, and the atmosphere, as `psf-field.ts`) at a random place ρ in the field
 * (uniform in area), a dither and rotation of its TAN grid, and a sky between the dark sky and
 * {@link TEMPLATE_SKY_BRIGHTER_MAG} brighter.
 */
export function templateInputs(
  seed: number,
  patch: SkyPatch,
  band: string,
  pixelScaleArcsec: number,
  spec: CoaddSpec = DEFAULT_COADD_SPEC,
): TemplateInput[] {
  checkSpec(spec);
  const sizePx = patch.sizePx + 2 * inputMarginPx(patch.sizePx, pixelScaleArcsec);
  const c = (sizePx - 1) / 2;
  const cosDec = Math.max(1e-6, Math.cos((patch.dec * Math.PI) / 180));
  const darkSky = DARK_SKY_MAG[band] ?? 21;
  const inputs: TemplateInput[] = [];
  for (let k = 0; k < spec.visits; k++) {
    const rng = new Prng(seed).fork(
      0x7e42,
      Math.floor(patch.id / 4294967296),
      patch.id % 4294967296,
      band.charCodeAt(0),
      k,
    );
    const factor = Math.min(
      TEMPLATE_SEEING_FACTOR_MAX,
      Math.max(TEMPLATE_SEEING_FACTOR_MIN, Math.exp(TEMPLATE_SEEING_SIGMA_LN * rng.gaussian())),
    );
    const seeingArcsec = spec.seeingArcsec * factor;
    const rho2 = rng.next(); // ρ² uniform: uniform in the field's area
    const fieldAngle = rng.uniform(0, 2 * Math.PI);
    const optics = OPTICS_FWHM_CENTRE_ARCSEC + OPTICS_FWHM_EDGE_ARCSEC * rho2;
    const fwhmArcsec = Math.hypot(seeingArcsec, optics);
    const eAtm = Math.min(
      ATMOSPHERE_ELLIPTICITY_MAX,
      Math.abs(ATMOSPHERE_ELLIPTICITY_SIGMA * rng.gaussian()),
    );
    const thetaAtm = rng.uniform(0, Math.PI);
    const eOpt = OPTICS_ELLIPTICITY_EDGE * rho2;
    const thetaOpt = fieldAngle + Math.PI / 2;
    const e1 = eOpt * Math.cos(2 * thetaOpt) + eAtm * Math.cos(2 * thetaAtm);
    const e2 = eOpt * Math.sin(2 * thetaOpt) + eAtm * Math.sin(2 * thetaAtm);
    const paDeg = ((Math.atan2(e2, e1) / 2) * 180) / Math.PI;
    const psf = moffatPsf(
      fwhmArcsec / pixelScaleArcsec,
      MOFFAT_BETA,
      1 - Math.hypot(e1, e2),
      ((paDeg % 180) + 180) % 180,
    );
    const ditherEastArcsec = rng.uniform(-TEMPLATE_DITHER_ARCSEC, TEMPLATE_DITHER_ARCSEC);
    const ditherNorthArcsec = rng.uniform(-TEMPLATE_DITHER_ARCSEC, TEMPLATE_DITHER_ARCSEC);
    const rotationDeg = rng.uniform(-TEMPLATE_ROTATION_DEG, TEMPLATE_ROTATION_DEG);
    const skyMagPerArcsec2 = darkSky - rng.uniform(0, TEMPLATE_SKY_BRIGHTER_MAG);
    const crval: readonly [number, number] = [
      (((patch.ra + ditherEastArcsec / 3600 / cosDec) % 360) + 360) % 360,
      Math.max(-90, Math.min(90, patch.dec + ditherNorthArcsec / 3600)),
    ];
    const wcs = makeTanWcs({
      crval,
      crpix: [c, c],
      scaleArcsecPerPx: pixelScaleArcsec,
      rotationDeg,
    });
    inputs.push({
      index: k,
      seeingArcsec,
      psf,
      ditherEastArcsec,
      ditherNorthArcsec,
      rotationDeg,
      wcs,
      sizePx,
      skyMagPerArcsec2,
      skyE: skyElectrons(band, TEMPLATE_EXPOSURE_S, pixelScaleArcsec, skyMagPerArcsec2),
    });
  }
  return inputs;
}
