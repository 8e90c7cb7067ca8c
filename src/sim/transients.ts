import { mjdOf } from '../core/time.js';
import { pixToSkyPoint, skyToPix, type CelestialWcs } from '../wcs/index.js';
import { Prng } from './prng.js';

/** Kinds of truth the simulator records. */
export type TruthKind = 'variable' | 'new' | 'moving' | 'supernova' | 'flare';

/** One injected or varying source as seen in one snap, with everything needed to score it. */
export interface TruthSource {
  readonly kind: TruthKind;
  /**
   * Stable id: `var-<star id>`, `new-<visit>-<detector>-<k>`, `sso-<visit>-<detector>-<k>`,
   * `sn-<cell>-<bin>-<k>` (the same supernova in every visit and night, `supernovae.ts`),
   * `flare-<star id>-<day>` (`flares.ts`).
   */
  readonly id: string;
  /** Position at mid-exposure, degrees ICRS. */
  readonly ra: number;
  readonly dec: number;
  /** Position at mid-exposure, 0-based detector pixels. */
  readonly x: number;
  readonly y: number;
  /** AB magnitude in the visit's band at mid-exposure. */
  readonly mag: number;
  /** Electrons collected in the snap (before the flat). */
  readonly fluxE: number;
  /** Mid-exposure, MJD (UTC); for supernovae at the site's true time. */
  readonly mjd: number;
  /** Supernovae: the host galaxy's id (`galaxy-catalog.ts`), absent for a hostless one. */
  readonly hostId?: number;
  /** The magnitude the deep template shows (variables: mean; others: absent = undefined). */
  readonly templateMag?: number;
  /** Moving objects: rate of motion, degrees per day, and position angle (N through E). */
  readonly rateDegPerDay?: number;
  readonly paDeg?: number;
}

/** Fraction of catalog stars that vary. */
export const VARIABLE_FRACTION = 0.04;

/** Whether catalog star `id` is variable, and if so its amplitude (mag), period (d), phase. */
export function variability(
  seed: number,
  id: number,
): { amplitudeMag: number; periodDays: number; phase: number } | undefined {
  const rng = new Prng(seed).fork(0x7a71, id % 4294967296, Math.floor(id / 4294967296));
  if (rng.next() >= VARIABLE_FRACTION) return undefined;
  return {
    amplitudeMag: rng.uniform(0.1, 0.8),
    periodDays: Math.exp(rng.uniform(Math.log(0.05), Math.log(5))),
    phase: rng.next(),
  };
}

/** Magnitude of a variable at `mjd`: mean + A sin(2π(t/P + φ)). */
export function variableMag(
  meanMag: number,
  v: { amplitudeMag: number; periodDays: number; phase: number },
  mjd: number,
): number {
  return meanMag + v.amplitudeMag * Math.sin(2 * Math.PI * (mjd / v.periodDays + v.phase));
}

/** A new point source injected into one visit-detector (it is not in the template). */
export interface NewSource {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly mag: number;
}

/** A moving object crossing one visit-detector: position at the visit's start and its motion. */
export interface MovingObject {
  readonly id: string;
  readonly ra0: number;
  readonly dec0: number;
  /** Reference time of ra0/dec0, ms UTC. */
  readonly t0Ms: number;
  readonly rateDegPerDay: number;
  readonly paDeg: number;
  readonly mag: number;
}

/** Transients of one visit-detector: `count` new sources and `count` moving objects. */
export function visitTransients(options: {
  seed: number;
  visit: number;
  detector: number;
  count: number;
  width: number;
  height: number;
  wcs: CelestialWcs;
  startMs: number;
}): { newSources: NewSource[]; moving: MovingObject[] } {
  const { seed, visit, detector, count, width, height } = options;
  const nrng = new Prng(seed).fork(0x7e3, visit, detector);
  const margin = Math.min(10, width / 4, height / 4);
  const newSources: NewSource[] = [];
  for (let k = 0; k < count; k++) {
    newSources.push({
      id: `new-${visit}-${detector}-${k}`,
      x: nrng.uniform(margin, width - margin),
      y: nrng.uniform(margin, height - margin),
      mag: nrng.uniform(18.5, 22),
    });
  }
  const mrng = new Prng(seed).fork(0x50b, visit, detector);
  const moving: MovingObject[] = [];
  for (let k = 0; k < count; k++) {
    const { ra: ra0, dec: dec0 } = pixToSkyPoint(
      options.wcs,
      mrng.uniform(margin, width - margin),
      mrng.uniform(margin, height - margin),
    );
    moving.push({
      id: `sso-${visit}-${detector}-${k}`,
      ra0,
      dec0,
      t0Ms: options.startMs,
      rateDegPerDay: mrng.uniform(0.2, 1.0),
      paDeg: mrng.uniform(0, 360),
      mag: mrng.uniform(18.5, 21.5),
    });
  }
  return { newSources, moving };
}

/** Sky position of a moving object at `tMs`, degrees (small-angle linear motion). */
export function movingPosition(m: MovingObject, tMs: number): [number, number] {
  const days = (tMs - m.t0Ms) / 86_400_000;
  const pa = (m.paDeg * Math.PI) / 180;
  const dDec = m.rateDegPerDay * days * Math.cos(pa);
  const dRa = (m.rateDegPerDay * days * Math.sin(pa)) / Math.cos((m.dec0 * Math.PI) / 180);
  return [(m.ra0 + dRa + 360) % 360, m.dec0 + dDec];
}

/**
 * Pixel positions of a moving object sampled through an exposure (`n` equal steps between
 * shutter open and close), for drawing its trail.
 */
export function movingTrail(
  m: MovingObject,
  wcs: CelestialWcs,
  openMs: number,
  closeMs: number,
  n: number,
): { x: Float64Array; y: Float64Array } {
  const ra = new Float64Array(n);
  const dec = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [a, d] = movingPosition(m, openMs + ((i + 0.5) / n) * (closeMs - openMs));
    ra[i] = a;
    dec[i] = d;
  }
  return skyToPix(wcs, ra, dec, { onDivergence: 'nan' });
}

/** MJD (UTC) of mid-exposure. */
export function midExposureMjd(openMs: number, exposureS: number): number {
  return mjdOf(openMs + exposureS * 500);
}
