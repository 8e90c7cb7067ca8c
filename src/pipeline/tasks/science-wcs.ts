import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import { FitsFile } from '../../fits/index.js';
import { readWcs, type CelestialWcs } from '../../wcs/index.js';
import { HandOffKey } from '../hand-off.js';
import type { TaskContext } from '../task.js';

/**
 * The science exposure's WCS, once a step has fitted one (calibrate); until then steps use the
 * raw header's, which is what the telescope reported (arcseconds off, as real pointing is).
 */
export const SCIENCE_WCS = new HandOffKey<CelestialWcs>('scienceWcs');

/**
 * The best WCS of the visit-detector so far: a fitted one from the hand-offs, else the WCS in
 * the first snap's primary header (PROMPTLY_E_PIPELINE_INPUT_MISSING when it has none).
 */
export async function scienceWcs(context: TaskContext): Promise<CelestialWcs> {
  const fitted = context.handOffs.get(SCIENCE_WCS);
  if (fitted) return fitted;
  const first = context.snaps[0];
  if (!first) throw new PromptlyError('PROMPTLY_E_PIPELINE_INPUT_MISSING', 'no raw snaps');
  try {
    const file = FitsFile.fromBytes(await first.read());
    const primary = (await file.hdus(context.signal))[0];
    if (!primary) throw new Error('the raw has no primary header');
    const wcs = readWcs(primary.header);
    context.handOffs.set(SCIENCE_WCS, wcs);
    return wcs;
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    throw new PromptlyError(
      'PROMPTLY_E_PIPELINE_INPUT_MISSING',
      `the raw header has no usable WCS: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}
