import { TAI_MINUS_UTC_S } from '../../core/time.js';
import { earthHeliocentric, earthVelocity } from './earth-position.js';
import { heliocentricState, type HelioState } from './kepler.js';
import { C_AU_PER_DAY, checkElements, checkMjd, type OrbitalElements } from './orbital-elements.js';
import { DEG, dot, eclipticToEquatorial, norm, sphericalOf, sub, type Vec3 } from './vector.js';

/**
 * Where a solar-system object is seen from the Earth's centre at a time: its astrometric ICRS
 * position (light time applied, no aberration — the frame an image's WCS fitted to ICRS stars
 * gives a moving source), distances, geometry, motion on the sky and the state vectors
 * Rubin's ssSource carries. Two-body orbit (`kepler.ts`), Earth from `earth-position.ts`.
 * Geocentric, not topocentric: the parallax from Cerro Pachón is ≤ 9″ × (1 AU / Δ), which
 * the simulator and the worker share, so it never separates a prediction from its source.
 */
export interface Ephemeris {
  /** Time of observation, MJD TT. */
  readonly mjdTt: number;
  /** Astrometric right ascension and declination, degrees ICRS: [0, 360) and [−90, +90]. */
  readonly raDeg: number;
  readonly decDeg: number;
  /** Geocentric ecliptic longitude and latitude (J2000), degrees. */
  readonly eclLambdaDeg: number;
  readonly eclBetaDeg: number;
  /** Earth–object distance (Δ) and Sun–object distance (r) at emission, AU. */
  readonly deltaAu: number;
  readonly rAu: number;
  /** Sun–object–Earth angle, degrees [0, 180]. */
  readonly phaseAngleDeg: number;
  /** Sun–Earth–object angle, degrees [0, 180]. */
  readonly elongationDeg: number;
  /** Light time, days. */
  readonly lightTimeDays: number;
  /** The object's heliocentric state at emission, AU and AU/day, J2000 ecliptic. */
  readonly helio: HelioState;
  /** Object minus Earth (position AU, velocity AU/day), J2000 ecliptic. */
  readonly geo: HelioState;
}

/** Motion on the sky, from positions ± `RATE_STEP_DAYS` about the time. */
export interface SkyMotion {
  /** dα/dt × cos δ and dδ/dt, degrees per day. */
  readonly rateRaCosDecDegPerDay: number;
  readonly rateDecDegPerDay: number;
  /** Total rate, degrees per day, and its position angle, degrees [0, 360) from north through east. */
  readonly rateDegPerDay: number;
  readonly paDeg: number;
}

const RATE_STEP_DAYS = 0.005;

/** MJD TT of a UTC time in ms since the Unix epoch (TT = UTC + 37 s + 32.184 s). */
export function mjdTtOfUtcMs(utcMs: number): number {
  return utcMs / 86_400_000 + 40_587 + (TAI_MINUS_UTC_S + 32.184) / 86_400;
}

/** MJD TT of an MJD TAI. */
export function mjdTtOfTai(mjdTai: number): number {
  return mjdTai + 32.184 / 86_400;
}

/**
 * The object's geometric direction from a given Earth position at `mjdTt` (no light time), as
 * an ICRS unit vector: the cheap first look a search over many objects takes.
 */
export function geometricDirection(el: OrbitalElements, earth: Vec3, mjdTt: number): Vec3 {
  const p = sub(heliocentricState(el, mjdTt).position, earth);
  const n = norm(p);
  return eclipticToEquatorial([p[0] / n, p[1] / n, p[2] / n]);
}

/**
 * The ephemeris of an orbit at `mjdTt`, light time iterated to < 1 ms. Throws
 * PROMPTLY_E_EPHEMERIS_INVALID for malformed elements or a time out of range.
 */
export function ephemerisAt(el: OrbitalElements, mjdTt: number, earth?: Vec3): Ephemeris {
  checkElements(el);
  checkMjd('mjdTt', mjdTt);
  const E = earth ?? earthHeliocentric(mjdTt);
  let tau = 0;
  let helio = heliocentricState(el, mjdTt);
  for (let k = 0; k < 4; k++) {
    const next = norm(sub(helio.position, E)) / C_AU_PER_DAY;
    if (Math.abs(next - tau) < 1e-8 && k > 0) break;
    tau = next;
    helio = heliocentricState(el, mjdTt - tau);
  }
  const rel = sub(helio.position, E);
  const delta = norm(rel);
  const r = norm(helio.position);
  const eq = sphericalOf(eclipticToEquatorial(rel));
  const ecl = sphericalOf(rel);
  const earthDist = norm(E);
  const cosPhase = dot(helio.position, rel) / (r * delta);
  const cosElong = -dot(E, rel) / (earthDist * delta);
  return {
    mjdTt,
    raDeg: eq.lonDeg,
    decDeg: eq.latDeg,
    eclLambdaDeg: ecl.lonDeg,
    eclBetaDeg: ecl.latDeg,
    deltaAu: delta,
    rAu: r,
    phaseAngleDeg: Math.acos(Math.max(-1, Math.min(1, cosPhase))) / DEG,
    elongationDeg: Math.acos(Math.max(-1, Math.min(1, cosElong))) / DEG,
    lightTimeDays: tau,
    helio,
    geo: { position: rel, velocity: sub(helio.velocity, earthVelocity(mjdTt)) },
  };
}

/** The object's motion on the sky at `mjdTt` (central differences of {@link ephemerisAt}). */
export function skyMotion(el: OrbitalElements, mjdTt: number): SkyMotion {
  const a = ephemerisAt(el, mjdTt - RATE_STEP_DAYS);
  const b = ephemerisAt(el, mjdTt + RATE_STEP_DAYS);
  let dRa = b.raDeg - a.raDeg;
  if (dRa > 180) dRa -= 360;
  if (dRa < -180) dRa += 360;
  const cosDec = Math.cos(((a.decDeg + b.decDeg) / 2) * DEG);
  const ra = (dRa * cosDec) / (2 * RATE_STEP_DAYS);
  const dec = (b.decDeg - a.decDeg) / (2 * RATE_STEP_DAYS);
  const pa = Math.atan2(ra, dec) / DEG;
  return {
    rateRaCosDecDegPerDay: ra,
    rateDecDegPerDay: dec,
    rateDegPerDay: Math.hypot(ra, dec),
    paDeg: pa < 0 ? pa + 360 : pa,
  };
}

/**
 * Apparent V magnitude by the IAU H, G system (Bowell et al. 1989):
 * V = H + 5 log₁₀(r Δ) − 2.5 log₁₀((1 − G) Φ₁ + G Φ₂), Φᵢ = exp(−Aᵢ tan(α/2)^Bᵢ).
 */
export function hgMagnitude(
  hMag: number,
  g: number,
  rAu: number,
  deltaAu: number,
  phaseAngleDeg: number,
): number {
  const t = Math.tan((phaseAngleDeg * DEG) / 2);
  const phi1 = Math.exp(-3.33 * t ** 0.63);
  const phi2 = Math.exp(-1.87 * t ** 1.22);
  return hMag + 5 * Math.log10(rAu * deltaAu) - 2.5 * Math.log10((1 - g) * phi1 + g * phi2);
}
