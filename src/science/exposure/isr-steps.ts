import { PromptlyError } from '../../core/errors.js';
import type { Box } from '../image.js';
import { MASK_PLANES } from './mask-planes.js';

/** Steps of `runIsrExposure` that work pixel by pixel on full-frame planes, in place. */

/** `given` when its length is `n` (PROMPTLY_E_IMAGE_GEOMETRY otherwise), else `make(n)`. */
export function sized<T extends Float32Array | Uint32Array>(
  given: T | undefined,
  n: number,
  what: string,
  make: (n: number) => T,
): T {
  if (given === undefined) return make(n);
  if (given.length !== n)
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `${what} buffer holds ${given.length} values, expected ${n}`,
    );
  return given;
}

/** v ← (v − bias − dark·t) / flat in place; a flat ≤ 0 or not finite gives NaN and BAD. */
export function calibrate(
  data: Float32Array,
  mask: Uint32Array,
  bias: Float32Array | undefined,
  dark: Float32Array | undefined,
  darkTimeS: number,
  flat: Float32Array | undefined,
): void {
  const bad = 1 << MASK_PLANES.BAD;
  for (let i = 0; i < data.length; i++) {
    let v = data[i]!;
    if (bias) v -= bias[i]!;
    if (dark) v -= dark[i]! * darkTimeS;
    if (flat) {
      const f = flat[i]!;
      if (f > 0 && f !== Infinity) v /= f;
      else {
        v = NaN;
        mask[i] = mask[i]! | bad;
      }
    }
    data[i] = v;
  }
}

/** ORs `bits` into the pixels of `box` (clipped to the image). */
export function markBox(
  mask: Uint32Array,
  width: number,
  height: number,
  box: Box,
  bits: number,
): void {
  const x0 = Math.max(0, box.x0);
  const y0 = Math.max(0, box.y0);
  const x1 = Math.min(width, box.x0 + box.width);
  const y1 = Math.min(height, box.y0 + box.height);
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) mask[y * width + x] = mask[y * width + x]! | bits;
}

/** ORs `bits` into a border `px` wide. */
export function markBorder(
  mask: Uint32Array,
  width: number,
  height: number,
  px: number,
  bits: number,
): void {
  for (let y = 0; y < height; y++) {
    const edgeRow = y < px || y >= height - px;
    for (let x = 0; x < width; x++) {
      if (edgeRow || x < px || x >= width - px) mask[y * width + x] = mask[y * width + x]! | bits;
    }
  }
}
