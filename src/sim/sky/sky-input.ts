import { PromptlyError } from '../../core/errors.js';

/**
 * Rejects a non-finite number at the boundary of the site-astronomy code
 * (PROMPTLY_E_SIM_SKY_INVALID), so a NaN time or coordinate never turns into a silent NaN
 * pointing. Returns the value.
 */
export function finiteOrThrow(name: string, value: number): number {
  if (!Number.isFinite(value)) {
    throw new PromptlyError(
      'PROMPTLY_E_SIM_SKY_INVALID',
      `${name} must be a finite number, got ${value}`,
    );
  }
  return value;
}

/** Degrees → radians. */
export const DEG = Math.PI / 180;

/** An angle in degrees wrapped to [0, 360). */
export function wrap360(deg: number): number {
  const r = deg % 360;
  return r < 0 ? r + 360 : r;
}

/** An angle in degrees wrapped to [-180, 180). */
export function wrap180(deg: number): number {
  return wrap360(deg + 180) - 180;
}
