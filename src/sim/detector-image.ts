/**
 * The minimal renderer: uniform random stars with a Gaussian PSF on a flat sky. Test fixtures
 * use it for quick raws; the realistic camera renders through `detector-scene.ts`.
 */
import type { Prng } from './prng.js';

/** A star as the simulator draws it, in detector pixels (0-based) and electrons. */
export interface SimStar {
  readonly x: number;
  readonly y: number;
  /** Total flux, electrons. */
  readonly flux: number;
}

/** Sky background per band, e⁻ per pixel per second (kept here for older callers). */
export { SKY_E_PER_S } from './photometry.js';

/** Random stars over a detector: uniform positions, a power-law of fluxes. */
export function randomStars(rng: Prng, width: number, height: number, count: number): SimStar[] {
  const stars: SimStar[] = [];
  for (let i = 0; i < count; i++) {
    const flux = 2e3 * Math.pow(1 - rng.next(), -1.2);
    stars.push({
      x: rng.uniform(4, width - 4),
      y: rng.uniform(4, height - 4),
      flux: Math.min(flux, 5e6),
    });
  }
  return stars;
}

/**
 * Renders the sky a detector sees during one exposure, in electrons: background plus stars
 * with a circular Gaussian PSF (`sigmaPx`), each star's flux spread over a ±4σ box.
 */
export function renderSky(options: {
  width: number;
  height: number;
  skyE: number;
  stars: readonly SimStar[];
  sigmaPx: number;
}): Float32Array {
  const { width, height, stars, sigmaPx } = options;
  const image = new Float32Array(width * height).fill(options.skyE);
  const r = Math.ceil(4 * sigmaPx);
  const norm = 1 / (2 * Math.PI * sigmaPx * sigmaPx);
  const inv2s2 = 1 / (2 * sigmaPx * sigmaPx);
  for (const s of stars) {
    const x0 = Math.max(0, Math.floor(s.x) - r);
    const x1 = Math.min(width - 1, Math.floor(s.x) + r);
    const y0 = Math.max(0, Math.floor(s.y) - r);
    const y1 = Math.min(height - 1, Math.floor(s.y) + r);
    for (let y = y0; y <= y1; y++) {
      const dy = y - s.y;
      const row = y * width;
      for (let x = x0; x <= x1; x++) {
        const dx = x - s.x;
        image[row + x] =
          (image[row + x] ?? 0) + s.flux * norm * Math.exp(-(dx * dx + dy * dy) * inv2s2);
      }
    }
  }
  return image;
}
