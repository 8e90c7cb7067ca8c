import type { Config } from '../core/config.js';
import type { MasterOptions } from './master-calibrations.js';
import type { NightPlanOptions } from './night-plan.js';
import type { SimCameraOptions } from './sim-camera.js';
import type { CoaddSpec } from './template-inputs.js';

/** The `sim` section of the compiled config. */
export type SimConfig = Config['sim'];

/** The camera options the `sim` config section describes. */
export function simCameraOptions(instrument: string, sim: SimConfig): SimCameraOptions {
  return {
    instrument,
    seed: sim.seed,
    scale: sim.scale,
    ampWidth: sim.ampWidth,
    ampHeight: sim.ampHeight,
    prescan: sim.prescan,
    serialOverscan: sim.serialOverscan,
    parallelOverscan: sim.parallelOverscan,
    starDensityPerDeg2: sim.starDensityPerDeg2,
    magLimit: sim.magLimit,
    ...(sim.galaxies ? { galaxyMagLimit: sim.galaxyMagLimit } : {}),
    supernovaRatePerDeg2Yr: sim.supernovaRatePerDeg2Yr,
    transientsPerDetector: sim.transientsPerDetector,
    ...(sim.asteroidsPerDeg2 > 0
      ? {
          asteroids: {
            seed: sim.seed,
            densityPerDeg2: sim.asteroidsPerDeg2,
            knownFraction: sim.knownAsteroidFraction,
          },
        }
      : {}),
    cosmicRatePerCm2S: sim.cosmicRatePerCm2S,
    compress: sim.compress,
    readoutS: sim.readoutS,
    effects: sim.effects,
  };
}

/**
 * The night plan the `sim` config section describes: at true site times, or shifted so the
 * first exposure is at `firstStartMs` (summit ms) when given.
 */
export function simPlanOptions(
  instrument: string,
  sim: SimConfig,
  firstStartMs?: number,
): NightPlanOptions {
  return {
    instrument,
    firstStartMs,
    visits: sim.visits,
    cadenceS: sim.cadenceS,
    exposureTimeS: sim.exposureTimeS,
    snaps: sim.snaps,
    readoutS: sim.readoutS,
    bands: sim.bands,
    survey: sim.survey,
    seed: sim.seed,
    surveys: sim.surveys,
    seeingArcsec: sim.seeingArcsec,
    nights: sim.nights,
    nightDate: sim.nightDate,
    airmassLimit: sim.airmassLimit,
    twilightDeg: sim.twilightDeg,
  };
}

/** How the `sim` config section wants master calibrations made (undefined: model frames). */
export function simMasterOptions(sim: SimConfig): MasterOptions | undefined {
  if (sim.masterExposures < 1) return undefined;
  return {
    exposures: sim.masterExposures,
    seed: sim.seed,
    cosmicRatePerCm2S: sim.cosmicRatePerCm2S,
  };
}

/** How the `sim` config section has templates coadded: input visits and their median seeing. */
export function simCoaddSpec(sim: SimConfig): CoaddSpec {
  return { visits: sim.templateVisits, seeingArcsec: sim.templateSeeingArcsec };
}
