import type { Image } from '../image.js';
import type { FitWindow } from './pixel-gaussian.js';

/**
 * Calls `visit(i, j, d, w)` for each pixel of `win` whose value is finite and whose variance is
 * finite and positive — `d` the value, `w` = 1/variance, (i, j) relative to the window's
 * corner — and returns how many it visited. The one loop every weighted fit here runs.
 */
export function forEachWeighted(
  image: Image,
  variance: Image,
  win: FitWindow,
  visit: (i: number, j: number, d: number, w: number) => void,
): number {
  let n = 0;
  for (let y = win.y0; y <= win.y1; y++) {
    const row = y * image.width;
    for (let x = win.x0; x <= win.x1; x++) {
      const d = image.data[row + x]!;
      const v = variance.data[row + x]!;
      if (!Number.isFinite(d) || !(v > 0) || !Number.isFinite(v)) continue;
      visit(x - win.x0, y - win.y0, d, 1 / v);
      n++;
    }
  }
  return n;
}

/** The amplitude of a model fitted to a window's pixels. */
export interface AmplitudeFit {
  /** F = Σ w m d / Σ w m², and its 1σ error 1/√(Σ w m²). */
  readonly flux: number;
  readonly fluxErr: number;
  /** Σ w (d − F m)², and the pixels used. */
  readonly chi2: number;
  readonly ndata: number;
}

/**
 * Weighted linear fit of the amplitude of `model(i, j)` (window-relative pixels) to the window;
 * undefined when the model has no weight there or fewer than `minPixels` pixels were usable.
 */
export function fitAmplitude(
  image: Image,
  variance: Image,
  win: FitWindow,
  model: (i: number, j: number) => number,
  minPixels: number,
): AmplitudeFit | undefined {
  let smd = 0;
  let smm = 0;
  let sdd = 0;
  const n = forEachWeighted(image, variance, win, (i, j, d, w) => {
    const m = model(i, j);
    smd += w * m * d;
    smm += w * m * m;
    sdd += w * d * d;
  });
  if (!(smm > 0) || n < minPixels) return undefined;
  const flux = smd / smm;
  // χ² = Σ w (d − F m)² = Σ w d² − F² Σ w m² at the optimum
  return {
    flux,
    fluxErr: 1 / Math.sqrt(smm),
    chi2: Math.max(0, sdd - flux * flux * smm),
    ndata: n,
  };
}
