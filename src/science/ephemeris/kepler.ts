import { checkElements, GM_SUN_AU3_PER_DAY2, type OrbitalElements } from './orbital-elements.js';
import { cross, DEG, dot, norm, scale, sub, wrap360, type Vec3 } from './vector.js';

/**
 * Two-body (Keplerian) motion about the Sun: elements → heliocentric state at a time, and a
 * state → elements. Positions AU and velocities AU/day in the J2000 ecliptic frame; times MJD
 * TT (TDB taken as TT: they differ by < 2 ms).
 */

/** Eccentric anomaly E, radians, of mean anomaly `m` (radians) and eccentricity `e` < 1: M = E − e sin E. */
export function solveKepler(m: number, e: number): number {
  const mm = Math.atan2(Math.sin(m), Math.cos(m));
  let E = e < 0.8 ? mm : Math.PI * Math.sign(mm || 1);
  for (let k = 0; k < 30; k++) {
    const f = E - e * Math.sin(E) - mm;
    const dE = f / (1 - e * Math.cos(E));
    E -= dE;
    if (Math.abs(dE) < 1e-14) break;
  }
  return E;
}

/** A heliocentric state: position, AU, and velocity, AU/day, J2000 ecliptic. */
export interface HelioState {
  readonly position: Vec3;
  readonly velocity: Vec3;
}

/** Perifocal basis vectors P (to perihelion) and Q of the elements, J2000 ecliptic. */
function perifocal(el: OrbitalElements): { P: Vec3; Q: Vec3 } {
  const w = el.argPeriDeg * DEG;
  const o = el.nodeDeg * DEG;
  const i = el.incDeg * DEG;
  const cw = Math.cos(w);
  const sw = Math.sin(w);
  const co = Math.cos(o);
  const so = Math.sin(o);
  const ci = Math.cos(i);
  const si = Math.sin(i);
  return {
    P: [cw * co - sw * so * ci, cw * so + sw * co * ci, sw * si],
    Q: [-sw * co - cw * so * ci, -sw * so + cw * co * ci, cw * si],
  };
}

/** Heliocentric position and velocity at `mjdTt` of an orbit given by (checked) elements. */
export function heliocentricState(el: OrbitalElements, mjdTt: number): HelioState {
  const { aAu: a, e } = el;
  const n = Math.sqrt(GM_SUN_AU3_PER_DAY2 / (a * a * a));
  const E = solveKepler(el.meanAnomalyDeg * DEG + n * (mjdTt - el.epochMjdTt), e);
  const cE = Math.cos(E);
  const sE = Math.sin(E);
  const b = a * Math.sqrt(1 - e * e);
  const { P, Q } = perifocal(el);
  const x = a * (cE - e);
  const y = b * sE;
  const edot = n / (1 - e * cE);
  const vx = -a * sE * edot;
  const vy = b * cE * edot;
  return {
    position: [x * P[0] + y * Q[0], x * P[1] + y * Q[1], x * P[2] + y * Q[2]],
    velocity: [vx * P[0] + vy * Q[0], vx * P[1] + vy * Q[1], vx * P[2] + vy * Q[2]],
  };
}

/**
 * The elements at `epochMjdTt` of the elliptic orbit through a heliocentric state (the
 * inverse of {@link heliocentricState}; an orbit in the ecliptic takes node 0, a circular
 * one perihelion at the node). Throws PROMPTLY_E_EPHEMERIS_INVALID for an unbound state.
 */
export function elementsOfState(state: HelioState, epochMjdTt: number): OrbitalElements {
  const mu = GM_SUN_AU3_PER_DAY2;
  const r = state.position;
  const v = state.velocity;
  const rn = norm(r);
  const v2 = dot(v, v);
  const h = cross(r, v);
  const hn = norm(h);
  const eVec = scale(sub(scale(r, v2 - mu / rn), scale(v, dot(r, v))), 1 / mu);
  const e = norm(eVec);
  const a = 1 / (2 / rn - v2 / mu);
  const inc = Math.acos(Math.max(-1, Math.min(1, h[2] / hn)));
  const nodeVec: Vec3 = [-h[1], h[0], 0];
  const nn = norm(nodeVec);
  const nHat: Vec3 = nn > 1e-12 * hn ? scale(nodeVec, 1 / nn) : [1, 0, 0];
  const node = Math.atan2(nHat[1], nHat[0]);
  const hHat = scale(h, 1 / hn);
  const m = cross(hHat, nHat); // in-plane, 90° ahead of the node
  // perihelion direction (the node itself for a circular orbit)
  const pHat = e > 1e-12 ? scale(eVec, 1 / e) : nHat;
  const argPeri = Math.atan2(dot(pHat, m), dot(pHat, nHat));
  const qHat = cross(hHat, pHat);
  const nu = Math.atan2(dot(r, qHat), dot(r, pHat));
  const E =
    2 * Math.atan2(Math.sqrt(1 - e) * Math.sin(nu / 2), Math.sqrt(1 + e) * Math.cos(nu / 2));
  const M = E - e * Math.sin(E);
  return checkElements({
    epochMjdTt,
    aAu: a > 0 ? a : NaN,
    e,
    incDeg: inc / DEG,
    nodeDeg: wrap360(node / DEG),
    argPeriDeg: wrap360(argPeri / DEG),
    meanAnomalyDeg: wrap360(M / DEG),
  });
}
