import { describe, expect, it } from 'vitest';
import { estimateBackground } from './background.js';
import { detectSources } from './detect.js';
import { DetectionWorkspace } from './detection-workspace.js';
import type { Image } from './image.js';
import { labelComponents } from './label.js';
import { measureSources } from './measure.js';
import { makeStarField } from './testing/synth.js';

function field(width: number, height: number, seed: number): Image {
  const f = makeStarField({
    width,
    height,
    seed,
    nStars: 60,
    sky: 800,
    skyGradX: 0.05,
    noiseSigma: 20,
    fwhmPx: 3,
    fluxMin: 2000,
    fluxMax: 200000,
    minSeparationPx: 10,
    marginPx: 4,
  });
  // a few NaN pixels, one fully masked cell's worth of rows near the top
  for (let i = 0; i < 40; i++) f.data[(i * 7919) % f.data.length] = NaN;
  f.data.fill(NaN, 0, width * 3);
  return { width, height, data: f.data };
}

function pipeline(image: Image, ws?: DetectionWorkspace) {
  const bg = estimateBackground(image, { meshSize: 32, filterSize: 3 }, ws);
  const det = detectSources(image, bg, { nSigma: 5, minArea: 5, psfFwhmPx: 3 }, ws);
  const cat = measureSources(image, det, bg.rms, { apertureRadiusPx: 4 });
  return { bg, det, cat };
}

function expectSameResults(a: ReturnType<typeof pipeline>, b: ReturnType<typeof pipeline>): void {
  expect(b.bg.background.data).toEqual(a.bg.background.data);
  expect(b.bg.rms.data).toEqual(a.bg.rms.data);
  expect(b.det.subtracted.data).toEqual(a.det.subtracted.data);
  expect(b.det.detection.data).toEqual(a.det.detection.data);
  expect(b.det.footprints).toEqual(a.det.footprints);
  expect(b.cat).toEqual(a.cat);
}

describe('DetectionWorkspace', () => {
  it('gives bit-identical background, detections and catalog to fresh arrays', () => {
    const image = field(301, 257, 3);
    const fresh = pipeline(image);
    expect(fresh.cat.length).toBeGreaterThan(30);
    expectSameResults(fresh, pipeline(image, new DetectionWorkspace()));
  });

  it('reuses every full-frame buffer on the next call, and serves a smaller image from views', () => {
    const ws = new DetectionWorkspace();
    const first = pipeline(field(301, 257, 3), ws);
    const held = ws.byteLength;
    // five float32/int32 planes of 301×257
    expect(held).toBeGreaterThanOrEqual(5 * 4 * 301 * 257);
    const buffers = [
      first.bg.background.data.buffer,
      first.bg.rms.data.buffer,
      first.det.subtracted.data.buffer,
      first.det.detection.data.buffer,
      first.det.footprints.labels.buffer,
    ];
    const small = field(200, 180, 4);
    const second = pipeline(small, ws);
    const again = [
      second.bg.background.data,
      second.bg.rms.data,
      second.det.subtracted.data,
      second.det.detection.data,
      second.det.footprints.labels,
    ];
    again.forEach((view, k) => {
      expect(view.buffer).toBe(buffers[k]);
      expect(view.length).toBe(200 * 180);
    });
    expect(ws.byteLength).toBe(held);
    expectSameResults(pipeline(small), second);
    ws.release();
    expect(ws.byteLength).toBeLessThan(held / 100);
  });

  it('grows its union-find tables for masks with thousands of components', () => {
    // a checkerboard of isolated pixels every other row: 150 × 50 = 7500 components
    const w = 300;
    const h = 100;
    const mask = new Uint8Array(w * h);
    for (let y = 0; y < h; y += 2) for (let x = 0; x < w; x += 2) mask[y * w + x] = 1;
    const ws = new DetectionWorkspace();
    const withWs = labelComponents(mask, w, h, 1, ws.labels(w * h), ws);
    expect(withWs.count).toBe(7500);
    expect(withWs).toEqual(labelComponents(mask, w, h, 1));
  });
});
