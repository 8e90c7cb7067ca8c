/**
 * Photometric constants of the simulated Rubin system: AB magnitude giving 1 e⁻/s per band
 * (roughly the LSST throughput zero points for a 6.4 m effective aperture), dark-sky
 * brightness, and the detector's full well.
 */
export const BANDS = ['u', 'g', 'r', 'i', 'z', 'y'] as const;

/** AB magnitude of a source giving 1 e⁻/s in total, per band. */
export const ZERO_POINT_MAG: Readonly<Record<string, number>> = {
  u: 26.5,
  g: 28.3,
  r: 28.1,
  i: 27.8,
  z: 27.4,
  y: 26.6,
};

/** Dark-sky background at 0.2″ pixels, e⁻ per pixel per second, per band. */
export const SKY_E_PER_S: Readonly<Record<string, number>> = {
  u: 2,
  g: 8,
  r: 14,
  i: 20,
  z: 28,
  y: 30,
};

/** Full well of a pixel, e⁻: charge above it bleeds along the column. */
export const FULL_WELL_E = 150_000;

/** Electrons collected from a source of AB magnitude `mag` in `band` over `seconds`. */
export function electronsOf(mag: number, band: string, seconds: number): number {
  return Math.pow(10, -0.4 * (mag - (ZERO_POINT_MAG[band] ?? 28))) * seconds;
}

/** Sky electrons per pixel for `seconds` in `band`, scaled by (pixel scale / 0.2″)². */
export function skyElectrons(band: string, seconds: number, pixelScaleArcsec = 0.2): number {
  const area = (pixelScaleArcsec / 0.2) ** 2;
  return (SKY_E_PER_S[band] ?? 10) * seconds * area;
}
