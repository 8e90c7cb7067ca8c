import type { Image } from './image.js';

/**
 * Windowed centroids, as SExtractor's XWIN_IMAGE/YWIN_IMAGE: a source's position refined by
 * iterating a Gaussian-weighted first moment, weight exp(−r²/2σ²) about the current estimate,
 * with the update doubled (for a Gaussian profile the weighted moment moves half-way to the
 * centre), until it moves less than 2·10⁻⁴ px or after 16 steps. Far less noisy than an
 * isophotal centroid for faint sources, whose footprints are ragged. Pixels that are not
 * finite are skipped; a source whose weighted flux is not positive keeps its position.
 * Coordinates are 0-based pixel centres.
 */
export function windowCentroids(
  image: Image,
  x: Float64Array,
  y: Float64Array,
  sigmaPx: number,
): { x: Float64Array; y: Float64Array } {
  const { width, height, data } = image;
  const outX = Float64Array.from(x);
  const outY = Float64Array.from(y);
  const radius = Math.ceil(4 * sigmaPx);
  const inv2s2 = 1 / (2 * sigmaPx * sigmaPx);
  for (let k = 0; k < x.length; k++) {
    let cx = x[k]!;
    let cy = y[k]!;
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    for (let iter = 0; iter < 16; iter++) {
      const x0 = Math.max(0, Math.floor(cx - radius));
      const x1 = Math.min(width - 1, Math.ceil(cx + radius));
      const y0 = Math.max(0, Math.floor(cy - radius));
      const y1 = Math.min(height - 1, Math.ceil(cy + radius));
      let sw = 0;
      let sx = 0;
      let sy = 0;
      for (let py = y0; py <= y1; py++) {
        const dy = py - cy;
        for (let px = x0; px <= x1; px++) {
          const v = data[py * width + px]!;
          if (!Number.isFinite(v)) continue;
          const dx = px - cx;
          const w = Math.exp(-(dx * dx + dy * dy) * inv2s2) * v;
          sw += w;
          sx += w * dx;
          sy += w * dy;
        }
      }
      if (!(sw > 0)) break;
      const stepX = (2 * sx) / sw;
      const stepY = (2 * sy) / sw;
      // a step beyond the window means the moment is dominated by something else: stop
      if (Math.hypot(stepX, stepY) > radius) break;
      cx += stepX;
      cy += stepY;
      if (Math.hypot(stepX, stepY) < 2e-4) break;
    }
    if (Math.hypot(cx - x[k]!, cy - y[k]!) <= radius) {
      outX[k] = cx;
      outY[k] = cy;
    }
  }
  return { x: outX, y: outY };
}
