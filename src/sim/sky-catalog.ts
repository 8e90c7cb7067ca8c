import { Prng } from './prng.js';
import { starCountsAt } from './star-counts.js';

/** Size of a catalog cell in declination (and in RA × cos dec), degrees. */
export const CELL_DEG = 0.05;
/** Brightest catalog star, AB mag in r. */
export const BRIGHT_MAG = 14;

/** Stars of a sky region, as parallel arrays. Magnitudes are AB, per band. */
export interface StarCatalog {
  /** Stable id: (cell index × 65536 + index in the cell). */
  readonly id: Float64Array;
  /** Right ascension, degrees ICRS, [0, 360). */
  readonly ra: Float64Array;
  /** Declination, degrees ICRS. */
  readonly dec: Float64Array;
  /** AB magnitude per band (u g r i z y). */
  readonly mag: Readonly<Record<string, Float32Array>>;
  readonly length: number;
}

/** What defines the sky: the seed, the star density and the faint limits. */
export interface SkyModel {
  readonly seed: number;
  /**
   * Stars brighter than `magLimit` per square degree, the same everywhere with dN/dm ∝ 10^(0.3 m);
   * or `galactic`: by galactic position, with a slope to match (`star-counts.ts`).
   */
  readonly densityPerDeg2: number | 'galactic';
  /** Faintest star, AB mag in r. */
  readonly magLimit: number;
  /** Faintest galaxy, AB mag in r (`galaxy-catalog.ts`); absent: a sky without galaxies. */
  readonly galaxyMagLimit?: number;
  /** Supernovae per deg² per year (`supernovae.ts`); absent or 0: none. */
  readonly supernovaRatePerDeg2Yr?: number;
}

/** Band offsets from r for a colour c = g − r in [−0.2, 1.6] (a main-sequence-like locus). */
function colourOffsets(c: number): Record<string, number> {
  return { u: 1.3 * c + 0.9, g: c, r: 0, i: -0.4 * c, z: -0.6 * c - 0.02, y: -0.7 * c - 0.05 };
}

/** A Poisson draw of the given mean (normal approximation above 30). */
export function poisson(rng: Prng, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.gaussian()));
  const l = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

const BAND_KEYS = ['u', 'g', 'r', 'i', 'z', 'y'] as const;

/**
 * The stars of one cell (dec band `j`, RA cell `i`), drawn from the seed alone: any pointing
 * that covers the cell sees the same stars. Counts follow the sky model (uniform, or by galactic position).
 */
function cellStars(
  sky: SkyModel,
  j: number,
  i: number,
  out: { id: number[]; ra: number[]; dec: number[]; mags: number[][] },
): void {
  const { dec0, dec1, ra0, width, areaDeg2 } = cellExtent(j, i);
  const s0 = Math.sin((dec0 * Math.PI) / 180);
  const s1 = Math.sin((dec1 * Math.PI) / 180);
  const rng = new Prng(sky.seed).fork(0x5a7, j, i);
  const counts =
    sky.densityPerDeg2 === 'galactic'
      ? starCountsAt(ra0 + width / 2, (dec0 + dec1) / 2, sky.magLimit)
      : { densityPerDeg2: sky.densityPerDeg2, slope: 0.3 };
  const n = poisson(rng, counts.densityPerDeg2 * areaDeg2);
  const a = counts.slope * Math.LN10;
  const lo = Math.exp(a * BRIGHT_MAG);
  const hi = Math.exp(a * sky.magLimit);
  for (let k = 0; k < n; k++) {
    out.id.push((j * 100_000 + i) * 65536 + k);
    out.ra.push(ra0 + width * rng.next());
    out.dec.push((Math.asin(s0 + (s1 - s0) * rng.next()) * 180) / Math.PI);
    const r = Math.log(lo + (hi - lo) * rng.next()) / a;
    const off = colourOffsets(-0.2 + 1.8 * rng.next());
    out.mags.push(BAND_KEYS.map((b) => r + (off[b] ?? 0)));
  }
}

function raCells(j: number): number {
  const decMid = -90 + (j + 0.5) * CELL_DEG;
  return Math.max(1, Math.floor((360 * Math.cos((decMid * Math.PI) / 180)) / CELL_DEG));
}

/** An RA/Dec box, degrees: ra ∈ [raMin, raMax] (wraps when raMin > raMax), dec ∈ [decMin, decMax]. */
export interface RaDecBox {
  readonly raMin: number;
  readonly raMax: number;
  readonly decMin: number;
  readonly decMax: number;
}

/** Whether (ra, dec) degrees lies in `box`. */
export function raDecBoxTest(box: RaDecBox): (ra: number, dec: number) => boolean {
  const wraps = box.raMin > box.raMax;
  return (ra, dec) =>
    dec >= box.decMin &&
    dec <= box.decMax &&
    (wraps ? ra >= box.raMin || ra <= box.raMax : ra >= box.raMin && ra <= box.raMax);
}

/**
 * Calls `visit(j, i)` for every catalog cell (dec band `j`, RA cell `i`) that overlaps `box`;
 * every sky layer (stars, galaxies) draws its cell contents from the seed alone on this grid.
 */
export function forEachCellInBox(box: RaDecBox, visit: (j: number, i: number) => void): void {
  const j0 = Math.max(0, Math.floor((box.decMin + 90) / CELL_DEG));
  const j1 = Math.min(Math.round(180 / CELL_DEG) - 1, Math.floor((box.decMax + 90) / CELL_DEG));
  const wraps = box.raMin > box.raMax;
  for (let j = j0; j <= j1; j++) {
    const n = raCells(j);
    const cellOf = (ra: number): number =>
      Math.min(n - 1, Math.floor((((ra % 360) + 360) % 360) / (360 / n)));
    // a box spanning the whole circle (raMax − raMin ≥ 360, as near a pole) takes every cell:
    // cellOf(360) is cell 0 again
    const whole = !wraps && box.raMax - box.raMin >= 360;
    const first = whole ? 0 : cellOf(box.raMin);
    const last = cellOf(box.raMax);
    const count = whole ? n : wraps || last < first ? n - first + last + 1 : last - first + 1;
    for (let c = 0; c < Math.min(count, n); c++) visit(j, (first + c) % n);
  }
}

/** A catalog cell's extent: dec edges, RA start and width (degrees), area (deg²). */
export function cellExtent(
  j: number,
  i: number,
): { dec0: number; dec1: number; ra0: number; width: number; areaDeg2: number } {
  const dec0 = -90 + j * CELL_DEG;
  const dec1 = dec0 + CELL_DEG;
  const nRa = raCells(j);
  const width = 360 / nRa;
  const s0 = Math.sin((dec0 * Math.PI) / 180);
  const s1 = Math.sin((dec1 * Math.PI) / 180);
  const areaDeg2 = ((width * Math.PI) / 180) * (s1 - s0) * (180 / Math.PI) ** 2;
  return { dec0, dec1, ra0: (i * 360) / nRa, width, areaDeg2 };
}

/**
 * Every catalog star in the box ra ∈ [raMin, raMax] (degrees, may wrap: raMin > raMax),
 * dec ∈ [decMin, decMax]. Deterministic: the same seed gives the same stars everywhere.
 */
export function starsInBox(sky: SkyModel, box: RaDecBox): StarCatalog {
  const out = {
    id: [] as number[],
    ra: [] as number[],
    dec: [] as number[],
    mags: [] as number[][],
  };
  const inBox = raDecBoxTest(box);
  forEachCellInBox(box, (j, i) => {
    const start = out.ra.length;
    cellStars(sky, j, i, out);
    // Keep only stars inside the box (cells overhang it).
    let w = start;
    for (let k = start; k < out.ra.length; k++) {
      if (!inBox(out.ra[k]!, out.dec[k]!)) continue;
      out.id[w] = out.id[k]!;
      out.ra[w] = out.ra[k]!;
      out.dec[w] = out.dec[k]!;
      out.mags[w] = out.mags[k]!;
      w++;
    }
    out.id.length = out.ra.length = out.dec.length = out.mags.length = w;
  });
  const length = out.ra.length;
  const mag: Record<string, Float32Array> = {};
  BAND_KEYS.forEach((b, bi) => {
    const m = new Float32Array(length);
    for (let k = 0; k < length; k++) m[k] = out.mags[k]![bi]!;
    mag[b] = m;
  });
  return {
    id: Float64Array.from(out.id),
    ra: Float64Array.from(out.ra),
    dec: Float64Array.from(out.dec),
    mag,
    length,
  };
}

/** The bounding RA/Dec box of sky points plus a margin (degrees), RA wrap handled. */
export function boundingBox(
  ra: ArrayLike<number>,
  dec: ArrayLike<number>,
  marginDeg: number,
): { raMin: number; raMax: number; decMin: number; decMax: number } {
  let decMin = Infinity;
  let decMax = -Infinity;
  for (let k = 0; k < dec.length; k++) {
    decMin = Math.min(decMin, dec[k]!);
    decMax = Math.max(decMax, dec[k]!);
  }
  // RA relative to the first point, in (−180, 180], so a box across 0h stays small.
  const ref = ra[0] ?? 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < ra.length; k++) {
    const d = ((((ra[k]! - ref) % 360) + 540) % 360) - 180;
    lo = Math.min(lo, d);
    hi = Math.max(hi, d);
  }
  const cosDec = Math.max(
    0.05,
    Math.cos((Math.max(Math.abs(decMin), Math.abs(decMax)) * Math.PI) / 180),
  );
  const raMargin = marginDeg / cosDec;
  const norm = (x: number): number => ((x % 360) + 360) % 360;
  if (hi - lo + 2 * raMargin >= 360 || decMax + marginDeg >= 90 || decMin - marginDeg <= -90) {
    return {
      raMin: 0,
      raMax: 360,
      decMin: Math.max(-90, decMin - marginDeg),
      decMax: Math.min(90, decMax + marginDeg),
    };
  }
  return {
    raMin: norm(ref + lo - raMargin),
    raMax: norm(ref + hi + raMargin),
    decMin: decMin - marginDeg,
    decMax: decMax + marginDeg,
  };
}
