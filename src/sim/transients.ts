import { mjdOf } from '../core/time.js';
import { Prng } from './prng.js';

/** Kinds of truth the simulator records. */
export type TruthKind = 'variable' | 'new' | 'moving' | 'supernova' | 'flare';

/** One injected or varying source as seen in one snap, with everything needed to score it. */
export interface TruthSource {
  readonly kind: TruthKind;
  /**
   * Stable id: `var-<star id>`, `new-<visit>-<detector>-<k>`, `sso-<ssObjectId>` (an asteroid,
   * the same in every visit and night of its population bin, `asteroids/`),
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
  /** Moving objects: the asteroid's id (the APDB's ssObjectId) and whether the known-movers catalog has it. */
  readonly ssObjectId?: number;
  readonly known?: boolean;
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

/**
 * New sources of one visit-detector: `count` point sources that are not in the template.
 * (Moving objects are the sky's asteroids, `asteroids/`, no longer drawn per visit-detector.)
 */
export function visitTransients(options: {
  seed: number;
  visit: number;
  detector: number;
  count: number;
  width: number;
  height: number;
}): { newSources: NewSource[] } {
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
  return { newSources };
}

/** MJD (UTC) of mid-exposure. */
export function midExposureMjd(openMs: number, exposureS: number): number {
  return mjdOf(openMs + exposureS * 500);
}
