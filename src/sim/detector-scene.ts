import { footprint, pixToSky, skyToPix, type CelestialWcs } from '../wcs/index.js';
import type { DetectorGeometry } from './amp-layout.js';
import type { DetectorModel } from './detector-model.js';
import { PIXEL_SIZE_MM } from './focal-plane.js';
import { drawGalaxies, galaxiesOnImage } from './galaxy-layer.js';
import { supernovaeInBox, supernovaMag } from './supernovae.js';
import { FULL_WELL_E, electronsOf, skyElectrons } from './photometry.js';
import { flareAt } from './flares.js';
import { Prng } from './prng.js';
import type { PointingError } from './pointing-model.js';
import { addPointSource, moffatPsf, MAX_STAMP_RADIUS_PX, type MoffatPsf } from './psf.js';
import type { PsfField, PsfTruth } from './psf-field.js';
import {
  MAS_PER_DEG,
  MAX_TRUE_PM_MAS_PER_YR,
  SKY_EPOCH_JYEAR,
  julianEpochOfMs,
  starsAtEpoch,
} from './refcat/proper-motion.js';
import { boundingBox, starsInBox, type SkyModel, type StarCatalog } from './sky-catalog.js';
import {
  midExposureMjd,
  variability,
  variableMag,
  visitTransients,
  type TruthSource,
} from './transients.js';
import { asteroidsOnImage, type AsteroidSky } from './asteroids/index.js';

/** A cosmic-ray track, 0-based detector pixels, and the charge it left per pixel (e⁻). */
export interface CosmicRay {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly chargeE: number;
}

/** What one snap of one detector sees, for the truth table. */
export interface SnapTruth {
  readonly snap: number;
  /** Mid-exposure, MJD (UTC). */
  readonly mjd: number;
  /** PSF FWHM at the detector's centre, pixels. */
  readonly psfFwhmPx: number;
  /** PSF at the detector's centre (it varies across the detector, see `psf-field.ts`). */
  readonly psf?: PsfTruth & { readonly seeingFactor: number };
  /** Where the telescope really pointed (the raw header reports the commanded pointing). */
  readonly pointing?: PointingTruth;
  /** The true WCS the snap was rendered with, as FITS keywords (never in the raw header). */
  readonly wcs?: Readonly<Record<string, string | number>>;
  /** Sky background, e⁻ per pixel (before the flat). */
  readonly skyE: number;
  /** Catalog stars drawn (the template shows them too). */
  readonly stars: number;
  /** Catalog galaxies drawn (`galaxy-catalog.ts`; the template shows them too). */
  readonly galaxies: number;
  readonly sources: readonly TruthSource[];
  readonly cosmicRays: readonly CosmicRay[];
  /** Pixels at full well after bleeding. */
  readonly saturatedPixels: number;
}

/** The true pointing of a snap and its error from the reported one. */
export interface PointingTruth {
  /** True boresight, degrees ICRS, and sky rotation angle, degrees. */
  readonly ra: number;
  readonly dec: number;
  readonly rotationDeg: number;
  readonly error: PointingError;
}

/** Everything that decides one snap of one detector. */
export interface SceneInput {
  readonly seed: number;
  readonly sky: SkyModel;
  readonly geometry: DetectorGeometry;
  readonly model: DetectorModel;
  readonly wcs: CelestialWcs;
  readonly pixelScaleArcsec: number;
  readonly band: string;
  readonly visitIndex: number;
  readonly detector: number;
  readonly snap: number;
  /** Shutter open of this snap, ms UTC. */
  readonly openMs: number;
  /** Shutter open of the visit's first snap, ms UTC. */
  readonly visitStartMs: number;
  readonly exposureTimeS: number;
  readonly darkTimeS: number;
  readonly seeingArcsec: number;
  /**
   * Shutter open of this snap at the site, ms UTC: the plan's true time, which the replaying
   * summit's clock (`openMs`) differs from by a constant. Stars are drawn where their true proper
   * motions have taken them by then (`refcat/proper-motion.ts`) and supernovae at that point
   * of their light curves; default `openMs`.
   */
  readonly siteOpenMs?: number;
  /** The snap's PSF across the detector; default a round Moffat of `seeingArcsec` everywhere. */
  readonly psfField?: PsfField;
  /** Sky brightness, AB mag/arcsec² (the visit's moon- and twilight-lit sky); default dark zenith sky. */
  readonly skyMagPerArcsec2?: number;
  /** Share of every source's light that reaches the detector (extinction × clouds); default 1. */
  readonly fluxScale?: number;
  /** New point sources injected per visit-detector (moving objects are the sky's asteroids). */
  readonly transientsPerDetector: number;
  /** The sky's asteroids (`asteroids/`), drawn where their orbits take them; absent: none. */
  readonly asteroids?: AsteroidSky;
  readonly cosmicRatePerCm2S: number;
}

/** Catalog stars that fall on (or within a PSF stamp of) a detector, with pixel positions. */
export function starsOnDetector(
  sky: SkyModel,
  wcs: CelestialWcs,
  width: number,
  height: number,
  pixelScaleArcsec: number,
  epochJyear: number = SKY_EPOCH_JYEAR,
): { catalog: StarCatalog; x: Float64Array; y: Float64Array } {
  const corners = footprint(wcs, width, height);
  // stars move ≤ MAX_TRUE_PM_MAS_PER_YR: widen the box so none moves in from outside it
  const moveDeg = (MAX_TRUE_PM_MAS_PER_YR * Math.abs(epochJyear - SKY_EPOCH_JYEAR)) / MAS_PER_DEG;
  const marginDeg = (MAX_STAMP_RADIUS_PX * pixelScaleArcsec) / 3600 + moveDeg;
  const fixed = starsInBox(sky, boundingBox(corners.ra, corners.dec, marginDeg));
  const catalog =
    epochJyear === SKY_EPOCH_JYEAR ? fixed : starsAtEpoch(sky.seed, fixed, epochJyear);
  const { x, y } = skyToPix(wcs, catalog.ra, catalog.dec, { onDivergence: 'nan' });
  return { catalog, x, y };
}

function onImage(x: number, y: number, w: number, h: number, margin: number): boolean {
  return x > -margin && y > -margin && x < w - 1 + margin && y < h - 1 + margin;
}

/**
 * Renders the electrons a detector collects in one snap: sky, catalog stars (variables at
 * their current brightness) and the visit's new and moving sources through a Moffat PSF of
 * the visit's seeing, times the flat; dead columns and the other bad regions; dark current
 * and hot pixels over the dark time; cosmic rays; then charge above full well bleeds up and
 * down its column (each as the detector model's effects say). Noise is
 * added at readout. Returns the image (width × height, e⁻) and the snap's truth. `into`, when
 * given and width × height long, is overwritten and returned instead of a fresh array (a render
 * thread reuses one: first touches of fresh pages cost more than the rendering of a small one).
 */
export function renderScene(
  input: SceneInput,
  into?: Float32Array,
): { electrons: Float32Array; truth: SnapTruth } {
  const { geometry: g, model, wcs, band } = input;
  const w = g.width;
  const h = g.height;
  const image = into?.length === w * h ? into : new Float32Array(w * h);
  const skyE = skyElectrons(
    band,
    input.exposureTimeS,
    input.pixelScaleArcsec,
    input.skyMagPerArcsec2,
  );
  const fluxScale = input.fluxScale ?? 1;
  image.fill(skyE);
  const field = input.psfField;
  const round: MoffatPsf = moffatPsf(input.seeingArcsec / input.pixelScaleArcsec);
  const psfAt = field ? (px: number, py: number) => field.at(px, py) : () => round;
  const centre = field?.truthAt((w - 1) / 2, (h - 1) / 2);
  // truth times are the site's, as the raw header's (DATE-BEG, MJD-BEG) are
  const siteOpenMs = input.siteOpenMs ?? input.openMs;
  const mjd = midExposureMjd(siteOpenMs, input.exposureTimeS);
  const sources: TruthSource[] = [];

  const { catalog, x, y } = starsOnDetector(
    input.sky,
    wcs,
    w,
    h,
    input.pixelScaleArcsec,
    julianEpochOfMs(siteOpenMs),
  );
  const mags = catalog.mag[band] ?? catalog.mag.r!;
  let drawn = 0;
  for (let k = 0; k < catalog.length; k++) {
    const px = x[k]!;
    const py = y[k]!;
    if (!onImage(px, py, w, h, MAX_STAMP_RADIUS_PX)) continue;
    const meanMag = mags[k]!;
    const v = variability(input.seed, catalog.id[k]!);
    const flare = flareAt(input.seed, catalog.id[k]!, mjd);
    const quiescentMag = v ? variableMag(meanMag, v, mjd) : meanMag;
    const mag = flare ? quiescentMag - 2.5 * Math.log10(1 + flare.fluxRatio) : quiescentMag;
    const fluxE = electronsOf(mag, band, input.exposureTimeS) * fluxScale;
    addPointSource(image, w, h, psfAt(px, py), px, py, fluxE);
    drawn++;
    if (flare && onImage(px, py, w, h, 0)) {
      sources.push({
        kind: 'flare',
        id: flare.id,
        ra: catalog.ra[k]!,
        dec: catalog.dec[k]!,
        x: px,
        y: py,
        mag,
        fluxE,
        mjd,
        templateMag: meanMag,
      });
      continue;
    }
    if (v && onImage(px, py, w, h, 0)) {
      sources.push({
        kind: 'variable',
        id: `var-${catalog.id[k]!}`,
        ra: catalog.ra[k]!,
        dec: catalog.dec[k]!,
        x: px,
        y: py,
        mag,
        fluxE,
        mjd,
        templateMag: meanMag,
      });
    }
  }

  const galaxies = galaxiesOnImage(input.sky, wcs, w, h, input.pixelScaleArcsec);
  const galaxyMags = galaxies.catalog.mag[band] ?? galaxies.catalog.mag.r!;
  const galaxiesDrawn = drawGalaxies(
    image,
    w,
    h,
    galaxies,
    psfAt,
    (k) => electronsOf(galaxyMags[k]!, band, input.exposureTimeS) * fluxScale,
  );

  // Supernovae: sky objects with hosts and light curves, at the snap's true time (not in templates).
  const edges = footprint(wcs, w, h);
  const sne = supernovaeInBox(input.sky, boundingBox(edges.ra, edges.dec, 0), mjd);
  if (sne.length > 0) {
    const at = skyToPix(
      wcs,
      Float64Array.from(sne, (sn) => sn.ra),
      Float64Array.from(sne, (sn) => sn.dec),
      { onDivergence: 'nan' },
    );
    sne.forEach((sn, k) => {
      const px = at.x[k]!;
      const py = at.y[k]!;
      const snMag = supernovaMag(sn, band, mjd);
      if (snMag === undefined || !onImage(px, py, w, h, 0)) return;
      const fluxE = electronsOf(snMag, band, input.exposureTimeS) * fluxScale;
      addPointSource(image, w, h, psfAt(px, py), px, py, fluxE);
      sources.push({
        kind: 'supernova',
        id: sn.id,
        ra: sn.ra,
        dec: sn.dec,
        x: px,
        y: py,
        mag: snMag,
        fluxE,
        mjd,
        ...(sn.hostId !== undefined ? { hostId: sn.hostId } : {}),
      });
    });
  }

  // New sources are fixed per visit: every snap sees the same ones.
  const t = visitTransients({
    seed: input.seed,
    visit: input.visitIndex,
    detector: input.detector,
    count: input.transientsPerDetector,
    width: w,
    height: h,
  });
  if (t.newSources.length > 0) {
    const sky = pixToSky(
      wcs,
      Float64Array.from(t.newSources, (s) => s.x),
      Float64Array.from(t.newSources, (s) => s.y),
    );
    t.newSources.forEach((s, i) => {
      const fluxE = electronsOf(s.mag, band, input.exposureTimeS) * fluxScale;
      addPointSource(image, w, h, psfAt(s.x, s.y), s.x, s.y, fluxE);
      sources.push({
        kind: 'new',
        id: s.id,
        ra: sky.ra[i]!,
        dec: sky.dec[i]!,
        x: s.x,
        y: s.y,
        mag: s.mag,
        fluxE,
        mjd,
      });
    });
  }

  // Asteroids, trailed through the exposure, where their orbits put them at the time the raw's
  // header states (the summit's clock: the worker predicts known movers from that time).
  if (input.asteroids) {
    const movers = asteroidsOnImage({
      sky: input.asteroids,
      wcs,
      width: w,
      height: h,
      pixelScaleArcsec: input.pixelScaleArcsec,
      band,
      openMs: input.openMs,
      exposureTimeS: input.exposureTimeS,
    });
    for (const m of movers) {
      const fluxE = electronsOf(m.mag, band, input.exposureTimeS) * fluxScale;
      const n = m.trail.x.length;
      // one PSF per trail, at its middle (the detector's centre when that is off the sky)
      const midX = m.trail.x[n >> 1] ?? NaN;
      const midY = m.trail.y[n >> 1] ?? NaN;
      const finite = Number.isFinite(midX) && Number.isFinite(midY);
      const psf = finite ? psfAt(midX, midY) : psfAt((w - 1) / 2, (h - 1) / 2);
      for (let i = 0; i < n; i++) {
        const tx = m.trail.x[i]!;
        const ty = m.trail.y[i]!;
        if (Number.isFinite(tx) && Number.isFinite(ty))
          addPointSource(image, w, h, psf, tx, ty, fluxE / n);
      }
      if (!onImage(m.x, m.y, w, h, 0)) continue;
      sources.push({
        kind: 'moving',
        id: m.asteroid.id,
        ra: m.ra,
        dec: m.dec,
        x: m.x,
        y: m.y,
        mag: m.mag,
        fluxE,
        mjd,
        rateDegPerDay: m.rateDegPerDay,
        paDeg: m.paDeg,
        ssObjectId: m.asteroid.ssObjectId,
        known: m.asteroid.known,
      });
    }
  }

  const flat = model.flat(band);
  const dark = model.darkCurrentE * input.darkTimeS;
  for (let i = 0; i < image.length; i++) image[i] = image[i]! * flat[i]! + dark;
  for (const c of model.badColumns) {
    for (let yy = 0; yy < h; yy++) image[yy * w + c] = (image[yy * w + c]! - dark) * 0.05 + dark;
  }
  for (const r of model.badRegions) {
    for (let yy = r.y0; yy < r.y0 + r.height; yy++) {
      for (let xx = r.x0; xx < r.x0 + r.width; xx++) {
        const p = yy * w + xx;
        image[p] = (image[p]! - dark) * r.response + dark;
      }
    }
  }
  for (const hp of model.hotPixels) image[hp.index] = image[hp.index]! + hp.rateE * input.darkTimeS;

  const cosmicRays = model.effects.cosmicRays ? addCosmicRays(image, w, h, input) : [];
  const saturatedPixels = model.effects.saturation ? bleed(image, w, h, FULL_WELL_E) : 0;
  return {
    electrons: image,
    truth: {
      snap: input.snap,
      mjd,
      psfFwhmPx: centre ? centre.fwhmArcsec / input.pixelScaleArcsec : round.fwhmPx,
      ...(centre && field ? { psf: { ...centre, seeingFactor: field.seeingFactor } } : {}),
      skyE,
      stars: drawn,
      galaxies: galaxiesDrawn,
      sources,
      cosmicRays,
      saturatedPixels,
    },
  };
}

function addCosmicRays(image: Float32Array, w: number, h: number, input: SceneInput): CosmicRay[] {
  const rng = new Prng(input.seed).fork(0xc05, input.visitIndex, input.detector, input.snap);
  return addCosmicRayHits(image, w, h, rng, input.cosmicRatePerCm2S, input.darkTimeS);
}

/**
 * Adds a Poisson number of cosmic-ray tracks (mean: rate × detector area × dark time) to an
 * image in electrons: straight tracks 1–25 px long, 800–6000 e⁻ per pixel. Returns them.
 */
export function addCosmicRayHits(
  image: Float32Array,
  w: number,
  h: number,
  rng: Prng,
  ratePerCm2S: number,
  darkTimeS: number,
): CosmicRay[] {
  const areaCm2 = w * h * (PIXEL_SIZE_MM / 10) ** 2;
  const mean = ratePerCm2S * areaCm2 * darkTimeS;
  let n = 0;
  for (let p = rng.next(), l = Math.exp(-Math.min(mean, 500)); p > l; p *= rng.next()) n++;
  const rays: CosmicRay[] = [];
  for (let k = 0; k < n; k++) {
    const x0 = rng.uniform(0, w - 1);
    const y0 = rng.uniform(0, h - 1);
    const length = rng.uniform(1, 25);
    const angle = rng.uniform(0, 2 * Math.PI);
    const x1 = Math.min(w - 1, Math.max(0, x0 + length * Math.cos(angle)));
    const y1 = Math.min(h - 1, Math.max(0, y0 + length * Math.sin(angle)));
    const chargeE = rng.uniform(800, 6000);
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
    for (let s = 0; s <= steps; s++) {
      const px = Math.round(x0 + ((x1 - x0) * s) / steps);
      const py = Math.round(y0 + ((y1 - y0) * s) / steps);
      image[py * w + px] = image[py * w + px]! + chargeE;
    }
    rays.push({ x0, y0, x1, y1, chargeE });
  }
  return rays;
}

/**
 * Moves charge above `fullWell` along its column, half up and half down, filling neighbours
 * to full well (blooming as in a CCD). Returns the number of pixels left at full well.
 */
export function bleed(image: Float32Array, w: number, h: number, fullWell: number): number {
  let saturated = 0;
  for (let i = 0; i < image.length; i++) {
    const v = image[i]!;
    if (v <= fullWell) continue;
    image[i] = fullWell;
    const x = i % w;
    const y = (i - x) / w;
    let up = (v - fullWell) / 2;
    let down = up;
    for (let yy = y + 1; yy < h && up > 0; yy++) {
      const j = yy * w + x;
      const room = fullWell - image[j]!;
      if (room <= 0) continue;
      const take = Math.min(room, up);
      image[j] = image[j]! + take;
      up -= take;
    }
    for (let yy = y - 1; yy >= 0 && down > 0; yy--) {
      const j = yy * w + x;
      const room = fullWell - image[j]!;
      if (room <= 0) continue;
      const take = Math.min(room, down);
      image[j] = image[j]! + take;
      down -= take;
    }
  }
  for (let i = 0; i < image.length; i++) if (image[i]! >= fullWell) saturated++;
  return saturated;
}
