import { describe, expect, it } from 'vitest';
import { estimateBackground } from './background.js';
import { detectSources } from './detect.js';
import { runIsr, type IsrAmp } from './isr.js';
import { measureSources } from './measure.js';
import { makeGauss, makeRng } from './testing/synth.js';

// LSSTCam e2v-like geometry: 2 rows × 8 amps; each raw amp 576×2048 with a 509×2000 data
// section after 3 prescan columns and a 64-column serial overscan. DETSECs flip x on the
// bottom row and y on the top row, as obj_lsst headers do.
const AMP_W = 576;
const AMP_H = 2048;
const DATA_W = 509;
const DATA_H = 2000;
const STARS_PER_AMP = 40;

function lsstCamAmps(seed: number): IsrAmp[] {
  const rng = makeRng(seed);
  const gauss = makeGauss(rng);
  const sigma = 3 / 2.3548;
  const amps: IsrAmp[] = [];
  for (let row = 0; row < 2; row++) {
    for (let col = 0; col < 8; col++) {
      const bias = 20000 + 100 * (row * 8 + col);
      const pixels = new Int32Array(AMP_W * AMP_H);
      for (let i = 0; i < pixels.length; i++) {
        const x = i % AMP_W;
        const inData = x >= 3 && x < 3 + DATA_W && i < AMP_W * DATA_H;
        pixels[i] = Math.round(bias + (inData ? 500 : 0) + 6 * gauss());
      }
      // well-separated stars on a coarse grid, jittered, 20000 ADU each
      for (let s = 0; s < STARS_PER_AMP; s++) {
        const cx = 3 + 30 + (s % 5) * 100 + 20 * rng();
        const cy = 30 + Math.floor(s / 5) * 240 + 20 * rng();
        for (let dy = -6; dy <= 6; dy++) {
          for (let dx = -6; dx <= 6; dx++) {
            const x = Math.round(cx) + dx;
            const y = Math.round(cy) + dy;
            const r2 = (x - cx) ** 2 + (y - cy) ** 2;
            const v = (20000 / (2 * Math.PI * sigma * sigma)) * Math.exp(-r2 / (2 * sigma * sigma));
            pixels[y * AMP_W + x] = pixels[y * AMP_W + x]! + Math.round(v);
          }
        }
      }
      const x1 = col * DATA_W + 1;
      const x2 = (col + 1) * DATA_W;
      const detSec =
        row === 0 ? `[${x2}:${x1},1:${DATA_H}]` : `[${x1}:${x2},${2 * DATA_H}:${DATA_H + 1}]`;
      amps.push({
        pixels,
        width: AMP_W,
        height: AMP_H,
        dataSec: `[4:${3 + DATA_W},1:${DATA_H}]`,
        biasSec: `[${4 + DATA_W}:${AMP_W},1:${DATA_H}]`,
        detSec,
        gain: 1.5,
      });
    }
  }
  return amps;
}

describe('full-detector throughput', () => {
  // Times are printed, not held to a bound: speed is measured by the benchmarks against anchors.
  it('runs ISR, background, detection and measurement on a full 4072×4000 LSSTCam detector', () => {
    const amps = lsstCamAmps(7);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const isr = runIsr({ amps });
    const t1 = performance.now();
    const bg = estimateBackground(isr.image);
    const t2 = performance.now();
    const det = detectSources(isr.image, bg, { psfFwhmPx: 3 });
    const t3 = performance.now();
    const cat = measureSources(isr.image, det, bg.rms, { gain: 1 });
    const t4 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `4072×4000: isr ${(t1 - t0).toFixed(0)} ms, background ${(t2 - t1).toFixed(0)} ms, ` +
        `detect ${(t3 - t2).toFixed(0)} ms, measure ${(t4 - t3).toFixed(0)} ms (${cat.length} sources); CPU ${cpuMs.toFixed(0)} ms`,
    );
    expect(isr.image.width).toBe(8 * DATA_W);
    expect(isr.image.height).toBe(2 * DATA_H);
    // every injected star, and at 5σ essentially no noise peaks
    expect(cat.length).toBeGreaterThanOrEqual(16 * STARS_PER_AMP);
    expect(cat.length).toBeLessThan(16 * STARS_PER_AMP + 20);
    expect(Math.abs(bg.globalLevel - 750)).toBeLessThan(1);
  });
});
