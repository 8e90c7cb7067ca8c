import { describe, expect, it } from 'vitest';
import { bleed, renderScene, starsOnDetector } from './detector-scene.js';
import { plannedVisit } from './night-plan.js';
import { makeTanWcs } from '../wcs/index.js';
import { SimCamera } from './sim-camera.js';
import { SKY_EPOCH_JYEAR, trueProperMotion } from './refcat/proper-motion.js';
import { starsInBox } from './sky-catalog.js';
import { VARIABLE_FRACTION, variability } from './transients.js';

describe('sky and instrument effects', () => {
  it('draws the same stars for a sky region whichever box asks for it', () => {
    const sky = { seed: 9, densityPerDeg2: 20_000, magLimit: 24 };
    const big = starsInBox(sky, { raMin: 149.9, raMax: 150.2, decMin: -30.1, decMax: -29.8 });
    const small = starsInBox(sky, { raMin: 150, raMax: 150.1, decMin: -30, decMax: -29.9 });
    expect(small.length).toBeGreaterThan(50);
    const ids = new Map(Array.from(big.id, (id, k) => [id, k]));
    for (let k = 0; k < small.length; k++) {
      const j = ids.get(small.id[k]!);
      expect(j).toBeDefined();
      expect(big.ra[j!]).toBe(small.ra[k]);
      expect(big.mag.g![j!]).toBe(small.mag.g![k]);
    }
    // ~density × area (cos dec shrinks RA).
    const area = 0.1 * 0.1 * Math.cos((29.95 * Math.PI) / 180);
    expect(small.length).toBeGreaterThan(0.8 * 20_000 * area);
    expect(small.length).toBeLessThan(1.2 * 20_000 * area);
  });

  it('takes every star of a cap when the box spans the whole circle of right ascension', () => {
    const sky = { seed: 9, densityPerDeg2: 2_000, magLimit: 24 };
    const whole = starsInBox(sky, { raMin: 0, raMax: 360, decMin: -89.6, decMax: -89.4 });
    // the cap's halves, asked for separately, hold the same stars
    const east = starsInBox(sky, { raMin: 0, raMax: 180, decMin: -89.6, decMax: -89.4 });
    const west = starsInBox(sky, {
      raMin: 180.000001,
      raMax: 359.999999,
      decMin: -89.6,
      decMax: -89.4,
    });
    expect(east.length).toBeGreaterThan(0);
    expect(west.length).toBeGreaterThan(0);
    expect(whole.length).toBe(east.length + west.length);
  });

  it('draws stars where their true proper motions have taken them by the snap’s epoch', () => {
    const sky = { seed: 9, densityPerDeg2: 20_000, magLimit: 24 };
    const wcs = makeTanWcs({
      crval: [150, -30],
      crpix: [256, 256],
      scaleArcsecPerPx: 0.2,
      rotationDeg: 0,
    });
    const then = starsOnDetector(sky, wcs, 512, 512, 0.2);
    const later = starsOnDetector(sky, wcs, 512, 512, 0.2, SKY_EPOCH_JYEAR + 50);
    const at = new Map(Array.from(later.catalog.id, (id, k) => [id, k]));
    let moved = 0;
    let compared = 0;
    for (let k = 0; k < then.catalog.length; k++) {
      const j = at.get(then.catalog.id[k]!);
      if (j === undefined) continue;
      compared++;
      const pm = trueProperMotion(
        9,
        then.catalog.id[k]!,
        then.catalog.ra[k]!,
        then.catalog.dec[k]!,
        then.catalog.mag.r![k]!,
      );
      // 50 years of motion, in pixels of 0.2″
      const expectPx = (Math.hypot(pm.pmRa, pm.pmDec) * 50) / 200;
      const px = Math.hypot(later.x[j]! - then.x[k]!, later.y[j]! - then.y[k]!);
      expect(px).toBeCloseTo(expectPx, 3);
      if (px > 1) moved++;
    }
    expect(compared).toBeGreaterThan(20);
    expect(moved).toBeGreaterThan(0);
  });

  it('makes a stable few percent of stars variable', () => {
    let n = 0;
    for (let id = 0; id < 20_000; id++) if (variability(3, id * 7919)) n++;
    expect(n / 20_000).toBeGreaterThan(VARIABLE_FRACTION * 0.8);
    expect(n / 20_000).toBeLessThan(VARIABLE_FRACTION * 1.2);
    expect(variability(3, 12345)).toEqual(variability(3, 12345));
  });

  it('bleeds charge above full well along the column, conserving it', () => {
    const w = 5;
    const h = 41;
    const image = new Float32Array(w * h).fill(100);
    image[20 * w + 2] = 1_000_000;
    const before = image.reduce((a, b) => a + b, 0);
    const saturated = bleed(image, w, h, 150_000);
    expect(image.reduce((a, b) => a + b, 0)).toBeCloseTo(before, -1);
    // 850 000 e⁻ of excess, half each way: two full neighbours and a partial third.
    expect(saturated).toBe(5);
    for (let y = 18; y <= 22; y++) expect(image[y * w + 2]).toBe(150_000);
    expect(image[17 * w + 2]).toBeGreaterThan(100_000);
    expect(image[23 * w + 2]).toBeGreaterThan(100_000);
    expect(image[20 * w + 1]).toBe(100);
  });

  it('draws the sky’s galaxies and supernovae into a detector, and none when the sky has none', () => {
    const options = {
      instrument: 'LATISS',
      seed: 4,
      scale: 0.15,
      starDensityPerDeg2: 0,
      magLimit: 22,
      transientsPerDetector: 0,
      cosmicRatePerCm2S: 0,
    };
    const visit = plannedVisit(
      {
        instrument: 'LATISS',
        firstStartMs: Date.UTC(2026, 10, 21, 3),
        visits: 1,
        cadenceS: 35,
        exposureTimeS: 30,
        snaps: 1,
        readoutS: 2,
        bands: ['r'],
        survey: 'TEST',
        seed: 4,
      },
      0,
    );
    const render = (camera: SimCamera) =>
      renderScene({
        seed: 4,
        sky: camera.sky,
        geometry: camera.focalPlane.placement(0).geometry,
        model: camera.model(0),
        wcs: camera.wcs(visit, 0),
        pixelScaleArcsec: camera.focalPlane.pixelScaleArcsec,
        band: 'r',
        visitIndex: 0,
        detector: 0,
        snap: 0,
        openMs: visit.startMs,
        visitStartMs: visit.startMs,
        exposureTimeS: 30,
        darkTimeS: 30.5,
        seeingArcsec: 0.7,
        transientsPerDetector: 0,
        cosmicRatePerCm2S: 0,
      });
    const bare = render(new SimCamera(options));
    const withGalaxies = render(
      new SimCamera({ ...options, galaxyMagLimit: 24.5, supernovaRatePerDeg2Yr: 100_000 }),
    );
    expect(bare.truth.galaxies).toBe(0);
    expect(withGalaxies.truth.galaxies).toBeGreaterThan(20);
    // supernovae on the detector, in truth with their hosts
    const sne = withGalaxies.truth.sources.filter((t) => t.kind === 'supernova');
    expect(bare.truth.sources.filter((t) => t.kind === 'supernova')).toEqual([]);
    expect(sne.length).toBeGreaterThan(3);
    expect(sne.filter((t) => t.hostId !== undefined).length).toBeGreaterThan(sne.length / 2);
    const sum = (a: Float32Array): number => a.reduce((x, y) => x + y, 0);
    // the galaxies' light, well above the sky's shot noise over the detector
    const extra = sum(withGalaxies.electrons) - sum(bare.electrons);
    expect(extra).toBeGreaterThan(10 * Math.sqrt(sum(bare.electrons)));
  });

  it('adds cosmic rays, dark current, dead columns and saturated stars to a detector', () => {
    const camera = new SimCamera({
      instrument: 'LATISS',
      seed: 4,
      scale: 0.15,
      starDensityPerDeg2: 2_000_000,
      magLimit: 22,
      transientsPerDetector: 3,
      cosmicRatePerCm2S: 1,
    });
    const visit = plannedVisit(
      {
        instrument: 'LATISS',
        firstStartMs: Date.UTC(2026, 10, 21, 3),
        visits: 1,
        cadenceS: 35,
        exposureTimeS: 30,
        snaps: 1,
        readoutS: 2,
        bands: ['r'],
        survey: 'TEST',
        seed: 4,
      },
      0,
    );
    const g = camera.focalPlane.placement(0).geometry;
    const model = camera.model(0);
    const { electrons, truth } = renderScene({
      seed: 4,
      sky: camera.sky,
      geometry: g,
      model,
      wcs: camera.wcs(visit, 0),
      pixelScaleArcsec: camera.focalPlane.pixelScaleArcsec,
      band: 'r',
      visitIndex: 0,
      detector: 0,
      snap: 0,
      openMs: visit.startMs,
      visitStartMs: visit.startMs,
      exposureTimeS: 30,
      darkTimeS: 30.5,
      seeingArcsec: 0.4,
      transientsPerDetector: 3,
      cosmicRatePerCm2S: 1,
    });
    expect(truth.cosmicRays.length).toBeGreaterThan(0);
    expect(truth.saturatedPixels).toBeGreaterThan(0);
    expect(truth.sources.filter((s) => s.kind === 'new')).toHaveLength(3);
    for (const s of truth.sources.filter((s) => s.kind === 'variable'))
      expect(s.mag).not.toBe(s.templateMag);
    // A dead column collects ~5 % of its neighbours' sky.
    const c = model.badColumns[0]!;
    const y = Math.floor(g.height / 3);
    const dead = electrons[y * g.width + c]!;
    const sky = Math.min(electrons[y * g.width + c - 1]!, electrons[y * g.width + c + 1]!);
    expect(dead).toBeLessThan(0.3 * sky);
    // Hot pixels glow over the dark time.
    const hot = model.hotPixels[0]!;
    expect(electrons[hot.index]).toBeGreaterThan(hot.rateE * 30.5);
  });
});
