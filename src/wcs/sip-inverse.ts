import { evalSipWithGradient, type Sip } from './sip-polynomial.js';

/** Newton iteration stops when a step is below this many pixels (plus rounding slack). */
export const SIP_INVERSE_TOLERANCE_PX = 1e-10;

/** Newton iterations allowed before a point counts as diverged. */
export const SIP_INVERSE_MAX_ITERATIONS = 50;

/** Scratch for {@link solveSipInverse}: 6 gradient slots, then the solution (u, v). */
export function sipInverseScratch(): Float64Array {
  return new Float64Array(8);
}

/**
 * Solves `u + A(u, v) = tu`, `v + B(u, v) = tv` for the pixel offsets (u, v) from CRPIX,
 * by Newton's method with the analytic Jacobian of the forward SIP polynomial, starting
 * at (u0, v0). Converged when a step is ≤ 1e-10 px (plus 8 ulp of the target's size, so
 * that far-off points are not failed by rounding). On success writes u to
 * `scratch[6]`, v to `scratch[7]` and returns true; returns false if the iteration
 * produced a non-finite value or did not converge in {@link SIP_INVERSE_MAX_ITERATIONS}.
 * No allocation.
 */
export function solveSipInverse(
  sip: Sip,
  tu: number,
  tv: number,
  u0: number,
  v0: number,
  scratch: Float64Array,
): boolean {
  const aC = sip.a.coefficients;
  const aO = sip.a.order;
  const bC = sip.b.coefficients;
  const bO = sip.b.order;
  const tol = SIP_INVERSE_TOLERANCE_PX + 8 * Number.EPSILON * (Math.abs(tu) + Math.abs(tv));
  let u = u0;
  let v = v0;
  for (let iter = 0; iter < SIP_INVERSE_MAX_ITERATIONS; iter++) {
    evalSipWithGradient(aC, aO, u, v, scratch, 0);
    evalSipWithGradient(bC, bO, u, v, scratch, 3);
    const r1 = u + (scratch[0] as number) - tu;
    const r2 = v + (scratch[3] as number) - tv;
    const j11 = 1 + (scratch[1] as number);
    const j12 = scratch[2] as number;
    const j21 = scratch[4] as number;
    const j22 = 1 + (scratch[5] as number);
    const det = j11 * j22 - j12 * j21;
    const du = (j22 * r1 - j12 * r2) / det;
    const dv = (j11 * r2 - j21 * r1) / det;
    if (!Number.isFinite(du) || !Number.isFinite(dv)) return false;
    u -= du;
    v -= dv;
    if (Math.abs(du) <= tol && Math.abs(dv) <= tol) {
      scratch[6] = u;
      scratch[7] = v;
      return true;
    }
  }
  return false;
}
