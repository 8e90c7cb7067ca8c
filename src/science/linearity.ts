import { PromptlyError } from '../core/errors.js';

/**
 * Linearity correction of one amplifier, in place: each value x (ADU above the overscan)
 * becomes Σ cᵢ xⁱ, i = 0…k (`coefficients` = [c₀, c₁, …], as the `linearizer` calibration
 * stores them per amp; [0, 1] is the identity). NaN stays NaN. Throws
 * PROMPTLY_E_SCIENCE_OPTION_INVALID for an empty or non-finite polynomial.
 */
export function correctLinearity(data: Float32Array, coefficients: readonly number[]): void {
  if (coefficients.length === 0 || coefficients.some((c) => !Number.isFinite(c))) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      `linearity polynomial must be finite numbers, got [${coefficients.join(', ')}]`,
    );
  }
  const k = coefficients.length - 1;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    let v = coefficients[k]!;
    for (let j = k - 1; j >= 0; j--) v = v * x + coefficients[j]!;
    data[i] = v;
  }
}
