import { z } from 'zod';
import { PromptlyError } from '../../core/errors.js';
import {
  readCrosstalkFits,
  readDefectsFits,
  readLinearizerFits,
  IsrExposureBuilder,
  writeExposureFits,
  type Box,
  type Exposure,
  type Image,
} from '../../science/index.js';
import { HandOffKey } from '../hand-off.js';
import type { TaskContext, TaskDefinition } from '../task.js';
import { openRawAmps, readImageFile, type RawAmpLayout } from './exposure-io.js';

/**
 * Where the ISR task leaves the corrected exposure's image for later steps: e⁻ summed over the
 * snaps, sky kept; defects (and pixels a flat cannot correct) interpolated over.
 */
export const EXPOSURE = new HandOffKey<Image>('exposure');

/**
 * The same exposure with its mask (BAD, SAT, INTRP, CR planes, `MASK_PLANES`); its `image` is
 * the {@link EXPOSURE} image. Not its variance: no later step reads it (subtraction models the
 * science variance from its background), and handing it on kept a full-frame plane (62 MB on
 * a LATISS detector) alive through subtraction's peak of memory.
 */
export type IsrExposure = Omit<Exposure, 'variance'>;

/** Where the ISR task leaves {@link IsrExposure}. */
export const ISR_EXPOSURE = new HandOffKey<IsrExposure>('isrExposure');

const configSchema = z.strictObject({
  /** Overscan model per amplifier. */
  overscan: z.enum(['row', 'constant']).default('row'),
  doBias: z.boolean().default(true),
  /** Subtract the master dark (e⁻/s) scaled by each snap's DARKTIME. */
  doDark: z.boolean().default(true),
  doFlat: z.boolean().default(true),
  /** Remove crosstalk with the `crosstalk` calibration, when there is one. */
  doCrosstalk: z.boolean().default(true),
  /** Correct non-linearity with the `linearizer` calibration, when there is one. */
  doLinearize: z.boolean().default(true),
  /** Mask (BAD) and interpolate over the `defects` calibration's boxes, when there is one. */
  doDefect: z.boolean().default(true),
  /** Mask SAT at each amp's SATURATE level, with bleed trails grown along columns. */
  doSaturation: z.boolean().default(true),
  /** Interpolate over SAT pixels too (they keep their values otherwise, masked SAT). */
  interpolateSaturated: z.boolean().default(false),
  /** Find cosmic rays by comparing the snaps (2 or more) and replace them from the others. */
  doSnapCosmicRays: z.boolean().default(true),
  /** Furthest good pixel interpolation looks for, pixels, [1, 1024]. */
  interpolationMaxPx: z.number().int().min(1).max(1024).default(64),
  /** Write the corrected exposure as the `postISRCCD` dataset (IMAGE, MASK, VARIANCE FITS). */
  writeExposure: z.boolean().default(false),
});

export type IsrTaskConfig = z.output<typeof configSchema>;

/** The optional calibrations of one run, each undefined when absent or not asked for. */
interface OptionalCalibs {
  readonly crosstalk?: Float64Array;
  readonly linearity?: ReadonlyMap<string, readonly number[]>;
  readonly defects?: readonly Box[];
}

async function optionalCalibs(
  context: TaskContext,
  config: IsrTaskConfig,
): Promise<OptionalCalibs> {
  const read = async (type: string, on: boolean): Promise<Uint8Array | undefined> => {
    if (!on) return undefined;
    const bytes = await context.readInput(type);
    if (!bytes) context.log(`isr: no ${type} calibration for this detector, step skipped`);
    return bytes;
  };
  const [xt, lin, def] = await Promise.all([
    read('crosstalk', config.doCrosstalk),
    read('linearizer', config.doLinearize),
    read('defects', config.doDefect),
  ]);
  const out: {
    crosstalk?: Float64Array;
    linearity?: Map<string, readonly number[]>;
    defects?: Box[];
  } = {};
  if (xt) out.crosstalk = (await readCrosstalkFits(xt, context.signal)).coefficients;
  if (lin)
    out.linearity = new Map(
      (await readLinearizerFits(lin, context.signal)).map((a) => [a.amp, a.coefficients]),
    );
  if (def) out.defects = await readDefectsFits(def, context.signal);
  return out;
}

/** A snap's amps with the linearizer's polynomial attached (every amp must have one). */
function withLinearity(
  amps: readonly RawAmpLayout[],
  linearity: ReadonlyMap<string, readonly number[]> | undefined,
  saturation: boolean,
): RawAmpLayout[] {
  return amps.map((a) => {
    const poly = linearity?.get(a.name);
    if (linearity && !poly)
      throw new PromptlyError(
        'PROMPTLY_E_CALIBRATION_INVALID',
        `linearizer: no polynomial for amp ${a.name}`,
      );
    const { saturationAdu, ...rest } = a;
    return {
      ...rest,
      ...(poly ? { linearity: poly } : {}),
      ...(saturation && saturationAdu !== undefined ? { saturationAdu } : {}),
    };
  });
}

/**
 * Instrument signature removal of every snap with `runIsrExposure`: overscan per amplifier,
 * crosstalk (from `crosstalk`), linearity (from `linearizer`), gain, assembly; SAT from each
 * amp's SATURATE with bleed trails; bias, dark × DARKTIME and flat; cosmic rays found by
 * comparing the snaps and repaired; the snaps summed; defects (from `defects`) masked BAD and,
 * with pixels a flat cannot correct, interpolated. Hands on the image (e⁻, sky kept) as
 * {@link EXPOSURE} and its mask as {@link ISR_EXPOSURE}. A missing
 * crosstalk, linearizer or defects calibration skips its step with a log line.
 */
export const isrTask: TaskDefinition<IsrTaskConfig> = {
  kind: 'isr',
  summary:
    'Overscan, crosstalk, linearity, gain, assembly, saturation, bias, dark, flat, cosmic rays, defects; snaps summed.',
  configSchema,
  requires: (c) => [
    ...(c.doBias ? ['bias'] : []),
    ...(c.doDark ? ['dark'] : []),
    ...(c.doFlat ? ['flat'] : []),
  ],
  uses: (c) => [
    ...(c.doCrosstalk ? ['crosstalk'] : []),
    ...(c.doLinearize ? ['linearizer'] : []),
    ...(c.doDefect ? ['defects'] : []),
  ],
  produces: (c) => (c.writeExposure ? ['postISRCCD'] : []),
  async run(context, config) {
    const load = async (type: string): Promise<Image | undefined> => {
      const bytes = await context.readInput(type);
      if (!bytes)
        throw new PromptlyError(
          'PROMPTLY_E_PIPELINE_INPUT_MISSING',
          `no ${type} for this detector`,
        );
      return readImageFile(bytes, type, context.signal);
    };
    const bias = config.doBias ? await load('bias') : undefined;
    const dark = config.doDark ? await load('dark') : undefined;
    const flat = config.doFlat ? await load('flat') : undefined;
    const calibs = await optionalCalibs(context, config);
    // one raw at a time: each snap is read, corrected into its float frame and dropped
    // before the next is read, so no two raws (nor their int32 amps) are held at once
    const builder = new IsrExposureBuilder({
      ...(bias ? { bias } : {}),
      ...(dark ? { dark } : {}),
      ...(flat ? { flat } : {}),
      ...(calibs.defects ? { defects: calibs.defects } : {}),
      ...(calibs.crosstalk ? { crosstalk: calibs.crosstalk } : {}),
      // bias and dark were read for this run alone: their arrays become variance and scratch
      consumeCalibs: true,
      metadata: {
        INSTRUME: context.dataId.instrument,
        DETECTOR: context.dataId.detector ?? -1,
        GROUPID: context.dataId.group ?? '',
      },
      options: {
        overscan: { fit: config.overscan },
        cosmicRays: {
          method: config.doSnapCosmicRays && context.snaps.length > 1 ? 'snaps' : 'none',
        },
        interpolateSaturated: config.interpolateSaturated,
        interpolationMaxPx: config.interpolationMaxPx,
        background: false,
        signal: context.signal,
      },
    });
    for (const snap of context.snaps) {
      const raw = await openRawAmps(await snap.read(), context.signal);
      const { amps, darkTimeS } = raw;
      if (calibs.crosstalk && calibs.crosstalk.length !== amps.length * amps.length)
        throw new PromptlyError(
          'PROMPTLY_E_CALIBRATION_INVALID',
          `crosstalk: ${calibs.crosstalk.length} coefficients for ${amps.length} amplifiers`,
        );
      // amp by amp: only one amp's decoded int32 pixels are held at a time
      await builder.addSnapByAmp(
        { amps: withLinearity(amps, calibs.linearity, config.doSaturation), darkTimeS },
        (k) => raw.pixels(k),
      );
    }
    const nSnaps = context.snaps.length;
    if (nSnaps === 0)
      throw new PromptlyError('PROMPTLY_E_PIPELINE_INPUT_MISSING', 'no raw snaps to process');
    const result = builder.finish();
    const { exposure, stats } = result;
    result.snapAmps.forEach((_, k) => {
      const noise = result.snapAmps[k]!.map((a) => a.overscanNoise.toFixed(2)).join(' ');
      context.log(`isr snap ${k}: overscan noise ${noise} ADU`);
    });
    const applied = [
      calibs.crosstalk ? 'crosstalk' : undefined,
      calibs.linearity ? 'linearity' : undefined,
      calibs.defects ? `${calibs.defects.length} defects` : undefined,
    ].filter((s) => s !== undefined);
    context.log(
      `isr: ${exposure.width}x${exposure.height}, ${nSnaps} snap(s); corrected ${applied.join(', ') || 'no crosstalk, linearity or defects'}; BAD ${stats.badPixels}, SAT ${stats.saturatedPixels}, CR ${stats.crPixels} (${stats.crMethod}), interpolated ${stats.interpolatedPixels} px`,
    );
    context.handOffs.set(EXPOSURE, exposure.image);
    const { variance: _variance, ...withoutVariance } = exposure;
    context.handOffs.set(ISR_EXPOSURE, withoutVariance);
    if (config.writeExposure) {
      await context.writeOutput('postISRCCD', await writeExposureFits(exposure, context.signal));
    }
  },
};
