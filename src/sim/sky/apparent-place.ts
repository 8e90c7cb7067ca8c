import { DEG, finiteOrThrow, wrap360 } from './sky-input.js';
import { nutationOf } from './nutation.js';
import { sunPosition } from './sun.js';
import { centuriesTt } from './time-scales.js';

/** An equatorial position, degrees: right ascension [0, 360), declination [-90, +90]. */
export interface Equatorial {
  readonly raDeg: number;
  readonly decDeg: number;
}

type Vec = [number, number, number];

/** Annual aberration constant κ, degrees (20.49552″). */
const ABERRATION_DEG = 20.49552 / 3600;

function toVec(raDeg: number, decDeg: number): Vec {
  const a = raDeg * DEG;
  const d = decDeg * DEG;
  return [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
}

function fromVec(v: Vec): Equatorial {
  const r = Math.hypot(v[0], v[1], v[2]);
  return {
    raDeg: wrap360(Math.atan2(v[1], v[0]) / DEG),
    decDeg: Math.asin(Math.max(-1, Math.min(1, v[2] / r))) / DEG,
  };
}

/**
 * Apparent place of date of an ICRS (J2000) direction at a UTC time: precession
 * (IAU 1976, Lieske et al. 1977; Meeus 21.2), annual aberration (circular-orbit term, κ =
 * 20.5″, the 0.3″ eccentricity term dropped) and nutation (4-term series). Frame bias
 * ICRS↔FK5 (0.02″), light deflection and diurnal aberration (≤ 0.3″) are ignored: the result
 * is within ~1″ of a full IAU 2006/2000A reduction for 1950–2050. Input and output degrees.
 */
export function apparentPlace(raDeg: number, decDeg: number, utcMs: number): Equatorial {
  finiteOrThrow('right ascension', raDeg);
  finiteOrThrow('declination', decDeg);
  const t = centuriesTt(utcMs);
  const zeta = ((2306.2181 + (0.30188 + 0.017998 * t) * t) * t) / 3600;
  const z = ((2306.2181 + (1.09468 + 0.018203 * t) * t) * t) / 3600;
  const theta = ((2004.3109 - (0.42665 + 0.041833 * t) * t) * t) / 3600;
  const a0 = (raDeg + zeta) * DEG;
  const d0 = decDeg * DEG;
  const th = theta * DEG;
  const A = Math.cos(d0) * Math.sin(a0);
  const B = Math.cos(th) * Math.cos(d0) * Math.cos(a0) - Math.sin(th) * Math.sin(d0);
  const C = Math.sin(th) * Math.cos(d0) * Math.cos(a0) + Math.cos(th) * Math.sin(d0);
  const mean = toVec(Math.atan2(A, B) / DEG + z, Math.asin(C) / DEG);

  const n = nutationOf(t);
  const eps = n.meanObliquityDeg * DEG;
  // Aberration: the direction leans toward the apex of Earth's motion, 90° behind the Sun.
  const lamSun = sunPosition(utcMs).eclipticLongitudeDeg * DEG;
  const k = ABERRATION_DEG * DEG;
  const v: Vec = [
    mean[0] + k * Math.sin(lamSun),
    mean[1] - k * Math.cos(lamSun) * Math.cos(eps),
    mean[2] - k * Math.cos(lamSun) * Math.sin(eps),
  ];
  // Nutation: to the mean ecliptic, add Δψ to the longitude, back with the true obliquity.
  const ye = Math.cos(eps) * v[1] + Math.sin(eps) * v[2];
  const ze = -Math.sin(eps) * v[1] + Math.cos(eps) * v[2];
  const dpsi = n.dPsiDeg * DEG;
  const xn = Math.cos(dpsi) * v[0] - Math.sin(dpsi) * ye;
  const yn = Math.sin(dpsi) * v[0] + Math.cos(dpsi) * ye;
  const epsT = n.trueObliquityDeg * DEG;
  return fromVec([
    xn,
    Math.cos(epsT) * yn - Math.sin(epsT) * ze,
    Math.sin(epsT) * yn + Math.cos(epsT) * ze,
  ]);
}

/**
 * The ICRS direction whose apparent place of date at `utcMs` is (raDeg, decDeg): the inverse
 * of {@link apparentPlace} by fixed-point iteration (four rounds: under 1e-5°).
 */
export function icrsOfApparent(raDeg: number, decDeg: number, utcMs: number): Equatorial {
  let guess: Equatorial = { raDeg, decDeg };
  for (let i = 0; i < 4; i++) {
    const app = apparentPlace(guess.raDeg, guess.decDeg, utcMs);
    const dRa = ((raDeg - app.raDeg + 540) % 360) - 180;
    guess = {
      raDeg: wrap360(guess.raDeg + dRa),
      decDeg: Math.max(-90, Math.min(90, guess.decDeg + (decDeg - app.decDeg))),
    };
  }
  return guess;
}
