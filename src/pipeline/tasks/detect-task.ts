import { z } from 'zod';
import { PromptlyError } from '../../core/errors.js';
import { Header, makeBinaryTableHdu, rawHdu, writeFits } from '../../fits/index.js';
import {
  detectRows,
  estimateBackgroundMesh,
  imageRows,
  measureRows,
  meshBackgroundRows,
  type SourceCatalog,
} from '../../science/index.js';
import type { TaskDefinition } from '../task.js';
import { HandOffKey } from '../hand-off.js';
import { EXPOSURE } from './isr-task.js';

/** Where the detection task leaves its catalog for later steps. */
export const SOURCES = new HandOffKey<SourceCatalog>('sources');

const configSchema = z.strictObject({
  /** Background mesh cell, pixels. */
  meshSize: z.number().int().min(8).default(64),
  /** Threshold in σ of the (smoothed) detection image. */
  thresholdSigma: z.number().positive().default(5),
  /** Minimum footprint area, pixels. */
  minArea: z.number().int().positive().default(5),
  /** PSF FWHM for the matched filter, pixels; 0 = no smoothing. */
  psfFwhmPx: z.number().nonnegative().default(3.5),
  /** Circular aperture radius for `apFlux`, pixels. */
  apertureRadiusPx: z.number().positive().default(5),
});

export type DetectTaskConfig = z.output<typeof configSchema>;

/** A source catalog as a FITS file: empty primary, then BINTABLE `SOURCES`. */
export async function catalogFits(catalog: SourceCatalog, cards: Header): Promise<Uint8Array> {
  const primary = new Header();
  primary.set('BITPIX', 8);
  primary.set('NAXIS', 0);
  primary.set('EXTEND', true);
  for (const c of cards) primary.append(c);
  const ids = new Int32Array(catalog.length).map((_, i) => i + 1);
  const table = makeBinaryTableHdu(
    [
      { name: 'id', values: ids },
      { name: 'x', values: catalog.x, unit: 'pixel' },
      { name: 'y', values: catalog.y, unit: 'pixel' },
      { name: 'flux', values: catalog.flux, unit: 'electron' },
      { name: 'flux_err', values: catalog.fluxErr, unit: 'electron' },
      { name: 'ap_flux', values: catalog.apFlux, unit: 'electron' },
      { name: 'ap_flux_err', values: catalog.apFluxErr, unit: 'electron' },
      { name: 'peak', values: catalog.peak, unit: 'electron' },
      { name: 'npix', values: catalog.npix },
      { name: 'a', values: catalog.a, unit: 'pixel' },
      { name: 'b', values: catalog.b, unit: 'pixel' },
      { name: 'theta', values: catalog.theta, unit: 'rad' },
      { name: 'flags', values: catalog.flags },
    ],
    { extname: 'SOURCES' },
  );
  return writeFits([rawHdu(primary), table]);
}

/**
 * Source detection on the ISR'd exposure: background mesh, matched-filter threshold,
 * 8-connected footprints, centroids, isophotal and aperture fluxes, shapes. Writes `src`.
 */
export const detectTask: TaskDefinition<DetectTaskConfig> = {
  kind: 'detect',
  summary: 'Background, threshold, connected components, centroid, flux: writes the src catalog.',
  configSchema,
  requires: () => [],
  produces: () => ['src'],
  async run(context, config) {
    const image = context.handOffs.get(EXPOSURE);
    if (!image) {
      throw new PromptlyError(
        'PROMPTLY_E_PIPELINE_INPUT_MISSING',
        'detect needs an exposure: put an isr step before it',
      );
    }
    // banded: the background is interpolated row by row from its mesh and nothing
    // full-frame is allocated, so no scratch needs keeping between detectors
    const background = estimateBackgroundMesh(image, { meshSize: config.meshSize });
    const rows = meshBackgroundRows(background.mesh, image.width, image.height);
    const detections = detectRows(imageRows(image), rows, {
      nSigma: config.thresholdSigma,
      minArea: config.minArea,
      ...(config.psfFwhmPx > 0 ? { psfFwhmPx: config.psfFwhmPx } : {}),
    });
    const catalog = measureRows(imageRows(image), rows, detections, {
      apertureRadiusPx: config.apertureRadiusPx,
      gain: 1,
    });
    context.handOffs.set(SOURCES, catalog);
    context.log(
      `detect: background ${background.globalLevel.toFixed(1)} ± ${background.globalRms.toFixed(2)} e-, ${catalog.length} sources`,
    );
    const cards = new Header();
    cards.set('INSTRUME', context.dataId.instrument);
    cards.set('DETECTOR', context.dataId.detector ?? -1);
    cards.set('GROUPID', context.dataId.group ?? '');
    cards.set('BGMEAN', background.globalLevel, 'global background, e-');
    cards.set('BGRMS', background.globalRms, 'global background rms, e-');
    cards.set('NSOURCE', catalog.length);
    await context.writeOutput('src', await catalogFits(catalog, cards));
  },
};
