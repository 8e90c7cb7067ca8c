/**
 * Circular-aperture photometry with exact circle/pixel overlap areas (no sub-sampling).
 */

/** Sum inside a circular aperture and the bookkeeping needed for its error and flags. */
export interface ApertureSum {
  /** Σ overlap·value over finite pixels, image units. */
  readonly sum: number;
  /** Σ overlap·rms² over finite pixels (variance of the sum from background noise). */
  readonly variance: number;
  /** Σ overlap over finite pixels inside the image, pixels². */
  readonly area: number;
  /** True when part of the circle lies outside the image. */
  readonly truncated: boolean;
  /** True when a NaN/∞ pixel overlaps the circle (it is left out of the sum). */
  readonly hasNonFinite: boolean;
}

/**
 * Sums `data` over a circle of radius `r` pixels centred at (cx, cy) (0-based pixel-centre
 * frame), weighting each pixel by the exact area of its unit square inside the circle.
 * `rms` (optional, same size) gives the per-pixel noise for the variance.
 */
export function apertureSum(
  data: Float32Array,
  rms: Float32Array | undefined,
  width: number,
  height: number,
  cx: number,
  cy: number,
  r: number,
): ApertureSum {
  const x0 = Math.floor(cx - r + 0.5);
  const x1 = Math.ceil(cx + r - 0.5);
  const y0 = Math.floor(cy - r + 0.5);
  const y1 = Math.ceil(cy + r - 0.5);
  const truncated = x0 < 0 || y0 < 0 || x1 > width - 1 || y1 > height - 1;
  const acc: ApertureAccumulator = { sum: 0, variance: 0, area: 0, hasNonFinite: false };
  for (let y = Math.max(0, y0); y <= Math.min(height - 1, y1); y++) {
    apertureRow(data, rms, y * width, width, y, cx, cy, r, acc);
  }
  return { ...acc, truncated };
}

/** Running sums of {@link apertureRow}; start from zeros and `hasNonFinite` false. */
export interface ApertureAccumulator {
  sum: number;
  variance: number;
  area: number;
  hasNonFinite: boolean;
}

/**
 * Adds image row `y` (its `width` values at `data[offset ..]`, `rms` likewise) to the
 * aperture sums of {@link apertureSum}. Rows added in ascending `y` give exactly its result,
 * so a banded pass that holds one row at a time measures the same fluxes.
 */
export function apertureRow(
  data: Float32Array,
  rms: Float32Array | undefined,
  offset: number,
  width: number,
  y: number,
  cx: number,
  cy: number,
  r: number,
  acc: ApertureAccumulator,
): void {
  const x0 = Math.floor(cx - r + 0.5);
  const x1 = Math.ceil(cx + r - 0.5);
  const r2 = r * r;
  const dy = y - cy;
  for (let x = Math.max(0, x0); x <= Math.min(width - 1, x1); x++) {
    const dx = x - cx;
    // nearest and farthest points of the pixel square from the centre decide the easy cases
    const nx = Math.max(Math.abs(dx) - 0.5, 0);
    const ny = Math.max(Math.abs(dy) - 0.5, 0);
    if (nx * nx + ny * ny >= r2) continue;
    const fx = Math.abs(dx) + 0.5;
    const fy = Math.abs(dy) + 0.5;
    const w =
      fx * fx + fy * fy <= r2 ? 1 : circleRectOverlap(dx - 0.5, dx + 0.5, dy - 0.5, dy + 0.5, r);
    if (w <= 0) continue;
    const v = data[offset + x]!;
    if (!Number.isFinite(v)) {
      acc.hasNonFinite = true;
      continue;
    }
    acc.sum += w * v;
    acc.area += w;
    if (rms) {
      const s = rms[offset + x]!;
      acc.variance += w * s * s;
    }
  }
}

/** Exact area of the circle of radius r at the origin inside [xa,xb]×[ya,yb]. */
export function circleRectOverlap(
  xa: number,
  xb: number,
  ya: number,
  yb: number,
  r: number,
): number {
  return corner(xb, yb, r) - corner(xa, yb, r) - corner(xb, ya, r) + corner(xa, ya, r);
}

/** Signed area of the circle inside the rectangle spanned by the origin and (x, y). */
function corner(x: number, y: number, r: number): number {
  const sx = x < 0 ? -1 : 1;
  const sy = y < 0 ? -1 : 1;
  return sx * sy * quadrant(Math.min(Math.abs(x), r), Math.min(Math.abs(y), r), r);
}

/** Area of the circle inside [0,x]×[0,y], with 0 ≤ x, y ≤ r. */
function quadrant(x: number, y: number, r: number): number {
  if (x * x + y * y <= r * r) return x * y;
  // for t < xc the circle is above y, so the strip is a full rectangle
  const xc = Math.sqrt(r * r - y * y);
  return y * xc + primitive(x, r) - primitive(xc, r);
}

/** ∫ sqrt(r² − t²) dt. */
function primitive(t: number, r: number): number {
  const u = Math.min(1, Math.max(-1, t / r));
  return 0.5 * (t * Math.sqrt(Math.max(0, r * r - t * t)) + r * r * Math.asin(u));
}
