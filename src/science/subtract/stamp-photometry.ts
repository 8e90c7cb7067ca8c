import { apertureSum } from '../aperture.js';
import { medianInPlace } from '../robust-stats.js';
import type { StampCentre } from './star-stamps.js';

/** Candidates whose science/template flux ratio is this far from the median are refused. */
const MAX_RATIO_DEVIATION = 0.08;

/**
 * Kernel-stamp candidates without the ones whose brightness changed between template and
 * science: a variable star among a sparse field's few stamps pulls the kernel's sum towards
 * its own ratio (one 0.27 mag variable among 5 stamps made a kernel sum of 1.22 and 4,588
 * false sources on the default night). Each candidate's science/template flux ratio is taken
 * in a circle of `radiusPx` (both images background-subtracted, so no annulus); those more
 * than 8 % from the median ratio go. With fewer than 3 candidates, or too few measurable,
 * the list comes back as it was: there is no majority to judge by.
 */
export function withoutVariableStars(
  science: Float32Array,
  template: Float32Array,
  width: number,
  height: number,
  candidates: readonly StampCentre[],
  radiusPx: number,
): StampCentre[] {
  const ratios = candidates.map((c) => {
    const s = apertureSum(science, undefined, width, height, c.x, c.y, radiusPx);
    const t = apertureSum(template, undefined, width, height, c.x, c.y, radiusPx);
    if (s.truncated || t.truncated || s.hasNonFinite || t.hasNonFinite) return NaN;
    return t.sum > 0 && s.sum > 0 ? s.sum / t.sum : NaN;
  });
  const finite = Float64Array.from(ratios.filter(Number.isFinite));
  if (finite.length < 3) return [...candidates];
  const median = medianInPlace(finite, finite.length);
  return candidates.filter((_, k) => {
    const r = ratios[k]!;
    // unmeasurable candidates keep their place: the kernel fit's own clipping judges them
    return !Number.isFinite(r) || Math.abs(r / median - 1) <= MAX_RATIO_DEVIATION;
  });
}
