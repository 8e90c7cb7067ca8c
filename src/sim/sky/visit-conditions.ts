import { airmassKastenYoung } from './airmass.js';
import { apparentPlace } from './apparent-place.js';
import { apparentToHorizontal, icrsToHorizontal, separationDeg } from './horizontal.js';
import { moonPhase, topocentricMoon } from './moon.js';
import type { Site } from './site.js';
import { skyBrightness } from './sky-brightness.js';
import { sunAltitudeDeg } from './twilight.js';

/** The Moon as a visit sees it. */
export interface MoonState {
  /** Topocentric altitude and azimuth (from north through east), degrees. */
  readonly altDeg: number;
  readonly azDeg: number;
  /** Illuminated fraction, [0, 1]. */
  readonly illumination: number;
  /** Sun–Moon–Earth angle, degrees, 0 = full. */
  readonly phaseAngleDeg: number;
  readonly waxing: boolean;
  /** Angular distance from the boresight, degrees. */
  readonly separationDeg: number;
}

/** Where and under what sky a visit was taken, at its middle. */
export interface VisitConditions {
  /** True UTC time these were computed for (mid-visit), ms. */
  readonly atMs: number;
  /** Boresight geometric altitude and azimuth (north through east), degrees. */
  readonly altDeg: number;
  readonly azDeg: number;
  /** Hour angle, degrees, west positive. */
  readonly hourAngleDeg: number;
  /** Kasten–Young air mass of the boresight. */
  readonly airmass: number;
  readonly sunAltDeg: number;
  readonly moon: MoonState;
  /** Sky brightness toward the boresight in the visit's band, AB mag/arcsec². */
  readonly skyMagPerArcsec2: number;
  /** Zenith seeing at 500 nm, FWHM arcseconds (the delivered PSF is the visit's seeingArcsec). */
  readonly zenithSeeingArcsec: number;
  /** Cloud transparency, (0, 1]. */
  readonly transparency: number;
}

/**
 * The conditions of a visit to ICRS (raDeg, decDeg) in `band` at true time `utcMs`: boresight
 * alt/az and air mass, the Sun's altitude, the Moon's position and phase, and the sky
 * brightness they make (`sky-brightness.ts`); seeing and transparency are passed in.
 */
export function visitConditions(
  raDeg: number,
  decDeg: number,
  band: string,
  utcMs: number,
  site: Site,
  weather: { zenithSeeingArcsec: number; transparency: number },
): VisitConditions {
  const p = icrsToHorizontal(raDeg, decDeg, utcMs, site);
  const sunAlt = sunAltitudeDeg(utcMs, site);
  const moonApp = topocentricMoon(utcMs, site);
  const moonHz = apparentToHorizontal(moonApp, utcMs, site);
  const phase = moonPhase(utcMs);
  // Both of date: the Moon's place is apparent, so compare with the target's apparent place.
  const target = apparentPlace(raDeg, decDeg, utcMs);
  const sep = separationDeg(target.raDeg, target.decDeg, moonApp.raDeg, moonApp.decDeg);
  const sky = skyBrightness({
    band,
    targetAltDeg: p.altDeg,
    sunAltDeg: sunAlt,
    moonAltDeg: moonHz.altDeg,
    moonPhaseAngleDeg: phase.phaseAngleDeg,
    moonSeparationDeg: sep,
  });
  return {
    atMs: utcMs,
    altDeg: p.altDeg,
    azDeg: p.azDeg,
    hourAngleDeg: p.haDeg,
    airmass: airmassKastenYoung(p.altDeg),
    sunAltDeg: sunAlt,
    moon: {
      altDeg: moonHz.altDeg,
      azDeg: moonHz.azDeg,
      illumination: phase.illumination,
      phaseAngleDeg: phase.phaseAngleDeg,
      waxing: phase.waxing,
      separationDeg: sep,
    },
    skyMagPerArcsec2: sky.magPerArcsec2,
    zenithSeeingArcsec: weather.zenithSeeingArcsec,
    transparency: weather.transparency,
  };
}
