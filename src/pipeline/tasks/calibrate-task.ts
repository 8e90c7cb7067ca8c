import { z } from 'zod';
import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import { taiSecondsToUtcMs } from '../../core/time.js';
import { estimateBackground, detectSources, measureSources } from '../../science/index.js';
import { fitTanSip, type TanSipFit } from '../../science/astrometry/fit-tan-sip.js';
import { matchStars } from '../../science/astrometry/match-stars.js';
import { fitPsfModel, type PsfModelFit } from '../../science/psf-model/index.js';
import { percentile } from '../../observe/night-summary.js';
import {
  julianEpochOfMs,
  propagate,
  readRefcatShard,
  REFCAT_BANDS,
  shardsForPolygon,
  type RefcatBand,
} from '../../sim/refcat/index.js';
import { footprint, skyToPix, type CelestialWcs } from '../../wcs/index.js';
import { HandOffKey } from '../hand-off.js';
import type { TaskContext, TaskDefinition } from '../task.js';
import { EXPOSURE } from './isr-task.js';
import { SCIENCE_WCS, scienceWcs } from './science-wcs.js';

/** The exposure's photometric calibration: AB magnitude of 1 e⁻, and its 1σ error. */
export interface PhotoCalib {
  readonly zeroPointMag: number;
  readonly zeroPointErr: number;
  readonly stars: number;
}

/** Where calibrate leaves the photometric zero point (DIA fluxes in nJy follow from it). */
export const PHOTO_CALIB = new HandOffKey<PhotoCalib>('photoCalib');

/** Where calibrate leaves the science exposure's PSF model (measured on its stars). */
export const SCIENCE_PSF = new HandOffKey<PsfModelFit>('sciencePsf');

/** Half-size of the PSF model's kernel, pixels. */
export const PSF_MODEL_RADIUS_PX = 10;

const configSchema = z.strictObject({
  /** Detection threshold of the stars used, σ. */
  thresholdSigma: z.number().positive().max(1000).default(10),
  /** Largest pointing error searched, arcsec (Rubin's is a few). */
  maxPointingErrorArcsec: z.number().positive().max(600).default(15),
  /** Largest distance of a match once the offset is removed, arcsec. */
  matchToleranceArcsec: z.number().positive().max(10).default(0.6),
  /** SIP order of the fit (lowered when too few stars match). */
  sipOrder: z.number().int().min(1).max(5).default(3),
  /** Reference stars brighter than this in the visit's band are used (saturation side). */
  brightMag: z.number().min(5).max(30).default(15),
  /** Reference stars fainter than this are not used. */
  faintMag: z.number().min(5).max(30).default(22),
  /** Aperture radius for the zero point, pixels (the DIA aperture's). */
  apertureRadiusPx: z.number().positive().max(100).default(5),
});

export type CalibrateTaskConfig = z.output<typeof configSchema>;

function failed(message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_ASTROMETRY_FAILED',
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** The refcat band standing in for a visit's band (u has none: g is nearest). */
function refcatBand(band: string | undefined): RefcatBand {
  return (REFCAT_BANDS as readonly string[]).includes(band ?? '') ? (band as RefcatBand) : 'g';
}

/** Reference stars under the detector (header WCS footprint, padded), at the visit's epoch. */
async function referenceStars(
  context: TaskContext,
  wcs: CelestialWcs,
  width: number,
  height: number,
  padPx: number,
  band: RefcatBand,
  epochJyear: number,
  config: CalibrateTaskConfig,
): Promise<{ ra: number[]; dec: number[]; mag: number[] }> {
  // the footprint of the image padded by `padPx` on every side: its first pixel is (−pad, −pad)
  const padded = footprint(
    { ...wcs, crpix: [wcs.crpix[0] + padPx, wcs.crpix[1] + padPx] },
    width + 2 * padPx,
    height + 2 * padPx,
  );
  const shards = shardsForPolygon(Array.from(padded.ra, (ra, k) => ({ ra, dec: padded.dec[k]! })));
  const out = { ra: [] as number[], dec: [] as number[], mag: [] as number[] };
  let found = 0;
  for (const htm7 of shards) {
    const bytes = await context.readInput('refcat', { htm7 });
    if (!bytes) continue;
    found++;
    const rows = await readRefcatShard(bytes, context.signal);
    const mags = rows.mag[band];
    for (let k = 0; k < rows.length; k++) {
      const m = mags[k]!;
      if (!(m >= config.brightMag && m <= config.faintMag)) continue;
      const p = propagate(
        rows.ra[k]!,
        rows.dec[k]!,
        rows.pmRa[k]!,
        rows.pmDec[k]!,
        epochJyear - rows.epoch[k]!,
      );
      out.ra.push(p.ra);
      out.dec.push(p.dec);
      out.mag.push(m);
    }
  }
  if (found === 0)
    throw failed(`no reference-catalog shard under the detector (shards ${shards.join(', ')})`);
  return out;
}

/**
 * Calibrate: the exposure's astrometry and photometric zero point against the reference
 * catalog. Bright stars are detected on the ISR exposure and matched to the catalog's stars
 * (moved by their proper motions to the visit's epoch) placed by the raw header's WCS, whose
 * pointing may be arcseconds off: the offset is found by a vote, then a TAN-SIP WCS is fitted
 * to the matches with outliers clipped (its order lowered when few stars match) and handed on
 * as the science WCS. The zero point is the median of catalog magnitude + 2.5 log10 of the
 * stars' aperture flux in e⁻. Fails with PROMPTLY_E_ASTROMETRY_FAILED — never a silent
 * header WCS — when there is no catalog under the detector or too few stars match.
 */
export const calibrateTask: TaskDefinition<CalibrateTaskConfig> = {
  kind: 'calibrate',
  summary: 'Fits a TAN-SIP WCS and the photometric zero point against the reference catalog.',
  configSchema,
  requires: () => [],
  produces: () => [],
  async run(context, config) {
    const exposure = context.handOffs.get(EXPOSURE);
    if (!exposure)
      throw new PromptlyError(
        'PROMPTLY_E_PIPELINE_INPUT_MISSING',
        'calibrate needs an exposure: put an isr step before it',
      );
    const header = await scienceWcs(context);
    const { width, height } = exposure;
    const scaleArcsec =
      Math.sqrt(Math.abs(header.cd[0] * header.cd[3] - header.cd[1] * header.cd[2])) * 3600;
    const bg = estimateBackground(exposure);
    const found = detectSources(exposure, bg, { nSigma: config.thresholdSigma, minArea: 5 });
    const stars = measureSources(exposure, found, bg.rms, {
      apertureRadiusPx: config.apertureRadiusPx,
    });
    const keep: number[] = [];
    for (let k = 0; k < stars.length; k++) {
      if (stars.flags[k] !== 0) continue; // saturated, edge, blended…
      if (stars.b[k]! <= 0 || stars.a[k]! / stars.b[k]! > 1.6) continue; // not point-like
      keep.push(k);
    }
    const band = refcatBand(context.dataId.band);
    const epoch = julianEpochOfMs(taiSecondsToUtcMs(context.visit.startTime));
    const searchPx = config.maxPointingErrorArcsec / scaleArcsec;
    let refs;
    try {
      refs = await referenceStars(context, header, width, height, searchPx, band, epoch, config);
    } catch (err) {
      if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
      if (isPromptlyError(err, 'PROMPTLY_E_ASTROMETRY_FAILED')) throw err;
      throw failed(`reference catalog unreadable: ${(err as Error).message}`, err);
    }
    const refPix = skyToPix(header, Float64Array.from(refs.ra), Float64Array.from(refs.dec), {
      onDivergence: 'nan',
    });
    const matches = matchStars(
      {
        x: keep.map((k) => stars.x[k]!),
        y: keep.map((k) => stars.y[k]!),
        brightness: keep.map((k) => stars.apFlux[k]!),
      },
      { x: refPix.x, y: refPix.y, brightness: refs.mag },
      { searchPx, tolerancePx: Math.max(1.5, config.matchToleranceArcsec / scaleArcsec) },
    );
    const n = matches.detection.length;
    const at = (i: number) => keep[matches.detection[i]!]!;
    let fit: TanSipFit | undefined;
    let fitOrder = config.sipOrder;
    let lastError: unknown;
    for (let order = config.sipOrder; order >= 0 && !fit; order--) {
      fitOrder = order;
      try {
        fit = fitTanSip({
          x: Array.from({ length: n }, (_, i) => stars.x[at(i)]!),
          y: Array.from({ length: n }, (_, i) => stars.y[at(i)]!),
          ra: Array.from({ length: n }, (_, i) => refs.ra[matches.reference[i]!]!),
          dec: Array.from({ length: n }, (_, i) => refs.dec[matches.reference[i]!]!),
          guess: header,
          order,
        });
      } catch (err) {
        if (!isPromptlyError(err, 'PROMPTLY_E_ASTROMETRY_FAILED')) throw err;
        lastError = err;
      }
    }
    if (!fit)
      throw failed(
        `${n} of ${keep.length} stars matched ${refs.ra.length} catalog stars (offset ${matches.dx.toFixed(1)}, ${matches.dy.toFixed(1)} px): ${(lastError as Error | undefined)?.message ?? 'no fit'}`,
        lastError,
      );
    context.handOffs.set(SCIENCE_WCS, fit.wcs);

    // zero point from the stars the fit kept
    const zps: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!fit.usedMask[i]) continue;
      const flux = stars.apFlux[at(i)]!;
      if (flux > 0) zps.push(refs.mag[matches.reference[i]!]! + 2.5 * Math.log10(flux));
    }
    if (zps.length > 0) {
      const zp = percentile(zps, 50);
      const mad = percentile(
        zps.map((z) => Math.abs(z - zp)),
        50,
      );
      const photo = {
        zeroPointMag: zp,
        zeroPointErr: (1.4826 * mad) / Math.sqrt(zps.length),
        stars: zps.length,
      };
      context.handOffs.set(PHOTO_CALIB, photo);
    }
    // PSF model from the bright, isolated stars of the fit (a detector too thin in stars
    // goes on without one: DIA photometry then uses a Gaussian of the measured width)
    const bright = keep.filter((k) => {
      if (!(stars.apFlux[k]! > 50 * stars.apFluxErr[k]!)) return false;
      for (let o = 0; o < stars.length; o++)
        if (
          o !== k &&
          Math.hypot(stars.x[o]! - stars.x[k]!, stars.y[o]! - stars.y[k]!) < 2 * PSF_MODEL_RADIUS_PX
        )
          return false;
      return true;
    });
    try {
      const model = fitPsfModel(
        exposure,
        bg.background,
        { x: bright.map((k) => stars.x[k]!), y: bright.map((k) => stars.y[k]!) },
        { radiusPx: PSF_MODEL_RADIUS_PX },
      );
      context.handOffs.set(SCIENCE_PSF, model);
      context.log(
        `calibrate: PSF model from ${model.stars} stars, order ${model.order}, FWHM ${model.fwhmPx.toFixed(2)} px at the centre, residual rms ${(100 * model.residualRms).toFixed(2)} % of the peak`,
      );
    } catch (err) {
      if (!isPromptlyError(err, 'PROMPTLY_E_EXPOSURE_INVALID')) throw err;
      context.log(`calibrate: no PSF model (${err.message})`);
    }
    const p = context.handOffs.get(PHOTO_CALIB);
    context.log(
      `calibrate: ${fit.used} of ${n} matched stars (of ${keep.length} detected, ${refs.ra.length} in the catalog), pointing offset ${(Math.hypot(matches.dx, matches.dy) * scaleArcsec).toFixed(2)}″, WCS rms ${fit.rmsMas.toFixed(0)} mas, fit order ${fitOrder}${fitOrder === 0 ? ' (pointing offset only)' : ''}${p ? `, zero point ${p.zeroPointMag.toFixed(3)} ± ${p.zeroPointErr.toFixed(3)} (${p.stars} stars)` : ''}`,
    );
  },
};
