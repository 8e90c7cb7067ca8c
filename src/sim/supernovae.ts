import { galaxiesOfCell } from './galaxy-catalog.js';
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
 * Supernova-like transients of the simulated sky: each has a host galaxy (when its catalog cell
 * has one), a position offset from the host's centre, a peak time and a light curve, and a
 * stable id, so the same explosion is seen in every visit and night that covers it — what
 * association and alert history need.
 *
 * Drawn per catalog cell and per {@link EPOCH_BIN_DAYS}-day bin of peak time from the seed
 * alone: Poisson(rate × cell area × bin length) in each; peak r magnitude uniform in
 * [19.5, 25.5] (so some stay below the 5σ limit), rise τ_r ∈ [2, 6] d and fall τ_f ∈ [15, 40] d
 * of a Bazin light curve f(t) ∝ e^{−(t−t₀)/τ_f} / (1 + e^{−(t−t₀)/τ_r}), colours (offset from r
 * at peak) u +0.8, g +0.1, i +0.15, z +0.35, y +0.5, each ± 0.1. The host is a uniform pick
 * among the cell's galaxies, the offset exponential in radius with scale 0.6 r_e along the
 * host's shape; a cell without galaxies gives hostless events at random places. The rate is a
 * setting (`sim.supernovaRatePerDeg2Yr`): Rubin expects tens per deg² per year brighter than 24;
 * the default is far higher so every detector has a few to score.
 */

/** Peak times are drawn in bins of this many days (MJD / bin, floored). */
export const EPOCH_BIN_DAYS = 100;
/** A supernova is drawn from this many days before its peak … */
export const VISIBLE_BEFORE_PEAK_DAYS = 30;
/** … to this many days after. */
export const VISIBLE_AFTER_PEAK_DAYS = 150;

/** One supernova: where, when and how bright. */
export interface Supernova {
  /** Stable id: `sn-<cell j>-<cell i>-<bin>-<k>`. */
  readonly id: string;
  /** Host galaxy id, or undefined for a hostless event. */
  readonly hostId?: number;
  /** Position, degrees ICRS. */
  readonly ra: number;
  readonly dec: number;
  /** Time of peak brightness, MJD (UTC). */
  readonly peakMjd: number;
  /** Peak AB magnitude in r. */
  readonly peakMag: number;
  /** Bazin rise and fall times, days (τ_f > τ_r). */
  readonly riseDays: number;
  readonly fallDays: number;
  /** Colour at peak, magnitudes added to `peakMag` per band. */
  readonly colour: Readonly<Record<string, number>>;
}

const BANDS = ['u', 'g', 'r', 'i', 'z', 'y'] as const;
const COLOUR: Record<string, number> = { u: 0.8, g: 0.1, r: 0, i: 0.15, z: 0.35, y: 0.5 };

function bazin(t: number, sn: Supernova): number {
  // t₀ places the maximum of f at the peak time
  const t0 = sn.peakMjd - sn.riseDays * Math.log(sn.fallDays / sn.riseDays - 1);
  return Math.exp(-(t - t0) / sn.fallDays) / (1 + Math.exp(-(t - t0) / sn.riseDays));
}

/**
 * AB magnitude of `sn` in `band` at `mjd`, or undefined when it is fainter than 1/1000 of its
 * peak (before it rose, or long after).
 */
export function supernovaMag(sn: Supernova, band: string, mjd: number): number | undefined {
  if (mjd < sn.peakMjd - VISIBLE_BEFORE_PEAK_DAYS || mjd > sn.peakMjd + VISIBLE_AFTER_PEAK_DAYS) {
    return undefined;
  }
  const rel = bazin(mjd, sn) / bazin(sn.peakMjd, sn);
  if (!(rel > 1e-3)) return undefined;
  return sn.peakMag + (sn.colour[band] ?? sn.colour.r ?? 0) - 2.5 * Math.log10(rel);
}

function cellSupernovae(
  sky: SkyModel,
  ratePerDeg2Yr: number,
  j: number,
  i: number,
  bin: number,
  out: Supernova[],
): void {
  const { dec0, dec1, ra0, width, areaDeg2 } = cellExtent(j, i);
  const rng = new Prng(sky.seed).fork(0x5e1, j, i, bin);
  const n = poisson(rng, (ratePerDeg2Yr * areaDeg2 * EPOCH_BIN_DAYS) / 365.25);
  if (n === 0) return;
  const hosts = galaxiesOfCell(sky, j, i);
  for (let k = 0; k < n; k++) {
    const peakMjd = (bin + rng.next()) * EPOCH_BIN_DAYS;
    const peakMag = rng.uniform(19.5, 25.5);
    const riseDays = rng.uniform(2, 6);
    const fallDays = rng.uniform(15, 40);
    const colour = Object.fromEntries(
      BANDS.map((b) => [b, b === 'r' ? 0 : COLOUR[b]! + 0.1 * rng.gaussian()]),
    );
    const id = `sn-${j}-${i}-${bin}-${k}`;
    const base = { id, peakMjd, peakMag, riseDays, fallDays, colour };
    if (hosts.length === 0) {
      const s0 = Math.sin((dec0 * Math.PI) / 180);
      const s1 = Math.sin((dec1 * Math.PI) / 180);
      out.push({
        ...base,
        ra: ra0 + width * rng.next(),
        dec: (Math.asin(s0 + (s1 - s0) * rng.next()) * 180) / Math.PI,
      });
      continue;
    }
    const h = Math.min(hosts.length - 1, Math.floor(rng.next() * hosts.length));
    // offset along the host's shape: major axis r·cos φ, minor r·q·sin φ (arcsec)
    const r = -Math.log(1 - rng.next()) * 0.6 * hosts.reArcsec[h]!;
    const phi = 2 * Math.PI * rng.next();
    const major = r * Math.cos(phi);
    const minor = r * hosts.axisRatio[h]! * Math.sin(phi);
    const pa = (hosts.paDeg[h]! * Math.PI) / 180;
    // major axis towards (east, north) = (sin pa, cos pa); minor axis (cos pa, −sin pa)
    const east = major * Math.sin(pa) + minor * Math.cos(pa);
    const north = major * Math.cos(pa) - minor * Math.sin(pa);
    const dec = hosts.dec[h]! + north / 3600;
    const cos = Math.max(1e-6, Math.cos((hosts.dec[h]! * Math.PI) / 180));
    out.push({
      ...base,
      hostId: hosts.id[h]!,
      ra: (((hosts.ra[h]! + east / 3600 / cos) % 360) + 360) % 360,
      dec,
    });
  }
}

/**
 * Every supernova in `box` that is visible at `mjd` (between {@link VISIBLE_BEFORE_PEAK_DAYS}
 * before and {@link VISIBLE_AFTER_PEAK_DAYS} after its peak); none when the sky has no rate.
 */
export function supernovaeInBox(sky: SkyModel, box: RaDecBox, mjd: number): Supernova[] {
  const rate = sky.supernovaRatePerDeg2Yr ?? 0;
  if (!(rate > 0)) return [];
  const first = Math.floor((mjd - VISIBLE_AFTER_PEAK_DAYS) / EPOCH_BIN_DAYS);
  const last = Math.floor((mjd + VISIBLE_BEFORE_PEAK_DAYS) / EPOCH_BIN_DAYS);
  const inBox = raDecBoxTest(box);
  const out: Supernova[] = [];
  forEachCellInBox(box, (j, i) => {
    const drawn: Supernova[] = [];
    for (let bin = first; bin <= last; bin++) cellSupernovae(sky, rate, j, i, bin, drawn);
    for (const sn of drawn) {
      if (!inBox(sn.ra, sn.dec)) continue;
      if (mjd < sn.peakMjd - VISIBLE_BEFORE_PEAK_DAYS) continue;
      if (mjd > sn.peakMjd + VISIBLE_AFTER_PEAK_DAYS) continue;
      out.push(sn);
    }
  });
  return out;
}
