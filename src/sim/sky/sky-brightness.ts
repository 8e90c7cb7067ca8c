import { DARK_SKY_MAG, EXTINCTION_MAG_PER_AIRMASS } from '../photometry.js';
import { DEG, finiteOrThrow } from './sky-input.js';

/** What decides the sky brightness toward a target. */
export interface SkyGeometry {
  readonly band: string;
  /** Geometric altitude of the target, degrees (> 0). */
  readonly targetAltDeg: number;
  /** Geometric altitude of the Sun, degrees. */
  readonly sunAltDeg: number;
  /** Topocentric altitude of the Moon, degrees (no moonlight below 0). */
  readonly moonAltDeg: number;
  /** Sun–Moon–Earth phase angle, degrees [0, 180], 0 = full. */
  readonly moonPhaseAngleDeg: number;
  /** Angular distance from the target to the Moon, degrees. */
  readonly moonSeparationDeg: number;
}

/** Sky surface brightness toward a target and its parts, AB mag/arcsec² (Infinity = none). */
export interface SkyBrightness {
  readonly magPerArcsec2: number;
  readonly darkMag: number;
  readonly moonMag: number;
  readonly twilightMag: number;
}

/**
 * Absolute AB magnitudes of the Sun through Rubin's bands and Johnson V (Willmer 2018, ApJS
 * 236, 47): moonlight is reflected sunlight, so its colours follow the Sun's.
 */
const SUN_AB_MAG: Readonly<Record<string, number>> = {
  u: 6.27,
  g: 5.06,
  r: 4.64,
  i: 4.52,
  z: 4.51,
  y: 4.5,
};
const SUN_AB_V = 4.81;

/** Krisciunas & Schaefer's sky-path air mass X(Z) = (1 − 0.96 sin² Z)^−½, Z zenith angle. */
function ksAirmass(zenithDeg: number): number {
  const s = Math.sin(Math.min(90, Math.max(0, zenithDeg)) * DEG);
  return 1 / Math.sqrt(1 - 0.96 * s * s);
}

/**
 * Scattered moonlight, nanolamberts, by Krisciunas & Schaefer (1991, PASP 103, 1033), eqs.
 * 8–21: the Moon's illuminance I* from the phase angle α, the scattering function f(ρ)
 * (Rayleigh + Mie) at Moon–target distance ρ, extinction of the moonlight along the Moon's
 * path and the fraction scattered along the target's. `k` is the band's extinction, mag per
 * airmass (K&S calibrated V with k ≈ 0.17; other bands use their own k). The model's quoted
 * accuracy is 8–23 % in V for ρ > 10°.
 */
export function moonlightNanoLamberts(
  k: number,
  phaseAngleDeg: number,
  separationDeg: number,
  moonZenithDeg: number,
  targetZenithDeg: number,
): number {
  if (moonZenithDeg >= 90) return 0;
  const a = Math.abs(phaseAngleDeg);
  const iStar = Math.pow(10, -0.4 * (3.84 + 0.026 * a + 4e-9 * a ** 4));
  const rho = Math.max(1, separationDeg);
  const c = Math.cos(rho * DEG);
  const f =
    rho >= 10
      ? Math.pow(10, 5.36) * (1.06 + c * c) + Math.pow(10, 6.15 - rho / 40)
      : 6.2e7 / (rho * rho);
  return (
    f *
    iStar *
    Math.pow(10, -0.4 * k * ksAirmass(moonZenithDeg)) *
    (1 - Math.pow(10, -0.4 * k * ksAirmass(targetZenithDeg)))
  );
}

/** Nanolamberts → V mag/arcsec² (Krisciunas & Schaefer eq. 1 inverted). */
function nanoLambertsToMag(b: number): number {
  return (20.7233 - Math.log(b / 34.08)) / 0.92104;
}

/**
 * Twilight at the zenith when the Sun is at −12°, in units of the band's dark zenith sky,
 * and its e-folding per degree of solar altitude (22 rad⁻¹, the slope Rubin's sky model fits
 * to twilight at Cerro Pachón: Yoachim et al. 2016, SPIE 9910). The amplitudes are our
 * approximation (twilight is solar-coloured, so it stands out most over the faint blue dark
 * sky and least over the OH-bright red one), not a fit: in r, −12° twilight doubles the dark
 * sky (0.75 mag brighter) and at −18° adds 10 % to it.
 */
const TWILIGHT_AT_12: Readonly<Record<string, number>> = {
  u: 1.6,
  g: 1.6,
  r: 1.0,
  i: 0.8,
  z: 0.6,
  y: 0.5,
};
const TWILIGHT_PER_DEG = 22 * DEG;

function mag(flux: number): number {
  return flux > 0 ? -2.5 * Math.log10(flux) : Number.POSITIVE_INFINITY;
}

/**
 * Sky brightness toward a target, AB mag/arcsec², in a Rubin band: the dark sky at zenith
 * from SMTN-002 ({@link DARK_SKY_MAG}), brightened toward the horizon as X·10^(−0.4k(X−1))
 * (van Rhijn path × extinction, K&S eq. 2); plus scattered moonlight (K&S 1991, V-band model
 * with the band's extinction, coloured like the Sun); plus twilight (an exponential in the
 * Sun's altitude, see TWILIGHT_AT_12). At zenith with the Moon down it equals the fiducial
 * dark sky once the Sun is below −24°, and is within 10 % of it below −18°.
 */
export function skyBrightness(g: SkyGeometry): SkyBrightness {
  const dark0 = DARK_SKY_MAG[g.band] ?? 21;
  const k = EXTINCTION_MAG_PER_AIRMASS[g.band] ?? 0.1;
  const zenith = 90 - finiteOrThrow('target altitude', g.targetAltDeg);
  const x = ksAirmass(zenith);
  const darkFlux = Math.pow(10, -0.4 * dark0) * x * Math.pow(10, -0.4 * k * (x - 1));
  const bMoon = moonlightNanoLamberts(
    k,
    finiteOrThrow('moon phase angle', g.moonPhaseAngleDeg),
    finiteOrThrow('moon separation', g.moonSeparationDeg),
    90 - finiteOrThrow('moon altitude', g.moonAltDeg),
    zenith,
  );
  const moonMag =
    bMoon > 0
      ? nanoLambertsToMag(bMoon) + (SUN_AB_MAG[g.band] ?? SUN_AB_V) - SUN_AB_V
      : Number.POSITIVE_INFINITY;
  const moonFlux = Number.isFinite(moonMag) ? Math.pow(10, -0.4 * moonMag) : 0;
  const sunAlt = finiteOrThrow('sun altitude', g.sunAltDeg);
  const twilightFlux =
    sunAlt > -24
      ? Math.pow(10, -0.4 * dark0) *
        (TWILIGHT_AT_12[g.band] ?? 3) *
        Math.exp((sunAlt + 12) * TWILIGHT_PER_DEG) *
        x
      : 0;
  return {
    magPerArcsec2: mag(darkFlux + moonFlux + twilightFlux),
    darkMag: mag(darkFlux),
    moonMag,
    twilightMag: mag(twilightFlux),
  };
}
