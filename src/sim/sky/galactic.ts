import { DEG } from './sky-input.js';

/** ICRS position of the north galactic pole, degrees (Hipparcos / J2000 definition). */
const NGP_RA_DEG = 192.85948;
const NGP_DEC_DEG = 27.12825;
/** Galactic longitude of the north celestial pole, degrees. */
const NCP_L_DEG = 122.93192;

/** Galactic latitude of an ICRS direction, degrees [-90, +90]. */
export function galacticLatitudeDeg(raDeg: number, decDeg: number): number {
  const d = decDeg * DEG;
  const p = NGP_DEC_DEG * DEG;
  const s =
    Math.sin(d) * Math.sin(p) + Math.cos(d) * Math.cos(p) * Math.cos((raDeg - NGP_RA_DEG) * DEG);
  return Math.asin(Math.max(-1, Math.min(1, s))) / DEG;
}

/** Galactic longitude of an ICRS direction, degrees [0, 360). */
export function galacticLongitudeDeg(raDeg: number, decDeg: number): number {
  const d = decDeg * DEG;
  const p = NGP_DEC_DEG * DEG;
  const h = (raDeg - NGP_RA_DEG) * DEG;
  const y = Math.cos(d) * Math.sin(h);
  const x = Math.sin(d) * Math.cos(p) - Math.cos(d) * Math.sin(p) * Math.cos(h);
  const l = NCP_L_DEG - Math.atan2(y, x) / DEG;
  return ((l % 360) + 360) % 360;
}
