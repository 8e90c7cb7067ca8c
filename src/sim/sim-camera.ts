import { toKeywords, type CelestialWcs } from '../wcs/index.js';
import type { GeometryOptions } from './amp-layout.js';
import type { AsteroidSky } from './asteroids/index.js';
import { readOut } from './camera.js';
import { detectorModel, type DetectorModel } from './detector-model.js';
import type { SimEffects } from './instrument-effects.js';
import { FULL_WELL_E } from './photometry.js';
import { renderScene, type SnapTruth } from './detector-scene.js';
import { detectorWcs, focalPlane, type FocalPlane, type Pointing } from './focal-plane.js';
import { darkTimeOf } from './camera-header.js';
import { siteTimeOf } from './header-service.js';
import type { PlannedVisit } from './night-plan.js';
import { atmosphericThroughput } from './photometry.js';
import { pointingError, truePointing, type PointingError } from './pointing-model.js';
import { Prng } from './prng.js';
import { psfField } from './psf-field.js';
import { rawFits } from './raw-fits.js';
import type { RenderBuffers } from './render-buffers.js';
import type { SkyModel } from './sky-catalog.js';

/** What a simulated camera is: instrument, size, sky and effects. */
export interface SimCameraOptions extends GeometryOptions {
  readonly instrument: string;
  readonly seed: number;
  /** Stars per square degree brighter than magLimit (r), or `galactic` (`star-counts.ts`). */
  readonly starDensityPerDeg2: number | 'galactic';
  readonly magLimit: number;
  /** Faintest galaxy drawn, AB mag in r; absent: no galaxies (the config's default draws them). */
  readonly galaxyMagLimit?: number;
  /** Supernovae per deg² per year (`supernovae.ts`); absent: none. */
  readonly supernovaRatePerDeg2Yr?: number;
  /** New point sources per visit-detector. */
  readonly transientsPerDetector: number;
  /** The sky's asteroids (`asteroids/`); absent: none. */
  readonly asteroids?: AsteroidSky;
  readonly cosmicRatePerCm2S: number;
  /** Rice-compress the amplifier HDUs; default true. */
  readonly compress?: boolean;
  /**
   * Merge the header service's cards (pointing, filter, weather, WCS) into each raw, as the
   * summit's one-step writer does (default true); false writes what the camera's DAQ holds:
   * the camera's own cards only, for the image writer to merge (`src/archive`).
   */
  readonly headerService?: boolean;
  /** Readout after each snap, s (written to the header as READTIME/READEND); default 2. */
  readonly readoutS?: number;
  /** Instrument effects; default `LEGACY_EFFECTS` (defects, saturation, cosmic rays). */
  readonly effects?: SimEffects;
}

/**
 * The SATURATE level written to each amp's header, ADU above the overscan: 97 % of full well
 * over the gain, so a saturated pixel (full well ± its shot noise, read through the
 * non-linearity) is always above it and an unsaturated one almost never is.
 */
export function saturationAdu(gain: number): number {
  return Math.floor((0.97 * FULL_WELL_E) / gain);
}

/** One detector's raw of one snap, with its truth. */
export interface SimRaw {
  readonly bytes: Uint8Array;
  readonly truth: SnapTruth;
  /** The true WCS the raw was rendered with (the header carries {@link SimCamera.headerWcs}). */
  readonly wcs: CelestialWcs;
}

/** The pointing a visit's raws report: the commanded boresight and rotation. */
function reportedPointing(visit: PlannedVisit): Pointing {
  return { ra: visit.ra, dec: visit.dec, rotationDeg: visit.rotationDeg };
}

/**
 * The simulated camera: the focal plane, every detector's fixed model (built on first use
 * and kept), and the rendering of one detector-snap into the raw the camera and header
 * service would write. Pure function of its options and the arguments: the same seed gives
 * the same bytes.
 */
export class SimCamera {
  readonly focalPlane: FocalPlane;
  readonly sky: SkyModel;
  readonly #models = new Map<number, DetectorModel>();

  constructor(readonly options: SimCameraOptions) {
    this.focalPlane = focalPlane(options.instrument, options);
    this.sky = {
      seed: options.seed,
      densityPerDeg2: options.starDensityPerDeg2,
      magLimit: options.magLimit,
      ...(options.galaxyMagLimit !== undefined ? { galaxyMagLimit: options.galaxyMagLimit } : {}),
      ...(options.supernovaRatePerDeg2Yr !== undefined
        ? { supernovaRatePerDeg2Yr: options.supernovaRatePerDeg2Yr }
        : {}),
    };
  }

  /** The fixed model of a detector (electronics, bias, flats, dark, defects). */
  model(detector: number): DetectorModel {
    let m = this.#models.get(detector);
    if (!m) {
      const g = this.focalPlane.placement(detector).geometry;
      m = detectorModel(
        this.options.seed,
        this.options.instrument,
        detector,
        g,
        this.options.effects,
      );
      this.#models.set(detector, m);
    }
    return m;
  }

  /** The telescope's pointing and rotator error in a visit (deterministic in seed and visit). */
  pointingError(visit: PlannedVisit): PointingError {
    return pointingError(this.options.seed, visit.index);
  }

  /** Where the telescope really pointed in a visit: the reported pointing plus its error. */
  truePointing(visit: PlannedVisit): Pointing {
    return truePointing(reportedPointing(visit), this.pointingError(visit));
  }

  /**
   * The true WCS of a detector in a visit: the one its raws are rendered with, kept in truth
   * only (differs from {@link headerWcs} by the pointing and rotator error).
   */
  wcs(visit: PlannedVisit, detector: number): CelestialWcs {
    return detectorWcs(this.focalPlane, detector, this.truePointing(visit));
  }

  /**
   * The WCS the header service writes into a raw: from the reported boresight and rotation
   * and the camera geometry, as obs_lsst builds a raw's initial WCS.
   */
  headerWcs(visit: PlannedVisit, detector: number): CelestialWcs {
    return detectorWcs(this.focalPlane, detector, reportedPointing(visit));
  }

  /**
   * Renders, reads out and writes one detector's raw of one snap. With `buffers` the pixel
   * arrays are reused from the last render (same bytes; one render at a time per `buffers`).
   */
  async raw(
    visit: PlannedVisit,
    detector: number,
    snap: number,
    openMs: number,
    seqNum: number,
    buffers?: RenderBuffers,
  ): Promise<SimRaw> {
    const o = this.options;
    const g = this.focalPlane.placement(detector).geometry;
    const model = this.model(detector);
    const pointing = this.truePointing(visit);
    const wcs = detectorWcs(this.focalPlane, detector, pointing);
    const seeingArcsec = visit.seeingArcsec ?? 0.8;
    const { electrons, truth: sceneTruth } = renderScene(
      {
        seed: o.seed,
        sky: this.sky,
        geometry: g,
        model,
        wcs,
        pixelScaleArcsec: this.focalPlane.pixelScaleArcsec,
        band: visit.band,
        visitIndex: visit.index,
        detector,
        snap,
        openMs,
        visitStartMs: visit.startMs,
        exposureTimeS: visit.exposureTimeS,
        darkTimeS: darkTimeOf(visit.exposureTimeS),
        seeingArcsec,
        siteOpenMs: siteTimeOf(visit, openMs),
        psfField: psfField({
          seed: o.seed,
          visitIndex: visit.index,
          snap,
          seeingArcsec,
          focalPlane: this.focalPlane,
          detector,
        }),
        ...(visit.conditions
          ? {
              skyMagPerArcsec2: visit.conditions.skyMagPerArcsec2,
              fluxScale: atmosphericThroughput(
                visit.band,
                visit.conditions.airmass,
                visit.conditions.transparency,
              ),
            }
          : {}),
        transientsPerDetector: o.transientsPerDetector,
        ...(o.asteroids ? { asteroids: o.asteroids } : {}),
        cosmicRatePerCm2S: o.cosmicRatePerCm2S,
      },
      buffers?.electrons(g.width * g.height),
    );
    const amps = readOut({
      geometry: g,
      electronics: model.electronics,
      electrons,
      biasPatternAdu: model.biasPatternAdu,
      rng: new Prng(o.seed).fork(0x4ead, visit.index, detector, snap),
      ...(model.effects.crosstalk ? { crosstalk: model.crosstalk } : {}),
      ...(model.effects.nonlinearity ? { nonlinearity: model.nonlinearity } : {}),
      ...(buffers ? { into: buffers.amps(g) } : {}),
    });
    const bytes = await rawFits(
      {
        instrument: o.instrument,
        detector,
        visit,
        snap,
        startMs: openMs,
        seqNum,
        ...(o.readoutS === undefined ? {} : { readoutS: o.readoutS }),
      },
      g,
      model.electronics,
      amps,
      {
        compress: o.compress ?? true,
        ...(o.headerService === false
          ? { headerService: false }
          : { wcs: this.headerWcs(visit, detector) }),
        ...(o.effects?.saturation
          ? { saturationAdu: model.electronics.map((e) => saturationAdu(e.gain)) }
          : {}),
      },
    );
    const truth: SnapTruth = {
      ...sceneTruth,
      pointing: { ...pointing, error: this.pointingError(visit) },
      wcs: Object.fromEntries(toKeywords(wcs).map(([k, v]) => [k, v])),
    };
    return { bytes, truth, wcs };
  }
}
