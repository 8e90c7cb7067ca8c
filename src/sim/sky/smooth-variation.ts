import type { Prng } from '../prng.js';

/** Periods of the components of {@link smoothVariation}, hours. */
const PERIODS_H = [0.75, 1.7, 3.4] as const;

/**
 * A deterministic, smoothly varying function of time with values in [−1, 1]: three
 * sinusoids with periods 0.75, 1.7 and 3.4 h, random phases and weights from `rng`. Weather
 * (seeing, cloud cover) changes on those time scales through a night.
 */
export function smoothVariation(rng: Prng): (utcMs: number) => number {
  const parts = PERIODS_H.map((p) => ({
    omega: (2 * Math.PI) / (p * 3_600_000),
    phase: rng.uniform(0, 2 * Math.PI),
    weight: rng.uniform(0.5, 1),
  }));
  const total = parts.reduce((s, p) => s + p.weight, 0);
  return (utcMs) =>
    parts.reduce((s, p) => s + p.weight * Math.sin(p.omega * utcMs + p.phase), 0) / total;
}
