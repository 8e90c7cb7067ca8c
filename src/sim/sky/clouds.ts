import { Prng } from '../prng.js';
import { smoothVariation } from './smooth-variation.js';

/** Share of nights with cloud; the others are photometric to within 2 %. */
const CLOUDY_NIGHT_FRACTION = 0.3;

/**
 * Cloud transparency through one night: the fraction of light that passes, (0, 1]. A night
 * is photometric (depth ≤ 2 %) or, with probability 0.3, has cirrus of depth 10–60 % whose
 * thickness varies smoothly over hours; transparency = 1 − depth × (0.5 + 0.5 v(t)) with
 * v a {@link smoothVariation}. Deterministic in (seed, night).
 */
export function transparencyOfNight(seed: number, night: number): (utcMs: number) => number {
  const rng = new Prng(seed).fork(0xc10d, night);
  const cloudy = rng.next() < CLOUDY_NIGHT_FRACTION;
  const depth = cloudy ? rng.uniform(0.1, 0.6) : rng.uniform(0, 0.02);
  const v = smoothVariation(rng);
  return (utcMs) => 1 - depth * (0.5 + 0.5 * v(utcMs));
}
