import {
  ephemerisAt,
  hgMagnitude,
  mjdTtOfUtcMs,
  skyMotion,
} from '../../science/ephemeris/index.js';
import { pixToSky, skyToPix, type CelestialWcs } from '../../wcs/index.js';
import { MAX_STAMP_RADIUS_PX } from '../psf.js';
import {
  asteroidBandMag,
  asteroidsNear,
  type AsteroidSky,
  type SimAsteroid,
} from './asteroid-population.js';

/** An asteroid on one detector in one exposure: its trail and its place at mid-exposure. */
export interface AsteroidOnImage {
  readonly asteroid: SimAsteroid;
  /** Astrometric place at mid-exposure, degrees ICRS, and 0-based detector pixels. */
  readonly ra: number;
  readonly dec: number;
  readonly x: number;
  readonly y: number;
  /** AB magnitude in the exposure's band (H, G phase law and asteroid colours). */
  readonly mag: number;
  /** Rate of motion, degrees per day, and its position angle, degrees from north through east. */
  readonly rateDegPerDay: number;
  readonly paDeg: number;
  /** Pixel positions at equal steps through the exposure (≥ 2 per pixel of motion, ≥ 2 in all). */
  readonly trail: { readonly x: Float64Array; readonly y: Float64Array };
}

/**
 * The asteroids whose light falls on a detector during one exposure (shutter open at `openMs`,
 * the site's UTC ms, for `exposureTimeS`), by id. A trail longer than the PSF is drawn as such:
 * the renderer spreads the flux over the samples.
 */
export function asteroidsOnImage(options: {
  readonly sky: AsteroidSky;
  readonly wcs: CelestialWcs;
  readonly width: number;
  readonly height: number;
  readonly pixelScaleArcsec: number;
  readonly band: string;
  readonly openMs: number;
  readonly exposureTimeS: number;
}): AsteroidOnImage[] {
  const { wcs, width: w, height: h, pixelScaleArcsec: scale } = options;
  const centre = pixToSky(wcs, Float64Array.of((w - 1) / 2), Float64Array.of((h - 1) / 2));
  const halfDiagDeg = (Math.hypot(w, h) / 2 + MAX_STAMP_RADIUS_PX) * (scale / 3600);
  const openTt = mjdTtOfUtcMs(options.openMs);
  const spanDays = options.exposureTimeS / 86_400;
  const midTt = openTt + spanDays / 2;
  // a fast NEO (≤ ~20°/day) moves ≤ 0.004° in a 15 s exposure: margin for the trail's ends
  const marginDeg = 20 * spanDays + 1e-3;
  const seen = asteroidsNear(
    options.sky,
    centre.ra[0]!,
    centre.dec[0]!,
    halfDiagDeg + marginDeg,
    midTt,
  );
  const out: AsteroidOnImage[] = [];
  for (const { asteroid, ephemeris } of seen) {
    const motion = skyMotion(asteroid.elements, midTt);
    const lengthPx = (motion.rateDegPerDay * spanDays * 3600) / scale;
    const n = Math.max(2, Math.ceil(2 * lengthPx) + 1);
    const ra = new Float64Array(n + 1);
    const dec = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const e = ephemerisAt(asteroid.elements, openTt + ((i + 0.5) / n) * spanDays);
      ra[i] = e.raDeg;
      dec[i] = e.decDeg;
    }
    ra[n] = ephemeris.raDeg;
    dec[n] = ephemeris.decDeg;
    const px = skyToPix(wcs, ra, dec, { onDivergence: 'nan' });
    const x = px.x.subarray(0, n);
    const y = px.y.subarray(0, n);
    let touches = false;
    for (let i = 0; i < n && !touches; i++) {
      const tx = x[i]!;
      const ty = y[i]!;
      touches =
        tx > -MAX_STAMP_RADIUS_PX &&
        ty > -MAX_STAMP_RADIUS_PX &&
        tx < w - 1 + MAX_STAMP_RADIUS_PX &&
        ty < h - 1 + MAX_STAMP_RADIUS_PX;
    }
    if (!touches) continue;
    const vMag = hgMagnitude(
      asteroid.hMag,
      asteroid.g,
      ephemeris.rAu,
      ephemeris.deltaAu,
      ephemeris.phaseAngleDeg,
    );
    out.push({
      asteroid,
      ra: ephemeris.raDeg,
      dec: ephemeris.decDeg,
      x: px.x[n]!,
      y: px.y[n]!,
      mag: asteroidBandMag(vMag, options.band),
      rateDegPerDay: motion.rateDegPerDay,
      paDeg: motion.paDeg,
      trail: { x, y },
    });
  }
  return out;
}
