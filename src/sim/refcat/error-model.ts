/**
 * How the simulated reference catalog errs: a Gaia-DR3-like astrometric solution at epoch
 * J2016.0 with Pan-STARRS1-like grizy photometry, the combination Rubin's refcats are made
 * of. Every function is pure; the catalog draws its noise with exactly the errors given here.
 *
 * Astrometry (Gaia DR3; Lindegren et al. 2021, A&A 649, A2, §4): the parallax error of the
 * Gaia science-performance formula σϖ = √(40 + 800 z + 30 z²) µas, z = 10^(0.4 (max(G,
 * 12.09) − 15)), matches DR3's (0.02–0.03 mas at G ≤ 15, 0.07 at 17, 0.5 at 20, 1.3 at 21);
 * DR3's position errors at the reference epoch are ≈ 0.8 σϖ (0.01–0.02, 0.05, 0.4, 1.0 mas)
 * and its proper-motion errors ≈ 1.1 σϖ per year (0.02–0.03, 0.07, 0.5, 1.4 mas/yr). Each
 * star's errors scatter around those by a log-normal factor of 0.1 dex (scan-law coverage).
 *
 * Photometry (PS1 3π; Chambers et al. 2016, arXiv:1612.05560, table 11): σ = √(σ_floor² +
 * (1.0857 / S/N)²) with S/N = 5 × 10^(−0.4 (m − m5)), m5 the 5σ depth per band (g 23.3,
 * r 23.2, i 23.1, z 22.3, y 21.4) and a 0.01 mag calibration floor; a band fainter than its
 * m5 is not measured (NaN). No u band, as in PS1.
 *
 * Selection: Gaia-like, on G. Completeness C(G) = 0.995 / (1 + exp((G − 20.7) / 0.2)),
 * nothing fainter than G 21: 99.5 % at G ≤ 19, 98 % at 19.8, 92 % at 20.2, 50 % at 20.7,
 * 18 % at 21;
 * the 0.5 % missing at all magnitudes stands for close pairs Gaia does not resolve.
 */

/** Reference epoch of positions, Julian years (TT), as Gaia DR3. */
export const REFCAT_EPOCH_JYEAR = 2016.0;

/** Bands the catalog carries (PS1's grizy). */
export const REFCAT_BANDS = ['g', 'r', 'i', 'z', 'y'] as const;
export type RefcatBand = (typeof REFCAT_BANDS)[number];

/** 5σ point-source depth per band, AB mag (PS1 3π stack, Chambers et al. 2016). */
export const REFCAT_DEPTH_5SIGMA: Readonly<Record<RefcatBand, number>> = {
  g: 23.3,
  r: 23.2,
  i: 23.1,
  z: 22.3,
  y: 21.4,
};

/** Calibration floor of every magnitude error, mag. */
export const PHOTOMETRIC_FLOOR_MAG = 0.01;

/** Faintest G the catalog holds, mag. */
export const REFCAT_G_LIMIT = 21;
/** G at which half the stars are in the catalog, mag. */
export const REFCAT_G_HALF = 20.7;
/** Width of the completeness roll-off, mag. */
export const REFCAT_G_WIDTH = 0.2;
/** Completeness of bright stars (close pairs go missing). */
export const REFCAT_BRIGHT_COMPLETENESS = 0.995;

/** Scatter of a star's stated astrometric errors about the mean relation, dex. */
export const ASTROMETRIC_ERROR_SCATTER_DEX = 0.1;

/**
 * Gaia G of a star from its r and g − r, AB mag: G ≈ r − 0.15 (g − r) − 0.05, a rough linear
 * stand-in (G's broad band sits between r and i for most stars) used only to set the
 * astrometric errors and the selection.
 */
export function gaiaG(r: number, g: number): number {
  return r - 0.15 * (g - r) - 0.05;
}

/** Gaia DR3-like parallax error, mas, at magnitude G. */
export function parallaxErrorMas(g: number): number {
  const z = Math.pow(10, 0.4 * (Math.max(g, 12.09) - 15));
  return Math.sqrt(40 + 800 * z + 30 * z * z) / 1000;
}

/** Position error per coordinate (σα* = σα cos δ, σδ) at the reference epoch, mas. */
export function positionErrorMas(g: number): number {
  return 0.8 * parallaxErrorMas(g);
}

/** Proper-motion error per component (σμα*, σμδ), mas/yr. */
export function properMotionErrorMasPerYr(g: number): number {
  return 1.1 * parallaxErrorMas(g);
}

/** Magnitude error in `band` of a star of true AB magnitude `mag`; NaN when not measured. */
export function magnitudeError(band: RefcatBand, mag: number): number {
  const m5 = REFCAT_DEPTH_5SIGMA[band];
  if (!(mag <= m5)) return Number.NaN;
  const snr = 5 * Math.pow(10, -0.4 * (mag - m5));
  return Math.hypot(PHOTOMETRIC_FLOOR_MAG, 1.0857 / snr);
}

/** Probability that a star of magnitude G is in the catalog, [0, 1]. */
export function completeness(g: number): number {
  if (g > REFCAT_G_LIMIT) return 0;
  return REFCAT_BRIGHT_COMPLETENESS / (1 + Math.exp((g - REFCAT_G_HALF) / REFCAT_G_WIDTH));
}

/**
 * σ of a catalog position propagated `dtYears` from the reference epoch with the catalog's
 * own proper motion, mas: √(σ_pos² + (Δt σ_μ)²) per coordinate.
 */
export function propagatedPositionErrorMas(
  positionErrMas: number,
  pmErrMasPerYr: number,
  dtYears: number,
): number {
  return Math.hypot(positionErrMas, dtYears * pmErrMasPerYr);
}
