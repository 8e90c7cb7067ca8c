/**
 * Photometric constants of the simulated Rubin system, per band, from Rubin's systems
 * engineering throughputs (syseng_throughputs v1.9, as tabulated in SMTN-002 and in
 * rubin_sim's `SysEngVals`): the AB magnitude giving 1 e⁻/s at airmass 1 (6.42 m effective
 * aperture, 0.2″ pixels), the dark-sky zenith brightness, the atmospheric extinction and
 * the effective wavelengths; and the detector's full well.
 *
 * These replace earlier round values (zero points 0.0–0.4 mag low, sky about half as bright
 * as Rubin's in g–y). The LSST overview paper (Ivezić et al. 2019, ApJ 873, 111, table 2)
 * quotes the same dark sky to within 0.06 mag.
 */
export const BANDS = ['u', 'g', 'r', 'i', 'z', 'y'] as const;

/** AB magnitude of a source giving 1 e⁻/s in total at airmass 1, per band (SMTN-002 Zp_t). */
export const ZERO_POINT_MAG: Readonly<Record<string, number>> = {
  u: 26.524,
  g: 28.508,
  r: 28.361,
  i: 28.171,
  z: 27.782,
  y: 26.818,
};

/** Dark-sky brightness at zenith (new Moon, Sun below −18°), AB mag/arcsec², per band (SMTN-002). */
export const DARK_SKY_MAG: Readonly<Record<string, number>> = {
  u: 23.052,
  g: 22.254,
  r: 21.198,
  i: 20.463,
  z: 19.606,
  y: 18.602,
};

/** Atmospheric extinction at Cerro Pachón, mag per unit airmass, per band (SMTN-002 kAtm). */
export const EXTINCTION_MAG_PER_AIRMASS: Readonly<Record<string, number>> = {
  u: 0.47,
  g: 0.213,
  r: 0.126,
  i: 0.096,
  z: 0.068,
  y: 0.171,
};

/** Effective wavelength of each band, nm (Rubin filters, SMTN-002). */
export const EFFECTIVE_WAVELENGTH_NM: Readonly<Record<string, number>> = {
  u: 367.1,
  g: 482.7,
  r: 622.3,
  i: 755.6,
  z: 869.1,
  y: 971.7,
};

/** Electrons per second per arcsec² of a surface brightness `magPerArcsec2` (AB) in `band`. */
export function electronsPerArcsec2(band: string, magPerArcsec2: number): number {
  return Math.pow(10, -0.4 * (magPerArcsec2 - (ZERO_POINT_MAG[band] ?? 28)));
}

/**
 * Dark-sky background at zenith on 0.2″ pixels, e⁻ per pixel per second, per band:
 * u 0.98, g 12.7, r 29.3, i 48.5, z 74.5, y 77.4 (× 30 s: the sky counts of a 2 × 15 s visit).
 */
export const SKY_E_PER_S: Readonly<Record<string, number>> = Object.fromEntries(
  BANDS.map((b) => [b, electronsPerArcsec2(b, DARK_SKY_MAG[b]!) * 0.04]),
);

/** Full well of a pixel, e⁻: charge above it bleeds along the column. */
export const FULL_WELL_E = 150_000;

/** Electrons collected from a source of AB magnitude `mag` in `band` over `seconds` (airmass 1). */
export function electronsOf(mag: number, band: string, seconds: number): number {
  return Math.pow(10, -0.4 * (mag - (ZERO_POINT_MAG[band] ?? 28))) * seconds;
}

/**
 * Sky electrons per pixel for `seconds` in `band` on pixels `pixelScaleArcsec` wide: of the
 * given sky brightness (AB mag/arcsec², e.g. a visit's moon- and twilight-lit sky from
 * `sky/sky-brightness.ts`), or of the dark zenith sky when none is given.
 */
export function skyElectrons(
  band: string,
  seconds: number,
  pixelScaleArcsec = 0.2,
  skyMagPerArcsec2: number = DARK_SKY_MAG[band] ?? 21,
): number {
  return electronsPerArcsec2(band, skyMagPerArcsec2) * pixelScaleArcsec ** 2 * seconds;
}

/**
 * Fraction of a source's light that reaches the telescope relative to airmass 1, [0, 1]:
 * extinction 10^(−0.4 k (X − 1)) times the cloud transparency.
 */
export function atmosphericThroughput(band: string, airmass: number, transparency = 1): number {
  const k = EXTINCTION_MAG_PER_AIRMASS[band] ?? 0.1;
  return Math.pow(10, -0.4 * k * (airmass - 1)) * transparency;
}
