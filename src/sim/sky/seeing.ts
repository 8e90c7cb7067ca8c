import { EFFECTIVE_WAVELENGTH_NM } from '../photometry.js';
import { Prng } from '../prng.js';
import { smoothVariation } from './smooth-variation.js';

/**
 * Delivered PSF FWHM, arcseconds, of atmospheric seeing `zenith500Arcsec` (FWHM at zenith
 * and 500 nm) at airmass `airmass` in `band`: Kolmogorov turbulence scales it as
 * X^0.6 × (λ / 500 nm)^−0.2.
 */
export function deliveredSeeingArcsec(
  zenith500Arcsec: number,
  airmass: number,
  band: string,
): number {
  const lambda = EFFECTIVE_WAVELENGTH_NM[band] ?? 620;
  return zenith500Arcsec * Math.pow(airmass, 0.6) * Math.pow(lambda / 500, -0.2);
}

/** Spread (σ of ln FWHM) of the night-to-night, within-night and visit-to-visit seeing. */
const SIGMA_NIGHT = 0.2;
const SIGMA_DRIFT = 0.12;
const SIGMA_VISIT = 0.06;

/**
 * Zenith seeing at 500 nm through one night, arcseconds: lognormal about `medianArcsec`
 * (Rubin's site: ~0.7″), ln FWHM = ln median + a night offset (σ 0.2) + a smooth drift over
 * hours (amplitude 0.12) + a per-visit jitter (σ 0.06), so consecutive visits have similar
 * seeing. Deterministic in (seed, night, visit key).
 */
export function seeingOfNight(
  seed: number,
  night: number,
  medianArcsec: number,
): (utcMs: number, visitKey: number) => number {
  const rng = new Prng(seed).fork(0x5ee1, night);
  const offset = SIGMA_NIGHT * rng.gaussian();
  const drift = smoothVariation(rng);
  return (utcMs, visitKey) => {
    const jitter = SIGMA_VISIT * new Prng(seed).fork(0x5ee2, night, visitKey).gaussian();
    return medianArcsec * Math.exp(offset + SIGMA_DRIFT * drift(utcMs) + jitter);
  };
}
