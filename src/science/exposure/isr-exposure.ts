import { IsrExposureBuilder } from './isr-exposure-builder.js';
import type { IsrExposureInput, IsrExposureResult } from './isr-exposure-types.js';

export { IsrExposureBuilder, type IsrExposureBuilderInput } from './isr-exposure-builder.js';
export type {
  IsrExposureAmp,
  IsrExposureAmpLayout,
  IsrExposureInput,
  IsrExposureOptions,
  IsrExposureResult,
  IsrExposureStats,
  IsrSnap,
  IsrSnapLayout,
} from './isr-exposure-types.js';

/**
 * ISR to an `Exposure` (one {@link IsrExposureBuilder} fed every snap): each snap's amps through
 * an `IsrFrame` (overscan, crosstalk, linearity, gain, assembly), SAT from each amp's
 * saturation level with bleed trails grown along columns, bias, dark × dark time and
 * flat removed in one pass (a bad flat marks BAD), cosmic rays found by comparing the snaps and
 * repaired from the clean snaps (CR), or with one snap by Laplacian edges and interpolated
 * (CR, INTRP), the snaps summed, defects marked BAD, then BAD, SAT and
 * unrepairable CR pixels interpolated (INTRP); variance = signal/flat + Σ snaps (read noise² +
 * dark)/flat², e⁻²; EDGE on the border; finally the background subtracted (its level in
 * metadata BGMEAN/BGRMS). The image is in e⁻ summed over snaps. Throws
 * PROMPTLY_E_IMAGE_GEOMETRY, PROMPTLY_E_SCIENCE_OPTION_INVALID, PROMPTLY_E_ABORTED.
 */
export function runIsrExposure(input: IsrExposureInput): IsrExposureResult {
  const builder = new IsrExposureBuilder(input);
  for (const snap of input.snaps) builder.addSnap(snap);
  return builder.finish();
}
