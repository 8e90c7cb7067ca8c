import { seededRandom } from '../core/seeded-random.js';
import { makeTanWcs } from '../wcs/index.js';
import type { Alert } from './alert-schema.js';
import { buildAlert, type AlertInputs } from './build-alert.js';
import { makeCutout, type CutoutSource } from './cutout.js';
import type { DiaForcedSourceInput } from './schema/dia-forced-source-schema.js';
import type { DiaObjectInput } from './schema/dia-object-schema.js';
import type { DiaSourceInput } from './schema/dia-source-schema.js';

/**
 * Realistic alerts for tests, the benchmark and demos: a DIA source with the fields measurement
 * fills, its object with per-band summaries, previous sources and forced sources of the
 * same object, and three 30×30 float32 cutouts of a noisy image with a star, carrying a
 * TAN WCS. Deterministic for a seed.
 */

/** A 200×200 image with Gaussian-ish noise and one star at (100, 100), with a TAN WCS. */
export function sampleImage(seed: number, ra = 150.1, dec = -30.2): CutoutSource {
  const rand = seededRandom(seed);
  const width = 200;
  const height = 200;
  const pixels = new Float32Array(width * height);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const r2 = (i - 100) ** 2 + (j - 100) ** 2;
      pixels[j * width + i] = 1000 * Math.exp(-r2 / 8) + (rand() + rand() + rand() - 1.5) * 20;
    }
  }
  const wcs = makeTanWcs({
    crval: [ra, dec],
    crpix: [99.5, 99.5],
    scaleArcsecPerPx: 0.2,
    rotationDeg: 12,
  });
  return { pixels, width, height, wcs };
}

function source(id: number, objectId: number, mjd: number, rand: () => number): DiaSourceInput {
  const flux = 5000 + rand() * 1000;
  return {
    diaSourceId: id,
    visit: 2026050100000 + (id % 1000),
    detector: id % 189,
    diaObjectId: objectId,
    midpointMjdTai: mjd,
    ra: 150.1 + (rand() - 0.5) * 1e-5,
    raErr: 2e-6,
    dec: -30.2 + (rand() - 0.5) * 1e-5,
    decErr: 2e-6,
    x: 100 + rand(),
    xErr: 0.05,
    y: 100 + rand(),
    yErr: 0.05,
    centroid_flag: false,
    apFlux: flux * 1.02,
    apFluxErr: 60,
    snr: flux / 55,
    psfFlux: flux,
    psfFluxErr: 55,
    psfChi2: 0.9 + rand() * 0.2,
    psfNdata: 49,
    trailNdata: 0,
    dipoleNdata: 0,
    scienceFlux: flux + 20000,
    scienceFluxErr: 80,
    extendedness: 0.1,
    reliability: 0.95,
    band: 'r',
    isDipole: false,
    timeProcessedMjdTai: mjd + 0.0005,
    bboxSize: 15,
    pixelFlags: false,
    pixelFlags_edge: false,
    pixelFlags_saturated: false,
  };
}

function forced(
  id: number,
  objectId: number,
  mjd: number,
  rand: () => number,
): DiaForcedSourceInput {
  return {
    diaForcedSourceId: id,
    diaObjectId: objectId,
    ra: 150.1,
    dec: -30.2,
    visit: 2026050100000 + (id % 1000),
    detector: id % 189,
    psfFlux: rand() * 500,
    psfFluxErr: 55,
    midpointMjdTai: mjd,
    scienceFlux: 20000 + rand() * 500,
    scienceFluxErr: 80,
    band: 'r',
    timeProcessedMjdTai: mjd + 0.0005,
  };
}

function object(objectId: number, n: number): DiaObjectInput {
  return {
    diaObjectId: objectId,
    validityStartMjdTai: 61000,
    ra: 150.1,
    raErr: 1e-6,
    dec: -30.2,
    decErr: 1e-6,
    u_psfFluxNdata: 0,
    g_psfFluxNdata: 0,
    r_psfFluxMean: 5500,
    r_psfFluxMeanErr: 20,
    r_psfFluxSigma: 300,
    r_psfFluxNdata: n,
    i_psfFluxNdata: 0,
    z_psfFluxNdata: 0,
    y_psfFluxNdata: 0,
    r_psfFluxMin: 5000,
    r_psfFluxMax: 6000,
    firstDiaSourceMjdTai: 61000,
    lastDiaSourceMjdTai: 61010,
    nDiaSources: n,
  };
}

/** Inputs of one alert: `previous` earlier sources and as many forced sources. */
export async function sampleAlertInputs(seed: number, previous = 10): Promise<AlertInputs> {
  const rand = seededRandom(seed);
  const objectId = 1_000_000 + seed;
  const image = sampleImage(seed);
  const at = { x: 100.3, y: 99.8 };
  const [difference, science, template] = await Promise.all([
    makeCutout(image, { ...at, cards: [['EXPTYPE', 'difference']] }),
    makeCutout(image, { ...at, cards: [['EXPTYPE', 'science']] }),
    makeCutout(image, { ...at, cards: [['EXPTYPE', 'template']] }),
  ]);
  return {
    diaSource: source(seed * 1000 + previous, objectId, 61010, rand),
    diaObject: object(objectId, previous + 1),
    prvDiaSources: Array.from({ length: previous }, (_, i) =>
      source(seed * 1000 + i, objectId, 61000 + i, rand),
    ),
    prvDiaForcedSources: Array.from({ length: previous }, (_, i) =>
      forced(seed * 1000 + i, objectId, 61000 + i + 0.5, rand),
    ),
    cutouts: { difference, science, template },
    observationReason: 'wfd',
    targetName: 'lowdust',
  };
}

/** One built alert (see {@link sampleAlertInputs}). */
export async function sampleAlert(seed: number, previous = 10): Promise<Alert> {
  return buildAlert(await sampleAlertInputs(seed, previous));
}
