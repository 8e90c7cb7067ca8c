import { MASK_PLANES } from './mask-planes.js';

/** Options of {@link interpolateMasked}. */
export interface InterpolateOptions {
  /** How far to look for a good pixel along a row or column, pixels. Default 64. */
  readonly maxSearchPx?: number;
  /** Bits set on every interpolated pixel. Default INTRP. */
  readonly setBits?: number;
  /** Bits set (value NaN) where no good pixel lies within reach. Default NO_DATA. */
  readonly noDataBits?: number;
}

/**
 * Replaces every pixel that has any of `badBits` by linear interpolation between the nearest
 * good pixels along its row or its column, whichever pair is closer together (so a bad column
 * is bridged along rows, a bad row along columns, a saturated core across its narrow side);
 * with a good pixel on one side only, that pixel's value. Good means no `badBits` and a finite
 * value; interpolated pixels are never used as input (they keep their bad bits). Pixels with
 * nothing in reach become NaN with `noDataBits`. In place; returns the count interpolated.
 * Cost: O(bad pixels × search length), no allocation.
 */
export function interpolateMasked(
  image: Float32Array,
  mask: Uint32Array,
  width: number,
  height: number,
  badBits: number,
  options: InterpolateOptions = {},
): number {
  const maxSearch = options.maxSearchPx ?? 64;
  const setBits = options.setBits ?? 1 << MASK_PLANES.INTRP;
  const noDataBits = options.noDataBits ?? 1 << MASK_PLANES.NO_DATA;
  const good = (i: number): boolean => (mask[i]! & badBits) === 0 && Number.isFinite(image[i]!);
  let count = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if ((mask[i]! & badBits) === 0) continue;
      // nearest good pixel in each direction, as a distance (0 = none within reach)
      let l = 0;
      let r = 0;
      let d = 0;
      let u = 0;
      for (let k = 1; k <= maxSearch && x - k >= 0; k++)
        if (good(i - k)) {
          l = k;
          break;
        }
      for (let k = 1; k <= maxSearch && x + k < width; k++)
        if (good(i + k)) {
          r = k;
          break;
        }
      for (let k = 1; k <= maxSearch && y - k >= 0; k++)
        if (good(i - k * width)) {
          d = k;
          break;
        }
      for (let k = 1; k <= maxSearch && y + k < height; k++)
        if (good(i + k * width)) {
          u = k;
          break;
        }
      const rowGap = l > 0 && r > 0 ? l + r : Infinity;
      const colGap = d > 0 && u > 0 ? d + u : Infinity;
      let v: number;
      if (rowGap <= colGap && rowGap !== Infinity) {
        v = (image[i - l]! * r + image[i + r]! * l) / rowGap;
      } else if (colGap !== Infinity) {
        v = (image[i - d * width]! * u + image[i + u * width]! * d) / colGap;
      } else {
        // one-sided: the nearest good neighbour found
        let best = Infinity;
        v = NaN;
        if (l > 0 && l < best) {
          best = l;
          v = image[i - l]!;
        }
        if (r > 0 && r < best) {
          best = r;
          v = image[i + r]!;
        }
        if (d > 0 && d < best) {
          best = d;
          v = image[i - d * width]!;
        }
        if (u > 0 && u < best) {
          best = u;
          v = image[i + u * width]!;
        }
      }
      image[i] = v;
      if (Number.isNaN(v)) mask[i] = mask[i]! | noDataBits;
      else {
        mask[i] = mask[i]! | setBits;
        count++;
      }
    }
  }
  return count;
}
