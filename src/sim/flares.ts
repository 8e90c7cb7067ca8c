import { Prng } from './prng.js';

/**
 * Stellar flares: a fraction of catalog stars (M-dwarf-like) flare, each flare an instantaneous
 * rise to `amplitude` × the quiescent flux followed by an exponential decay (Davenport-like in
 * shape, without the slower second decay). Drawn per star and per day from the seed: a star's
 * flares are the same in every visit and night, with a stable id `flare-<star>-<day>`. The
 * template shows the quiescent star, so a flare is a brightening on the difference.
 */

/** Fraction of catalog stars that flare. */
export const FLARE_STAR_FRACTION = 0.03;
/** Flares per flaring star per day (at most one per day bin). */
export const FLARE_RATE_PER_DAY = 0.5;
/** Peak brightening, magnitudes, and e-folding decay time, minutes: drawn uniformly. */
export const FLARE_PEAK_MAG: readonly [number, number] = [0.3, 3];
export const FLARE_DECAY_MIN: readonly [number, number] = [5, 60];
/** Below this fraction of the quiescent flux a flare is over. */
const FLARE_MIN_RATIO = 0.01;

/** A flare in progress: flux added, as a fraction of the star's quiescent flux. */
export interface FlareNow {
  readonly id: string;
  readonly fluxRatio: number;
}

function starStream(seed: number, id: number, salt: number, day: number): Prng {
  return new Prng(seed).fork(salt, id % 4294967296, Math.floor(id / 4294967296), day);
}

/**
 * The flare of star `id` in progress at `mjd` (UTC days), if any: the flares that began on
 * that day or the day before, summed (the later one names it).
 */
export function flareAt(seed: number, id: number, mjd: number): FlareNow | undefined {
  if (starStream(seed, id, 0xf1a, 0).next() >= FLARE_STAR_FRACTION) return undefined;
  const today = Math.floor(mjd);
  let ratio = 0;
  let name: string | undefined;
  for (const day of [today - 1, today]) {
    const rng = starStream(seed, id, 0xf1b, day);
    if (rng.next() >= FLARE_RATE_PER_DAY) continue;
    const start = day + rng.next();
    const peak = 10 ** (0.4 * rng.uniform(FLARE_PEAK_MAG[0], FLARE_PEAK_MAG[1])) - 1;
    const tauDays = rng.uniform(FLARE_DECAY_MIN[0], FLARE_DECAY_MIN[1]) / 1440;
    if (mjd < start) continue;
    const r = peak * Math.exp(-(mjd - start) / tauDays);
    if (r < FLARE_MIN_RATIO) continue;
    ratio += r;
    name = `flare-${id}-${day}`;
  }
  return name === undefined ? undefined : { id: name, fluxRatio: ratio };
}
