import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { createImage, cropImage, imageFrom } from './image.js';

describe('image helpers', () => {
  it('crops a box into a new image, row-major with x fastest', () => {
    const img = imageFrom(
      4,
      3,
      Float32Array.from({ length: 12 }, (_, i) => i),
    );
    const sub = cropImage(img, { x0: 1, y0: 1, width: 2, height: 2 });
    expect(sub.width).toBe(2);
    expect(Array.from(sub.data)).toEqual([5, 6, 9, 10]);
    sub.data[0] = -1;
    expect(img.data[5]).toBe(5);
  });

  it('fills a new image with the given value', () => {
    expect(Array.from(createImage(2, 2, 3).data)).toEqual([3, 3, 3, 3]);
  });

  it('rejects boxes outside the image and data of the wrong length', () => {
    const img = createImage(4, 3);
    const errs: unknown[] = [];
    for (const f of [
      () => cropImage(img, { x0: 3, y0: 0, width: 2, height: 1 }),
      () => cropImage(img, { x0: 0, y0: 0, width: 0, height: 1 }),
      () => imageFrom(4, 3, new Float32Array(11)),
      () => createImage(0, 3),
    ]) {
      try {
        f();
      } catch (e) {
        errs.push(e);
      }
    }
    expect(errs).toHaveLength(4);
    for (const e of errs) expect(isPromptlyError(e, 'PROMPTLY_E_IMAGE_GEOMETRY')).toBe(true);
  });
});
