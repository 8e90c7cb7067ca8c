import { DEG } from './sky-input.js';

/** Nutation in longitude and obliquity and the obliquity of the ecliptic, degrees. */
export interface Nutation {
  /** Nutation in longitude Δψ, degrees. */
  readonly dPsiDeg: number;
  /** Nutation in obliquity Δε, degrees. */
  readonly dEpsDeg: number;
  /** Mean obliquity of the ecliptic ε₀ of date, degrees (IAU 1980, Meeus 22.2). */
  readonly meanObliquityDeg: number;
  /** True obliquity ε₀ + Δε, degrees. */
  readonly trueObliquityDeg: number;
}

/**
 * Nutation and obliquity at `t` Julian centuries of TT since J2000: the four-term series of
 * Meeus, *Astronomical Algorithms* ch. 22 (accurate to 0.5″ in Δψ and 0.1″ in Δε), and the
 * IAU 1980 mean obliquity.
 */
export function nutationOf(t: number): Nutation {
  const omega = (125.04452 - 1934.136261 * t) * DEG;
  const lSun = (280.4665 + 36000.7698 * t) * DEG;
  const lMoon = (218.3165 + 481267.8813 * t) * DEG;
  const dPsi =
    -17.2 * Math.sin(omega) -
    1.32 * Math.sin(2 * lSun) -
    0.23 * Math.sin(2 * lMoon) +
    0.21 * Math.sin(2 * omega);
  const dEps =
    9.2 * Math.cos(omega) +
    0.57 * Math.cos(2 * lSun) +
    0.1 * Math.cos(2 * lMoon) -
    0.09 * Math.cos(2 * omega);
  const eps0 = (84381.448 - 46.815 * t - 0.00059 * t * t + 0.001813 * t * t * t) / 3600;
  return {
    dPsiDeg: dPsi / 3600,
    dEpsDeg: dEps / 3600,
    meanObliquityDeg: eps0,
    trueObliquityDeg: eps0 + dEps / 3600,
  };
}
