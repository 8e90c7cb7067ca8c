import { Prng } from './prng.js';
import {
  cellExtent,
  forEachCellInBox,
  poisson,
  raDecBoxTest,
  type RaDecBox,
  type SkyModel,
} from './sky-catalog.js';

/**
 * The simulated sky's galaxies, drawn per catalog cell from the seed alone (like the stars), so
 * every visit, template and transient host sees the same ones.
 *
 * Model (documented, not fitted to one survey):
 * - Counts in r: log10(dN/dm) = 4.45 + 0.36 (r − 24) per deg² per mag for r ∈ [16, limit]:
 *   ~190 /deg²/mag at r = 18, ~1 000 at 20, ~28 000 at 24, close to SDSS (Yasuda et al. 2001)
 *   at the bright end and deep R-band counts (Metcalfe et al. 2001) at the faint end.
 * - Type: de Vaucouleurs (Sérsic n = 4, red) with probability 0.5 at r = 16 falling linearly
 *   to 0.15 at r ≥ 24; exponential discs (n = 1, blue) otherwise.
 * - Size–magnitude: log10(r_e / ″) = log10(1.6) − 0.12 (r − 20) + 0.15 N(0, 1), 0.1 dex
 *   smaller for n = 4, clipped to [0.1″, 20″] (r_e ≈ 1.6″ at r = 20, 0.5″ at 24): r_e is the
 *   half-light semi-major axis.
 * - Shape: axis ratio uniform in [0.15, 1] for discs, [0.5, 1] for ellipticals; position angle
 *   uniform, degrees east of north.
 * - Colours (offsets from r): discs u 1.45, g 0.45, i −0.25, z −0.40, y −0.50; ellipticals
 *   u 2.45, g 0.75, i −0.40, z −0.70, y −0.85; each galaxy's colour scaled by 1 + 0.15 N(0, 1).
 */

/** Brightest galaxy, AB mag in r. */
export const GALAXY_BRIGHT_MAG = 16;
/** Galaxy ids are offset by this from the star-like cell id, so they never meet a star's id. */
export const GALAXY_ID_OFFSET = 2 ** 50;

/** Galaxies of a sky region, as parallel arrays. */
export interface GalaxyCatalog {
  /** Stable id: GALAXY_ID_OFFSET + (cell index × 65536 + index in the cell). */
  readonly id: Float64Array;
  /** Centre, degrees ICRS. */
  readonly ra: Float64Array;
  readonly dec: Float64Array;
  /** Total AB magnitude per band (u g r i z y). */
  readonly mag: Readonly<Record<string, Float32Array>>;
  /** Half-light semi-major axis, arcseconds. */
  readonly reArcsec: Float32Array;
  /** Sérsic index: 1 (exponential disc) or 4 (de Vaucouleurs). */
  readonly sersicN: Uint8Array;
  /** Minor-to-major axis ratio, (0, 1]. */
  readonly axisRatio: Float32Array;
  /** Major axis position angle, degrees east of north. */
  readonly paDeg: Float32Array;
  readonly length: number;
}

const BANDS = ['u', 'g', 'r', 'i', 'z', 'y'] as const;
const DISC_COLOUR: Record<string, number> = { u: 1.45, g: 0.45, r: 0, i: -0.25, z: -0.4, y: -0.5 };
const ELLIPTICAL_COLOUR: Record<string, number> = {
  u: 2.45,
  g: 0.75,
  r: 0,
  i: -0.4,
  z: -0.7,
  y: -0.85,
};
/** Slope of log10 dN/dm and its value at r = 24 (per deg² per mag). */
const COUNT_SLOPE = 0.36;
const LOG_COUNT_AT_24 = 4.45;

/** Galaxies per square degree brighter than `magLimit` (r), from the count model. */
export function galaxyDensityPerDeg2(magLimit: number): number {
  if (!(magLimit > GALAXY_BRIGHT_MAG)) return 0;
  const a = COUNT_SLOPE * Math.LN10;
  const at24 = 10 ** LOG_COUNT_AT_24;
  // ∫ at24 · 10^(slope (m − 24)) dm from the bright limit
  return (
    (at24 / a) *
    (10 ** (COUNT_SLOPE * (magLimit - 24)) - 10 ** (COUNT_SLOPE * (GALAXY_BRIGHT_MAG - 24)))
  );
}

interface Draws {
  id: number[];
  ra: number[];
  dec: number[];
  mags: number[][];
  re: number[];
  n: number[];
  q: number[];
  pa: number[];
}

function cellGalaxies(seed: number, magLimit: number, j: number, i: number, out: Draws): void {
  const { dec0, dec1, ra0, width, areaDeg2 } = cellExtent(j, i);
  const s0 = Math.sin((dec0 * Math.PI) / 180);
  const s1 = Math.sin((dec1 * Math.PI) / 180);
  const rng = new Prng(seed).fork(0x6a1, j, i);
  const count = poisson(rng, galaxyDensityPerDeg2(magLimit) * areaDeg2);
  const a = COUNT_SLOPE * Math.LN10;
  const lo = Math.exp(a * GALAXY_BRIGHT_MAG);
  const hi = Math.exp(a * magLimit);
  for (let k = 0; k < count; k++) {
    out.id.push(GALAXY_ID_OFFSET + (j * 100_000 + i) * 65536 + k);
    out.ra.push(ra0 + width * rng.next());
    out.dec.push((Math.asin(s0 + (s1 - s0) * rng.next()) * 180) / Math.PI);
    const r = Math.log(lo + (hi - lo) * rng.next()) / a;
    const pElliptical = Math.min(0.5, Math.max(0.15, 0.5 - 0.044 * (r - GALAXY_BRIGHT_MAG)));
    const elliptical = rng.next() < pElliptical;
    const colourScale = 1 + 0.15 * rng.gaussian();
    const colour = elliptical ? ELLIPTICAL_COLOUR : DISC_COLOUR;
    out.mags.push(BANDS.map((b) => r + colourScale * (colour[b] ?? 0)));
    const logRe =
      Math.log10(1.6) - 0.12 * (r - 20) + 0.15 * rng.gaussian() - (elliptical ? 0.1 : 0);
    out.re.push(Math.min(20, Math.max(0.1, 10 ** logRe)));
    out.n.push(elliptical ? 4 : 1);
    out.q.push(elliptical ? 0.5 + 0.5 * rng.next() : 0.15 + 0.85 * rng.next());
    out.pa.push(180 * rng.next());
  }
}

function emptyDraws(): Draws {
  return { id: [], ra: [], dec: [], mags: [], re: [], n: [], q: [], pa: [] };
}

function toCatalog(out: Draws): GalaxyCatalog {
  const length = out.ra.length;
  const mag: Record<string, Float32Array> = {};
  BANDS.forEach((b, bi) => {
    mag[b] = Float32Array.from(out.mags, (m) => m[bi]!);
  });
  return {
    id: Float64Array.from(out.id),
    ra: Float64Array.from(out.ra),
    dec: Float64Array.from(out.dec),
    mag,
    reArcsec: Float32Array.from(out.re),
    sersicN: Uint8Array.from(out.n),
    axisRatio: Float32Array.from(out.q),
    paDeg: Float32Array.from(out.pa),
    length,
  };
}

/** Every galaxy of one catalog cell (dec band `j`, RA cell `i`); none without a galaxy limit. */
export function galaxiesOfCell(sky: SkyModel, j: number, i: number): GalaxyCatalog {
  const out = emptyDraws();
  if (sky.galaxyMagLimit !== undefined) cellGalaxies(sky.seed, sky.galaxyMagLimit, j, i, out);
  return toCatalog(out);
}

/**
 * Every galaxy whose centre lies in `box`, or none when `sky.galaxyMagLimit` is absent.
 * Deterministic: the same seed gives the same galaxies whichever box asks for them.
 */
export function galaxiesInBox(sky: SkyModel, box: RaDecBox): GalaxyCatalog {
  const out = emptyDraws();
  const limit = sky.galaxyMagLimit;
  if (limit !== undefined) {
    const inBox = raDecBoxTest(box);
    forEachCellInBox(box, (j, i) => {
      const start = out.ra.length;
      cellGalaxies(sky.seed, limit, j, i, out);
      const columns: unknown[][] = [
        out.id,
        out.ra,
        out.dec,
        out.mags,
        out.re,
        out.n,
        out.q,
        out.pa,
      ];
      let w = start;
      for (let k = start; k < out.ra.length; k++) {
        if (!inBox(out.ra[k]!, out.dec[k]!)) continue;
        for (const c of columns) c[w] = c[k];
        w++;
      }
      for (const c of columns) c.length = w;
    });
  }
  return toCatalog(out);
}
