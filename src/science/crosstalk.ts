import { PromptlyError } from '../core/errors.js';

/**
 * Removes amp-to-amp crosstalk from overscan-subtracted amplifier data, in place. `amps` are
 * the trimmed data sections in readout order (each amp's own raw orientation, so index i is
 * the same readout pixel in every amp); `coefficients` is `n × n`, row-major
 * `[target × n + source]`: the target amp holds coefficient × the source's signal at the same
 * pixel. Subtracts Σ c × source from every target, sources taken before any correction (a
 * first-order inverse: the error is of order c², below 1e-6 of the source). Returns the
 * number of amp pairs corrected. Throws PROMPTLY_E_IMAGE_GEOMETRY when the matrix is not
 * n × n or the amps differ in size.
 */
export function correctCrosstalk(
  amps: readonly Float32Array[],
  coefficients: ArrayLike<number>,
): number {
  const n = amps.length;
  if (coefficients.length !== n * n) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `crosstalk matrix has ${coefficients.length} coefficients, expected ${n}×${n}`,
    );
  }
  const size = amps[0]?.length ?? 0;
  if (amps.some((a) => a.length !== size)) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      'crosstalk correction needs amplifiers of one size',
    );
  }
  const pairs: [number, number, number][] = [];
  for (let t = 0; t < n; t++)
    for (let s = 0; s < n; s++) {
      const c = coefficients[t * n + s]!;
      if (s !== t && c !== 0 && Number.isFinite(c)) pairs.push([t, s, c]);
    }
  if (pairs.length === 0) return 0;
  const sources = amps.map((a) => Float32Array.from(a));
  for (const [t, s, c] of pairs) {
    const target = amps[t]!;
    const source = sources[s]!;
    for (let i = 0; i < size; i++) target[i] = target[i]! - c * source[i]!;
  }
  return pairs.length;
}
