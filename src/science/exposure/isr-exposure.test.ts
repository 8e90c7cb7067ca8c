import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { IsrExposureBuilder, runIsrExposure } from './isr-exposure.js';
import { maskBits } from './mask-planes.js';
import { makeSyntheticDetector, type DetectorSpec } from './testing/synthetic-detector.js';

const BASE: DetectorSpec = {
  width: 1024,
  height: 1024,
  seed: 11,
  snaps: 2,
  skyE: 800,
  gain: 1.6,
  readNoiseE: 7,
  fullWellE: 100_000,
  fwhmPx: 2.2,
  nStars: 600,
  fluxMin: 2_000,
  fluxMax: 400_000,
  saturatingFluxes: [3e6, 8e6, 2e7],
  nCosmicRays: 300,
};

const CR = maskBits('CR');
const SAT = maskBits('SAT');
const BAD = maskBits('BAD');
const INTRP = maskBits('INTRP');

/** True when a pixel within `r` of (x, y) satisfies `test`. */
function near(
  w: number,
  h: number,
  x: number,
  y: number,
  r: number,
  test: (j: number) => boolean,
): boolean {
  for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++)
    for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++)
      if (test(yy * w + xx)) return true;
  return false;
}

describe('runIsrExposure on a two-snap Moffat star field', () => {
  const det = makeSyntheticDetector(BASE);
  const { exposure, stats } = runIsrExposure({
    snaps: det.snaps,
    flat: det.flat,
    options: { background: false },
  });
  const { width: W, height: H, mask } = exposure;
  const img = exposure.image.data;
  const variance = exposure.variance.data;

  it('finds ≥ 95 % of injected cosmic-ray pixels and repairs them to within noise of the truth', () => {
    let usable = 0;
    let found = 0;
    const z: number[] = [];
    for (const i of det.crPixels.keys()) {
      if ((mask[i]! & SAT) !== 0) continue; // a cosmic ray on a saturated star is not a question
      usable++;
      if ((mask[i]! & CR) !== 0) {
        found++;
        z.push((img[i]! - det.truth[i]!) / Math.sqrt(variance[i]!));
      }
    }
    console.log(
      `CR: ${found}/${usable} injected pixels found (${((100 * found) / usable).toFixed(2)} %), ${stats.crPixels} flagged`,
    );
    expect(usable).toBeGreaterThan(2000);
    expect(found / usable).toBeGreaterThanOrEqual(0.95);
    const rms = Math.sqrt(z.reduce((a, b) => a + b * b, 0) / z.length);
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    console.log(
      `CR repairs: (value − truth)/σ mean ${mean.toFixed(3)}, rms ${rms.toFixed(3)}, max ${Math.max(...z.map(Math.abs)).toFixed(2)}`,
    );
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(rms).toBeGreaterThan(0.8);
    expect(rms).toBeLessThan(1.2);
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(5.5);
  });

  it('flags ≤ 1 false cosmic-ray pixel per 10⁶ pixels, none on stars', () => {
    let falsePx = 0;
    let halo = 0;
    for (let i = 0; i < mask.length; i++) {
      if ((mask[i]! & CR) === 0 || det.crPixels.has(i)) continue;
      const x = i % W;
      const y = (i - x) / W;
      // the growth step may take a noisy neighbour of a real track: counted, but not as false
      if (near(W, H, x, y, 1, (j) => det.crPixels.has(j))) halo++;
      else falsePx++;
    }
    let onStars = 0;
    for (const s of det.stars) {
      const x = Math.round(s.x);
      const y = Math.round(s.y);
      if (
        near(
          W,
          H,
          x,
          y,
          3,
          (j) =>
            (mask[j]! & CR) !== 0 &&
            !near(W, H, j % W, Math.floor(j / W), 1, (k) => det.crPixels.has(k)),
        )
      )
        onStars++;
    }
    console.log(
      `CR false pixels: ${falsePx} in ${W * H} px; grown halo pixels ${halo}; stars flagged ${onStars}/${det.stars.length}`,
    );
    expect(falsePx / ((W * H) / 1e6)).toBeLessThanOrEqual(1);
    expect(onStars).toBe(0);
    expect(halo).toBeLessThan(0.03 * det.crPixels.size);
  });

  it('masks saturated pixels and their bleed trails along columns, and interpolates over them', () => {
    let missed = 0;
    let trueSat = 0;
    for (let i = 0; i < mask.length; i++) {
      if (det.saturated[i] === 0) continue;
      trueSat++;
      if ((mask[i]! & SAT) === 0) missed++;
    }
    let stray = 0;
    let satCount = 0;
    for (let i = 0; i < mask.length; i++) {
      if ((mask[i]! & SAT) === 0) continue;
      satCount++;
      const x = i % W;
      if (!near(W, H, x, (i - x) / W, 4, (j) => det.saturated[j] === 1)) stray++;
      if ((mask[i]! & INTRP) === 0 || !Number.isFinite(img[i]!)) stray++;
    }
    // the brightest star bleeds far along its column: a trail much taller than wide
    let minY = H;
    let maxY = 0;
    let minX = W;
    let maxX = 0;
    const s = det.stars[det.stars.length - 1]!;
    for (let i = 0; i < mask.length; i++) {
      if (det.saturated[i] === 0) continue;
      const x = i % W;
      const y = (i - x) / W;
      if (Math.abs(x - s.x) > 15) continue;
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
    }
    console.log(
      `SAT: ${trueSat} truly saturated, ${missed} missed, ${satCount} flagged, ${stray} stray; trail ${maxX - minX + 1}×${maxY - minY + 1} px`,
    );
    expect(trueSat).toBeGreaterThan(100);
    expect(missed).toBe(0);
    expect(stray).toBe(0);
    expect(maxY - minY).toBeGreaterThan(3 * (maxX - minX + 1));
  });
});

describe('runIsrExposure on a flat noise field', () => {
  const spec: DetectorSpec = {
    ...BASE,
    seed: 5,
    skyE: 1500,
    nStars: 0,
    saturatingFluxes: [],
    nCosmicRays: 0,
    flatSlope: 0.4,
    defects: { hotColumn: 300, deadBox: { x0: 700, y0: 200, width: 12, height: 30 } },
  };
  const det = makeSyntheticDetector(spec);
  const result = runIsrExposure({
    snaps: det.snaps,
    flat: det.flat,
    defects: det.defectBoxes,
    options: { edgePx: 4 },
  });
  const { exposure } = result;
  const { width: W, height: H, mask } = exposure;
  const img = exposure.image.data;
  const variance = exposure.variance.data;

  it('has a variance plane within 5 % of the empirical pixel variance, across the flat gradient', () => {
    const strips = 8;
    const ratios: number[] = [];
    for (let s = 0; s < strips; s++) {
      let n = 0;
      let sum = 0;
      let sum2 = 0;
      let vsum = 0;
      for (let y = 8; y < H - 8; y++) {
        for (let x = (s * W) / strips; x < ((s + 1) * W) / strips; x++) {
          const i = y * W + x;
          if (mask[i] !== 0) continue;
          n++;
          sum += img[i]!;
          sum2 += img[i]! * img[i]!;
          vsum += variance[i]!;
        }
      }
      const empirical = sum2 / n - (sum / n) ** 2;
      ratios.push(vsum / n / empirical);
    }
    console.log(
      `variance plane / empirical variance per strip: ${ratios.map((r) => r.toFixed(4)).join(' ')}`,
    );
    for (const r of ratios) expect(Math.abs(r - 1)).toBeLessThan(0.05);
    // the flat gradient shows: variance falls where the flat is high
    expect(variance[H * (W / 2) + 10]!).toBeGreaterThan(variance[H * (W / 2) + W - 10]! * 1.2);
  });

  it('marks defects BAD and INTRP, exactly on the defect boxes, with values near the sky', () => {
    let bad = 0;
    let off = 0;
    const z: number[] = [];
    for (let i = 0; i < mask.length; i++) {
      if ((mask[i]! & BAD) === 0) continue;
      bad++;
      const x = i % W;
      const y = (i - x) / W;
      const inBox = det.defectBoxes.some(
        (b) => x >= b.x0 && x < b.x0 + b.width && y >= b.y0 && y < b.y0 + b.height,
      );
      if (!inBox || (mask[i]! & INTRP) === 0) off++;
      z.push(Math.abs(img[i]! / Math.sqrt(variance[i]!)));
    }
    z.sort((a, b) => a - b);
    const median = z[Math.floor(z.length / 2)]!;
    console.log(
      `defects: ${bad} BAD pixels (expected ${H + 12 * 30}), median |value − background|/σ ${median.toFixed(3)}`,
    );
    expect(bad).toBe(H + 12 * 30);
    expect(off).toBe(0);
    expect(median).toBeLessThan(1.5);
  });

  it('subtracts the background, keeps its level in metadata and marks the EDGE border', () => {
    const m = exposure.metadata;
    expect(typeof m['BGMEAN']).toBe('number');
    expect(m['BGMEAN'] as number).toBeGreaterThan(2 * 1500 * 0.75);
    expect(m['BGMEAN'] as number).toBeLessThan(2 * 1500 * 1.25);
    expect(m['NSNAPS']).toBe(2);
    expect(m['CRMETHOD']).toBe('snaps');
    let mean = 0;
    for (let i = 0; i < img.length; i++) if (mask[i] === 0) mean += img[i]!;
    expect(Math.abs(mean / img.length)).toBeLessThan(2);
    const EDGE = maskBits('EDGE');
    expect(mask[0]! & EDGE).toBe(EDGE);
    expect(mask[3 * W + 500]! & EDGE).toBe(EDGE);
    expect(mask[4 * W + 500]! & EDGE).toBe(0);
    expect(mask[500 * W + W - 1]! & EDGE).toBe(EDGE);
    expect(Math.abs(result.readNoiseE[0]! - spec.readNoiseE)).toBeLessThan(0.5);
  });
});

describe('runIsrExposure options', () => {
  const small: DetectorSpec = {
    ...BASE,
    width: 64,
    height: 48,
    nStars: 3,
    saturatingFluxes: [],
    nCosmicRays: 0,
    snaps: 1,
  };

  it('uses the Laplacian method with one snap, none when asked, and says which in metadata', () => {
    const det = makeSyntheticDetector(small);
    const r = runIsrExposure({ snaps: det.snaps });
    expect(r.stats.crMethod).toBe('laplacian');
    expect(r.exposure.metadata['CRMETHOD']).toBe('laplacian');
    const det2 = makeSyntheticDetector(small);
    const none = runIsrExposure({ snaps: det2.snaps, options: { cosmicRays: { method: 'none' } } });
    expect(none.exposure.metadata['CRMETHOD']).toBe('none');
  });

  it('builds the exposure in buffers passed in', () => {
    const det = makeSyntheticDetector(small);
    const buffers = {
      image: new Float32Array(64 * 48),
      mask: new Uint32Array(64 * 48),
      variance: new Float32Array(64 * 48),
    };
    const r = runIsrExposure({ snaps: det.snaps, buffers });
    expect(r.exposure.image.data).toBe(buffers.image);
    expect(r.exposure.mask).toBe(buffers.mask);
    expect(r.exposure.variance.data).toBe(buffers.variance);
  });

  it('refuses snap comparison with one snap, and a flat of the wrong size', () => {
    const det = makeSyntheticDetector(small);
    const codes: (string | undefined)[] = [];
    for (const run of [
      () => runIsrExposure({ snaps: det.snaps, options: { cosmicRays: { method: 'snaps' } } }),
      () =>
        runIsrExposure({
          snaps: det.snaps,
          flat: { width: 10, height: 10, data: new Float32Array(100) },
        }),
    ]) {
      try {
        run();
        codes.push(undefined);
      } catch (err) {
        codes.push(isPromptlyError(err) ? err.code : String(err));
      }
    }
    expect(codes).toEqual(['PROMPTLY_E_SCIENCE_OPTION_INVALID', 'PROMPTLY_E_IMAGE_GEOMETRY']);
  });
});

describe('IsrExposureBuilder', () => {
  const det = makeSyntheticDetector({ ...BASE, width: 256, height: 256, nStars: 60 });
  const n = 256 * 256;
  const calib = (seed: number, scale: number) => ({
    width: 256,
    height: 256,
    data: Float32Array.from({ length: n }, (_, i) => scale * (((i * seed) % 97) / 97 - 0.2)),
  });
  const bias = calib(13, 5);
  const dark = calib(29, 0.05);
  const copy = (img: typeof bias) => ({ ...img, data: Float32Array.from(img.data) });

  it('a snap at a time, giving away its bias and dark, builds the same exposure in their arrays', () => {
    const expected = runIsrExposure({
      snaps: det.snaps,
      bias: copy(bias),
      dark: copy(dark),
      flat: det.flat,
      options: { background: false },
    }).exposure;
    const given = { bias: copy(bias), dark: copy(dark) };
    const builder = new IsrExposureBuilder({
      ...given,
      flat: det.flat,
      consumeCalibs: true,
      options: { background: false },
    });
    for (const snap of det.snaps) builder.addSnap({ ...snap, darkTimeS: 30 });
    const { exposure } = builder.finish();
    // the dark time differs (30 s, not 0): only the dark term of the image and variance moves
    expect(exposure.variance.data).toBe(given.bias.data);
    expect(exposure.image.data).not.toBe(given.bias.data);
    let differ = 0;
    for (let i = 0; i < n; i++) if (exposure.image.data[i] !== expected.image.data[i]) differ++;
    expect(differ).toBeGreaterThan(n / 2);

    const same = new IsrExposureBuilder({
      bias: copy(bias),
      dark: copy(dark),
      flat: det.flat,
      consumeCalibs: true,
      options: { background: false },
    });
    for (const snap of det.snaps) same.addSnap(snap);
    const again = same.finish().exposure;
    expect(Array.from(again.image.data)).toEqual(Array.from(expected.image.data));
    expect(Array.from(again.variance.data)).toEqual(Array.from(expected.variance.data));
    expect(Array.from(again.mask)).toEqual(Array.from(expected.mask));
    expect(() => same.finish()).toThrow(/twice/);
    expect(() => same.addSnap(det.snaps[0]!)).toThrow(/after finish/);
  });

  it('leaves the calibrations untouched unless told to consume them', () => {
    const b = copy(bias);
    const builder = new IsrExposureBuilder({
      bias: b,
      flat: det.flat,
      options: { background: false },
    });
    for (const snap of det.snaps) builder.addSnap(snap);
    const { exposure } = builder.finish();
    expect(exposure.variance.data).not.toBe(b.data);
    expect(Array.from(b.data)).toEqual(Array.from(bias.data));
  });
});
