import type { Box } from '../image.js';
import { MASK_PLANES } from './mask-planes.js';

/** Scratch bit for in-place mask work; {@link MAX_MASK_BIT} keeps named planes below it. */
export const SCRATCH_BIT = 0x80000000;

/** One amplifier's region on the detector and its saturation level. */
export interface SaturationRegion {
  /** The amplifier's pixels on the detector (its DETSEC box), 0-based. */
  readonly box: Box;
  /** Saturation level in the units of the image searched (e⁻ after gain), above its overscan. */
  readonly level: number;
}

/** Options of {@link maskSaturation}. */
export interface SaturationOptions {
  /** Rows added at both ends of every saturated column run (the bleed trail's tail). Default 2. */
  readonly bleedGrowRows?: number;
  /**
   * A run keeps growing along its column, within its amplifier, while pixels are at least
   * this fraction of the level (partially filled bleed pixels). Default 0.5.
   */
  readonly bleedFraction?: number;
  /** Final dilation of the SAT mask in x and y, pixels (afw grows by 1). Default 1. */
  readonly growPx?: number;
}

/**
 * Sets SAT on pixels at or above their amplifier's level, on their bleed trails grown along
 * the column (CCD charge bleeds along columns: by `bleedGrowRows` rows, then on while pixels
 * stay above `bleedFraction` of the level), then dilates the result by `growPx`. `image` is a
 * snap in electrons after overscan and gain, before bias, dark and flat. ORs into `mask`;
 * call once per snap. Returns the number of pixels at or above the level.
 */
export function maskSaturation(
  image: Float32Array,
  width: number,
  height: number,
  mask: Uint32Array,
  regions: readonly SaturationRegion[],
  options: SaturationOptions = {},
): number {
  const growRows = options.bleedGrowRows ?? 2;
  const frac = options.bleedFraction ?? 0.5;
  const grow = options.growPx ?? 1;
  let saturated = 0;
  let any = false;
  for (const { box, level } of regions) {
    if (!(level > 0) || !Number.isFinite(level)) continue;
    const tail = frac * level;
    const yEnd = box.y0 + box.height;
    // a row-major pass finds the columns that reach the level at all: walking every column
    // down the image strides through memory, and most columns have no saturated pixel
    const hit = new Uint8Array(box.width);
    let hits = 0;
    for (let y = box.y0; y < yEnd; y++) {
      const row = y * width + box.x0;
      for (let c = 0; c < box.width; c++) {
        if (image[row + c]! >= level && hit[c] === 0) {
          hit[c] = 1;
          hits++;
        }
      }
    }
    if (hits === 0) continue;
    for (let x = box.x0; x < box.x0 + box.width; x++) {
      if (hit[x - box.x0] === 0) continue;
      let y = box.y0;
      while (y < yEnd) {
        if (!(image[y * width + x]! >= level)) {
          y++;
          continue;
        }
        const start = y;
        while (y < yEnd && image[y * width + x]! >= level) y++;
        saturated += y - start;
        let a = start - 1;
        while (a >= box.y0 && (start - a <= growRows || image[a * width + x]! >= tail)) a--;
        let b = y;
        while (b < yEnd && (b - y < growRows || image[b * width + x]! >= tail)) b++;
        for (let k = a + 1; k < b; k++) mask[k * width + x] = mask[k * width + x]! | SCRATCH_BIT;
        any = true;
        y = b;
      }
    }
  }
  if (!any) return 0;
  const sat = 1 << MASK_PLANES.SAT;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if ((mask[i]! & SCRATCH_BIT) === 0) continue;
      mask[i] = (mask[i]! & ~SCRATCH_BIT) | sat;
      for (let yy = Math.max(0, y - grow); yy <= Math.min(height - 1, y + grow); yy++) {
        for (let xx = Math.max(0, x - grow); xx <= Math.min(width - 1, x + grow); xx++) {
          const j = yy * width + xx;
          // a neighbour still to be visited keeps its scratch bit, so growth never chains
          mask[j] = mask[j]! | sat;
        }
      }
    }
  }
  return saturated;
}
