import { earthHeliocentric } from './earth-position.js';
import { elementsOfState } from './kepler.js';
import { GM_SUN_AU3_PER_DAY2, type OrbitalElements } from './orbital-elements.js';
import {
  add,
  cross,
  DEG,
  dot,
  equatorialToEcliptic,
  norm,
  scale,
  sub,
  unit,
  unitOf,
  type Vec3,
} from './vector.js';

/** What decides an orbit through a given place on the sky at a given time. */
export interface OrbitThroughOptions {
  /** Where the object is seen from the Earth's centre (geometrically), degrees ICRS. */
  readonly raDeg: number;
  readonly decDeg: number;
  /** When, MJD TT: the epoch of the elements returned. */
  readonly mjdTt: number;
  /** Semi-major axis, AU, and eccentricity [0, 0.99). */
  readonly aAu: number;
  readonly e: number;
  /** Eccentric anomaly at that time, radians: sets the distance from the Sun and whether it recedes. */
  readonly eccentricAnomalyRad: number;
  /**
   * Inclination above the least the place allows, degrees ≥ 0: an orbit plane through a point
   * at heliocentric ecliptic latitude β has i ≥ |β|, so i = |β| + this.
   */
  readonly extraInclinationDeg: number;
  /** Which of the two prograde planes of that inclination through the point (its node side). */
  readonly ascending: boolean;
  /** The Earth's heliocentric position at `mjdTt` when already known (AU, J2000 ecliptic). */
  readonly earth?: Vec3;
}

/**
 * Elements of a prograde elliptic orbit that puts an object, at `mjdTt`, on the sightline from
 * the Earth's centre towards (raDeg, decDeg), at the Sun distance r = a (1 − e cos E); or
 * undefined when that sightline never reaches that distance from the Sun (r below the Earth's).
 * The simulator draws its asteroids with it, so that each sits at a chosen place on the sky at
 * its epoch; the velocity follows from a, e, E and the orbit plane.
 */
export function orbitThrough(o: OrbitThroughOptions): OrbitalElements | undefined {
  const earth = o.earth ?? earthHeliocentric(o.mjdTt);
  const u = equatorialToEcliptic(unitOf(o.raDeg, o.decDeg));
  const { aAu: a, e } = o;
  const cE = Math.cos(o.eccentricAnomalyRad);
  const sE = Math.sin(o.eccentricAnomalyRad);
  const r = a * (1 - e * cE);
  // |earth + Δ u| = r: Δ² + 2 (earth·u) Δ + |earth|² − r² = 0, the far root
  const b = dot(earth, u);
  const disc = b * b - dot(earth, earth) + r * r;
  if (disc < 0) return undefined;
  const delta = -b + Math.sqrt(disc);
  if (!(delta > 1e-3)) return undefined;
  const p = add(earth, scale(u, delta));
  const pHat = unit(p);
  const z: Vec3 = [0, 0, 1];
  const beta = Math.asin(Math.max(-1, Math.min(1, pHat[2])));
  const inc = Math.min(
    Math.abs(beta) + Math.max(0, o.extraInclinationDeg) * DEG,
    Math.PI / 2 - 1e-6,
  );
  // orbit normal n ⊥ p with n·z = cos i: n = cos ψ n0 ± sin ψ (p × n0), n0 ⊥ p nearest the pole
  const zPerp = sub(z, scale(pHat, pHat[2]));
  const n0 = norm(zPerp) > 1e-9 ? unit(zPerp) : ([1, 0, 0] as Vec3);
  const cosPsi = Math.min(1, Math.cos(inc) / Math.max(1e-12, Math.cos(beta)));
  const sinPsi = Math.sqrt(Math.max(0, 1 - cosPsi * cosPsi)) * (o.ascending ? 1 : -1);
  const n = add(scale(n0, cosPsi), scale(cross(pHat, n0), sinPsi));
  const t = unit(cross(n, pHat)); // prograde, in the plane, ⊥ p
  const semiLatus = a * (1 - e * e);
  const k = Math.sqrt(GM_SUN_AU3_PER_DAY2 / semiLatus);
  const denom = 1 - e * cE;
  const cosNu = (cE - e) / denom;
  const sinNu = (Math.sqrt(1 - e * e) * sE) / denom;
  const velocity = add(scale(pHat, k * e * sinNu), scale(t, k * (1 + e * cosNu)));
  return elementsOfState({ position: p, velocity }, o.mjdTt);
}
