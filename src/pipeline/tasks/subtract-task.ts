import { z } from 'zod';
import { writeFits, primaryHdu, makeImageHdu, headerOf } from '../../fits/index.js';
import {
  estimateBackgroundMesh,
  imageFrom,
  meshBackgroundRows,
  type Image,
} from '../../science/index.js';
import { subtractImages, type KernelQuality } from '../../science/subtract/index.js';
import { emptyWarpPlanes, warpInto, type WarpPlanes } from '../../science/warp/index.js';
import { CropBuffers } from './crop-buffers.js';
import { missing, templateSource } from './template-source.js';
import { checkSkyMapSpec, SkyMap, toKeywords, type CelestialWcs } from '../../wcs/index.js';
import { HandOffKey } from '../hand-off.js';
import type { TaskContext, TaskDefinition } from '../task.js';
import { EXPOSURE, ISR_EXPOSURE } from './isr-task.js';
import { scienceWcs } from './science-wcs.js';

/** A difference image and what it was made with, for DIA detection and measurement. */
export interface Difference {
  /** Science − matched template, e⁻ (background subtracted). */
  readonly image: Image;
  /** Per-pixel variance of the difference, e⁻². */
  readonly variance: Image;
  /** Mask bits (warp NO_DATA, subtraction DIFF_EDGE…). */
  readonly mask: Uint32Array;
  /** The templates warped to the science WCS and stitched, e⁻ (before PSF matching). */
  readonly template: Image;
  /** Gaussian σ of the difference's PSF, pixels: the broader of science and template's. */
  readonly psfSigmaPx: number;
  /** The science image it was made from, background subtracted (e⁻), with its variance. */
  readonly science: Image;
  readonly scienceVariance: Image;
  /** Gaussian σ of the science image's PSF, pixels. */
  readonly sciencePsfSigmaPx: number;
  /** Which image the kernel was applied to: with `template`, the difference has the science PSF. */
  readonly convolved: 'template' | 'science';
  readonly wcs: CelestialWcs;
  readonly quality: KernelQuality;
  /** Template patches used, in stitching order. */
  readonly patches: readonly number[];
}

/** Where the subtraction step leaves the difference image. */
export const DIFFERENCE = new HandOffKey<Difference>('difference');

const configSchema = z.strictObject({
  /** Differencing method; Alard–Lupton with a spatially varying kernel is implemented. */
  method: z.enum(['alard-lupton']).default('alard-lupton'),
  /** Whiten the difference's noise (Reiss & Lupton decorrelation). */
  decorrelate: z.boolean().default(true),
  /** Spatial order of the kernel across the detector, 0–2. */
  spatialKernelOrder: z.number().int().min(0).max(2).default(2),
  /**
   * Order of the differential background, 0–2. Default 0 (a constant): science and template
   * are both background-subtracted first, and a plane fitted through a sparse field's few
   * stamps (all at one x, say) extrapolates into gradients of hundreds of e⁻ across the
   * detector.
   */
  backgroundOrder: z.number().int().min(0).max(2).default(0),
  /** Background mesh of the science image, pixels. */
  meshSize: z.number().int().min(8).max(1024).default(64),
  /** Write the difference as the `differenceExp` dataset (float32 image + variance + mask). */
  writeDifference: z.boolean().default(true),
});

export type SubtractTaskConfig = z.output<typeof configSchema>;

/**
 * The templates overlapping the detector, in patch order (each exists in the repo), warped to
 * the science grid and stitched. One patch at a time: its crop (image, variance, mask) is read
 * into buffers shared by all patches, warped, and overwritten by the next, so the crops never
 * take more than the largest one's memory, nor fresh memory for every patch.
 */
async function warpedTemplates(
  context: TaskContext,
  wcs: CelestialWcs,
  width: number,
  height: number,
): Promise<{ warped: WarpPlanes; patches: number[] }> {
  const specBytes = await context.readInput('skyMap');
  if (!specBytes) throw missing('no skyMap: the templates cannot be found');
  let skyMap: SkyMap;
  try {
    skyMap = new SkyMap(checkSkyMapSpec(JSON.parse(new TextDecoder().decode(specBytes))));
  } catch (err) {
    throw missing('the skyMap dataset is not a sky-map spec', err);
  }
  const dest = { wcs, width, height };
  const touched = skyMap.patchesForImage(wcs, width, height);
  const warped = emptyWarpPlanes(dest);
  const buffers = new CropBuffers();
  const patches: number[] = [];
  for (const patch of touched) {
    const bytes = await context.readInput('template', { patch: patch.id });
    if (!bytes) continue;
    const source = await templateSource(bytes, patch.id, dest, context.signal, buffers);
    if (!source) continue;
    warpInto(source, dest, warped);
    patches.push(patch.id);
  }
  if (patches.length === 0) {
    throw missing(
      `no template of band ${context.dataId.band ?? '?'} covers this detector (patches ${touched.map((p) => p.id).join(', ')})`,
    );
  }
  return { warped, patches };
}

/** The difference as a FITS file: IMAGE, VARIANCE and MASK extensions with the WCS. */
async function differenceFits(context: TaskContext, d: Difference): Promise<Uint8Array> {
  const { width, height } = d.image;
  const wcsCards = toKeywords(d.wcs);
  const ext = (name: string) => headerOf([['EXTNAME', name], ...wcsCards]);
  return writeFits([
    primaryHdu([
      ['INSTRUME', context.dataId.instrument],
      ['DETECTOR', context.dataId.detector ?? -1],
      ['GROUPID', context.dataId.group ?? ''],
      ['BUNIT', 'electron'],
      ['KSTAMPS', d.quality.stampsUsed, 'kernel stamps used'],
      ['KRESRMS', d.quality.residualRmsMedian, 'median stamp residual rms / noise'],
      ['KSUM', d.quality.kernelSum, 'kernel sum (photometric scaling)'],
      ['KORDER', d.quality.spatialOrder, 'spatial order of the kernel fitted'],
    ]),
    makeImageHdu(d.image.data, [width, height], { extname: 'IMAGE', header: ext('IMAGE') }),
    makeImageHdu(d.variance.data, [width, height], {
      extname: 'VARIANCE',
      header: ext('VARIANCE'),
    }),
    makeImageHdu(new Int32Array(d.mask.buffer, d.mask.byteOffset, d.mask.length), [width, height], {
      extname: 'MASK',
      header: ext('MASK'),
    }),
  ]);
}

/**
 * The difference of `science` and the warped templates. Only what the difference keeps
 * outlives this call: the warped template's variance and mask (two planes of the detector's
 * size) are dropped before the difference is encoded as FITS, the step's peak of memory.
 */
async function differenceOf(
  context: TaskContext,
  config: SubtractTaskConfig,
  science: Image,
): Promise<Difference> {
  const wcs = await scienceWcs(context);
  const { width, height } = science;
  const { warped, patches } = await warpedTemplates(context, wcs, width, height);
  const { image, variance } = backgroundSubtracted(science, config.meshSize);
  const result = subtractImages(
    {
      image,
      variance,
      // ISR's mask (BAD, SAT, CR, INTRP) keeps such pixels out of the kernel's star stamps
      mask: context.handOffs.get(ISR_EXPOSURE)?.mask,
    },
    { image: warped.image, variance: warped.variance, mask: warped.mask },
    {
      method: config.method,
      decorrelate: config.decorrelate,
      spatialKernelOrder: config.spatialKernelOrder,
      backgroundOrder: config.backgroundOrder,
    },
  );
  return {
    image: result.difference,
    variance: result.variance,
    mask: result.mask,
    template: warped.image,
    psfSigmaPx: Math.max(result.psfSigmaPx.science, result.psfSigmaPx.template),
    science: image,
    scienceVariance: variance,
    sciencePsfSigmaPx: result.psfSigmaPx.science,
    convolved: result.convolved,
    wcs,
    quality: result.quality,
    patches,
  };
}

/**
 * The science image with its background removed, and its variance: the sky-limited noise plus
 * the sources' shot noise. The background's level and RMS are interpolated one row at a time,
 * never to full frame.
 */
function backgroundSubtracted(science: Image, meshSize: number): { image: Image; variance: Image } {
  const { width, height } = science;
  const { mesh } = estimateBackgroundMesh(science, { meshSize });
  const bg = meshBackgroundRows(mesh, width, height);
  const levelRow = new Float32Array(width);
  const rmsRow = new Float32Array(width);
  const n = width * height;
  const image = new Float32Array(n);
  const variance = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    bg.level.row(y, levelRow);
    bg.rms.row(y, rmsRow);
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const v = science.data[i]! - levelRow[x]!;
      image[i] = v;
      variance[i] = rmsRow[x]! ** 2 + Math.max(v, 0);
    }
  }
  return { image: imageFrom(width, height, image), variance: imageFrom(width, height, variance) };
}

/**
 * Template subtraction: the templates overlapping the detector (by sky-map patch, the visit's
 * band) warped to the science WCS with Lanczos-3 and stitched, then PSF-matched differencing
 * (Alard–Lupton, decorrelated) against the background-subtracted science exposure. Hands the
 * difference, its variance, mask and kernel quality on; writes `differenceExp`.
 */
export const subtractTask: TaskDefinition<SubtractTaskConfig> = {
  kind: 'subtract',
  summary: 'Warps the overlapping templates to the science WCS and subtracts them (Alard–Lupton).',
  configSchema,
  requires: () => ['skyMap'],
  produces: (c) => (c.writeDifference ? ['differenceExp'] : []),
  async run(context, config) {
    const science = context.handOffs.get(EXPOSURE);
    if (!science) throw missing('subtract needs an exposure: put an isr step before it');
    const difference = await differenceOf(context, config, science);
    context.handOffs.set(DIFFERENCE, difference);
    const q = difference.quality;
    context.log(
      `subtract: ${difference.patches.length} template patch(es), convolved ${difference.convolved}, ${q.stampsUsed} stamps (${q.stampsRejected} rejected), kernel order ${q.spatialOrder}, residual rms ${q.residualRmsMedian.toFixed(2)}σ, kernel sum ${q.kernelSum.toFixed(3)}`,
    );
    if (config.writeDifference) {
      await context.writeOutput('differenceExp', await differenceFits(context, difference));
    }
  },
};
