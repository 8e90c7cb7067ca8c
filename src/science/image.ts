import { PromptlyError } from '../core/errors.js';

/**
 * A single-plane image: row-major, x fastest. Pixel (x, y) is `data[y * width + x]`; pixel
 * centres sit at integer coordinates, 0-based (FITS pixel 1 centre = our 0.0).
 */
export interface Image {
  /** Columns (x extent), pixels. */
  readonly width: number;
  /** Rows (y extent), pixels. */
  readonly height: number;
  /** `width * height` values, row-major. Units are the caller's (ADU, e⁻, e⁻/s). */
  readonly data: Float32Array;
}

/** An axis-aligned box of pixels, 0-based, `x0..x0+width-1` by `y0..y0+height-1`. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
}

/** Allocates a zero-filled image (or one filled with `fill`). Throws on non-integer sizes. */
export function createImage(width: number, height: number, fill = 0): Image {
  checkSize(width, height);
  const data = new Float32Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { width, height, data };
}

/** Wraps existing pixels as an image after checking that `data.length === width * height`. */
export function imageFrom(width: number, height: number, data: Float32Array): Image {
  checkSize(width, height);
  if (data.length !== width * height) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `image data has ${data.length} values, expected ${width}×${height}`,
    );
  }
  return { width, height, data };
}

/** Throws PROMPTLY_E_IMAGE_GEOMETRY unless `box` lies wholly inside a `width`×`height` image. */
export function assertBoxInside(box: Box, width: number, height: number, what = 'box'): void {
  const ok =
    Number.isInteger(box.x0) &&
    Number.isInteger(box.y0) &&
    Number.isInteger(box.width) &&
    Number.isInteger(box.height) &&
    box.width > 0 &&
    box.height > 0 &&
    box.x0 >= 0 &&
    box.y0 >= 0 &&
    box.x0 + box.width <= width &&
    box.y0 + box.height <= height;
  if (!ok) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `${what} {x0:${box.x0},y0:${box.y0},w:${box.width},h:${box.height}} is not inside ${width}×${height}`,
    );
  }
}

/** Copies the pixels of `box` out of `image` into a new image of the box's size. */
export function cropImage(image: Image, box: Box): Image {
  assertBoxInside(box, image.width, image.height, 'crop box');
  const out = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const start = (box.y0 + y) * image.width + box.x0;
    out.set(image.data.subarray(start, start + box.width), y * box.width);
  }
  return { width: box.width, height: box.height, data: out };
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new PromptlyError('PROMPTLY_E_IMAGE_GEOMETRY', `bad image size ${width}×${height}`);
  }
}
