import { z } from 'zod';
import { PromptlyError } from '../../core/errors.js';
import { runIsr, type Image } from '../../science/index.js';
import { markSnapCosmicRays } from '../../science/exposure/snap-cosmic-rays.js';
import { imageFits } from '../../fits/index.js';
import { HandOffKey } from '../hand-off.js';
import type { TaskDefinition } from '../task.js';
import { readImageFile, readRawAmps } from './exposure-io.js';

/** Where the ISR task leaves the corrected exposure for later steps. */
export const EXPOSURE = new HandOffKey<Image>('exposure');

const configSchema = z.strictObject({
  /** Overscan model per amplifier. */
  overscan: z.enum(['row', 'constant']).default('row'),
  doBias: z.boolean().default(true),
  /** Subtract the master dark (e⁻/s) scaled by each snap's DARKTIME. */
  doDark: z.boolean().default(true),
  doFlat: z.boolean().default(true),
  /** Find cosmic rays by comparing the snaps (2 or more) and replace them from the others. */
  doSnapCosmicRays: z.boolean().default(true),
  /** Write the corrected exposure as the `postISRCCD` dataset (float32 FITS). */
  writeExposure: z.boolean().default(false),
});

export type IsrTaskConfig = z.output<typeof configSchema>;

/**
 * bias + dark × darkTimeS, electrons, for snap after snap: one full-frame plane, made for the
 * first snap (in the bias's own array, which nothing else holds) and moved by dark × Δt only
 * when a later snap's dark time differs, instead of a fresh frame per snap.
 */
class BiasPlusDark {
  #plane: Image | undefined;
  #darkTimeS = 0;

  constructor(
    private readonly bias: Image | undefined,
    private readonly dark: Image,
  ) {
    if (bias && (bias.width !== dark.width || bias.height !== dark.height)) {
      throw new PromptlyError('PROMPTLY_E_PIPELINE_INPUT_MISSING', 'bias and dark differ in size');
    }
  }

  at(darkTimeS: number): Image {
    const d = this.dark.data;
    if (this.#plane === undefined) {
      const out = this.bias?.data ?? new Float32Array(d.length);
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + d[i]! * darkTimeS;
      this.#plane = { width: this.dark.width, height: this.dark.height, data: out };
      this.#darkTimeS = darkTimeS;
    } else if (darkTimeS !== this.#darkTimeS) {
      const out = this.#plane.data;
      const dt = darkTimeS - this.#darkTimeS;
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + d[i]! * dt;
      this.#darkTimeS = darkTimeS;
    }
    return this.#plane;
  }
}

/**
 * Instrument signature removal of every snap (overscan per amplifier, gain, assembly, bias,
 * dark, flat), then the snaps summed into one exposure, in electrons.
 */
export const isrTask: TaskDefinition<IsrTaskConfig> = {
  kind: 'isr',
  summary: 'Overscan per amp, gain, assembly, bias subtraction, flat division; snaps summed.',
  configSchema,
  requires: (c) => [
    ...(c.doBias ? ['bias'] : []),
    ...(c.doDark ? ['dark'] : []),
    ...(c.doFlat ? ['flat'] : []),
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
    const offsets = dark ? new BiasPlusDark(bias, dark) : undefined;
    const snaps: Image[] = [];
    let readVarianceE = 0;
    for (const snap of context.snaps) {
      const { amps, darkTimeS } = await readRawAmps(await snap.read(), context.signal);
      // Bias and dark are both subtracted before the flat: one combined frame does both.
      const offset = offsets ? offsets.at(darkTimeS) : bias;
      const result = runIsr({
        amps,
        ...(offset ? { bias: offset } : {}),
        ...(flat ? { flat } : {}),
        options: { overscan: { fit: config.overscan }, signal: context.signal },
      });
      const noise = result.amps.map((a) => a.overscanNoise.toFixed(2)).join(' ');
      context.log(
        `isr snap ${snap.snap}: ${result.image.width}x${result.image.height}, masked ${result.maskedByFlat}, overscan noise ${noise} ADU`,
      );
      // read noise in e⁻², the largest of the amplifiers' (overscan noise × gain)
      result.amps.forEach((a, k) => {
        const e = a.overscanNoise * (amps[k]?.gain ?? 1);
        readVarianceE = Math.max(readVarianceE, e * e);
      });
      snaps.push(result.image);
    }
    const sum = snaps[0];
    if (!sum)
      throw new PromptlyError('PROMPTLY_E_PIPELINE_INPUT_MISSING', 'no raw snaps to process');
    if (snaps.length > 1 && config.doSnapCosmicRays) {
      const found = markSnapCosmicRays(
        snaps.map((s) => s.data),
        sum.width,
        sum.height,
        undefined,
        0,
        { base: readVarianceE, ...(flat ? { flat: flat.data } : {}) },
      );
      context.log(`isr: ${found} cosmic-ray pixel values found by comparing ${snaps.length} snaps`);
    }
    // the snaps summed; a value a cosmic ray took is replaced by the other snaps' scaled up
    const a = sum.data;
    for (let i = 0; i < a.length; i++) {
      let total = 0;
      let good = 0;
      for (const s of snaps) {
        const v = s.data[i]!;
        if (v === v) {
          total += v;
          good++;
        }
      }
      a[i] = good > 0 ? (total * snaps.length) / good : NaN;
    }
    context.handOffs.set(EXPOSURE, sum);
    if (config.writeExposure) {
      const bytes = await imageFits(sum.data, sum.width, sum.height, [
        ['INSTRUME', context.dataId.instrument],
        ['DETECTOR', context.dataId.detector ?? -1],
        ['GROUPID', context.dataId.group ?? ''],
        ['BUNIT', 'electron'],
      ]);
      await context.writeOutput('postISRCCD', bytes);
    }
  },
};
