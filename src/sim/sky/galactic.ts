import { DEG } from './sky-input.js';

/** ICRS position of the north galactic pole, degrees (Hipparcos / J2000 definition). */
const NGP_RA_DEG = 192.85948;
const NGP_DEC_DEG = 27.12825;

/** Galactic latitude of an ICRS direction, degrees [-90, +90]. */
export function galacticLatitudeDeg(raDeg: number, decDeg: number): number {
  const d = decDeg * DEG;
  const p = NGP_DEC_DEG * DEG;
  const s =
    Math.sin(d) * Math.sin(p) + Math.cos(d) * Math.cos(p) * Math.cos((raDeg - NGP_RA_DEG) * DEG);
  return Math.asin(Math.max(-1, Math.min(1, s))) / DEG;
}
