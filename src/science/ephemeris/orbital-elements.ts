import { PromptlyError } from '../../core/errors.js';

/**
 * Heliocentric osculating Keplerian elements of an elliptic orbit, referred to the ecliptic
 * and equinox of J2000 (the frame of the MPC's MPCORB file), as a known-movers catalog gives
 * them.
 */
export interface OrbitalElements {
  /** Osculating epoch, MJD TT, [15 000, 100 000] (years 1900–2132). */
  readonly epochMjdTt: number;
  /** Semi-major axis, AU, (0.05, 1000]. */
  readonly aAu: number;
  /** Eccentricity, [0, 0.99]: only elliptic orbits are propagated. */
  readonly e: number;
  /** Inclination to the J2000 ecliptic, degrees [0, 180]. */
  readonly incDeg: number;
  /** Longitude of the ascending node, degrees [0, 360). */
  readonly nodeDeg: number;
  /** Argument of perihelion, degrees [0, 360). */
  readonly argPeriDeg: number;
  /** Mean anomaly at the epoch, degrees [0, 360). */
  readonly meanAnomalyDeg: number;
}

/** Gaussian gravitational constant k, radians per day (GM☉ = k² AU³ d⁻²). */
export const GAUSS_K = 0.01720209895;
/** GM of the Sun, AU³ per day². */
export const GM_SUN_AU3_PER_DAY2 = GAUSS_K * GAUSS_K;
/** Speed of light, AU per day. */
export const C_AU_PER_DAY = 173.1446326846693;
/** Earliest and latest epoch or time accepted, MJD (1900-01-01 .. 2132). */
export const MIN_MJD = 15_000;
export const MAX_MJD = 100_000;
/** Largest semi-major axis accepted, AU, and largest eccentricity. */
export const MAX_A_AU = 1000;
export const MAX_E = 0.99;

export function invalidEphemeris(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_EPHEMERIS_INVALID', message);
}

function inRange(what: string, v: unknown, lo: number, hi: number, hiOpen = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || (hiOpen ? v >= hi : v > hi))
    throw invalidEphemeris(
      `${what} must be a finite number in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${String(v)}`,
    );
  return v;
}

/** A time given as MJD, checked to lie in [{@link MIN_MJD}, {@link MAX_MJD}]. */
export function checkMjd(what: string, mjd: unknown): number {
  return inRange(what, mjd, MIN_MJD, MAX_MJD);
}

/** The elements, every field present, finite and in range (PROMPTLY_E_EPHEMERIS_INVALID naming it). */
export function checkElements(el: OrbitalElements, what = 'elements'): OrbitalElements {
  if (typeof el !== 'object' || el === null) throw invalidEphemeris(`${what} must be an object`);
  checkMjd(`${what}.epochMjdTt`, el.epochMjdTt);
  const a = inRange(`${what}.aAu`, el.aAu, 0, MAX_A_AU);
  if (a <= 0.05) throw invalidEphemeris(`${what}.aAu must be above 0.05 AU, got ${a}`);
  inRange(`${what}.e`, el.e, 0, MAX_E);
  inRange(`${what}.incDeg`, el.incDeg, 0, 180);
  inRange(`${what}.nodeDeg`, el.nodeDeg, 0, 360, true);
  inRange(`${what}.argPeriDeg`, el.argPeriDeg, 0, 360, true);
  inRange(`${what}.meanAnomalyDeg`, el.meanAnomalyDeg, 0, 360, true);
  return el;
}
