import { PromptlyError } from '../../core/errors.js';
import { DEG, finiteOrThrow } from './sky-input.js';

/**
 * Relative optical air mass at geometric (unrefracted) altitude `altDeg`, by Kasten &
 * Young (1989, Appl. Opt. 28, 4735): X = 1 / (sin h + 0.50572 (h + 6.07995°)^−1.6364).
 * Within 0.5 % of their ray-traced table down to the horizon (X = 37.92 vs 38.09 there), and
 * equal to sec z to 0.3 % above 30°. Below −6.07995° (no path) it throws
 * PROMPTLY_E_SIM_SKY_INVALID.
 */
export function airmassKastenYoung(altDeg: number): number {
  finiteOrThrow('altitude', altDeg);
  if (altDeg <= -6.07995) {
    throw new PromptlyError(
      'PROMPTLY_E_SIM_SKY_INVALID',
      `no air mass below the horizon (altitude ${altDeg}°)`,
    );
  }
  return 1 / (Math.sin(altDeg * DEG) + 0.50572 * Math.pow(altDeg + 6.07995, -1.6364));
}

/**
 * Plane-parallel air mass sec z = 1 / sin h (infinite at and below the horizon). Never smaller
 * than the Kasten–Young value above the horizon, so a limit checked with it holds by either
 * definition (astropy's `AltAz.secz` is this one).
 */
export function secZ(altDeg: number): number {
  const s = Math.sin(finiteOrThrow('altitude', altDeg) * DEG);
  return s > 0 ? 1 / s : Number.POSITIVE_INFINITY;
}
