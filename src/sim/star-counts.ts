import { galacticLatitudeDeg, galacticLongitudeDeg } from './sky/galactic.js';

/**
 * Star counts of the simulated Milky Way by galactic position, a documented approximation (the
 * order of magnitude of TRILEGAL/Galaxia counts, not a fit to them):
 *
 * - Stars brighter than r = 24 per deg²: N24 = 4 500 · max(sin|b|, sin 5°)^−1.4 ·
 *   (1 + 0.6 cos l cos² b) — ~4 500 at the galactic poles, ~12 000 at |b| = 30°, ~52 000 at
 *   |b| = 10° (× 1.6 towards the galactic centre, × 0.4 towards the anticentre in the plane);
 *   latitudes below 5° are held at 5° (the dust that would hide them is not modelled).
 * - Magnitude distribution dN/dm ∝ 10^(α m) with α = 0.30 − 0.15 sin|b|: thin-disc-like
 *   (steep) in the plane, flattening towards the halo-dominated poles.
 * - For a faint limit m other than 24: N(<m) = N24 · 10^(α (m − 24)).
 */
export interface StarCounts {
  /** Stars brighter than the limit, per deg². */
  readonly densityPerDeg2: number;
  /** α of dN/dm ∝ 10^(α m). */
  readonly slope: number;
}

const N24_POLE = 4_500;
const MIN_SIN_B = Math.sin((5 * Math.PI) / 180);

/** Star counts at ICRS (ra, dec) degrees down to `magLimit` (AB, r). */
export function starCountsAt(raDeg: number, decDeg: number, magLimit: number): StarCounts {
  const b = (galacticLatitudeDeg(raDeg, decDeg) * Math.PI) / 180;
  const l = (galacticLongitudeDeg(raDeg, decDeg) * Math.PI) / 180;
  const sinB = Math.abs(Math.sin(b));
  const cosB = Math.cos(b);
  const n24 = N24_POLE * Math.max(sinB, MIN_SIN_B) ** -1.4 * (1 + 0.6 * Math.cos(l) * cosB * cosB);
  const slope = 0.3 - 0.15 * sinB;
  return { densityPerDeg2: n24 * 10 ** (slope * (magLimit - 24)), slope };
}
