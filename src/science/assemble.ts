import { PromptlyError } from '../core/errors.js';
import { assertBoxInside, type Image } from './image.js';
import type { Section } from './section.js';

/** One trimmed amplifier image and where it goes on the detector. */
export interface AmpPlacement {
  /** Trimmed amp pixels, `width × height`, row-major, in the amp's readout orientation. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** The amp's DETSEC: destination box on the detector, with flips for reversed ranges. */
  readonly detSec: Section;
}

/**
 * Places trimmed amplifier images into a new `width × height` detector image by their DETSEC.
 * When DETSEC runs backwards on an axis (x1 > x2), the amp's first column lands on the box's
 * last column (and likewise for y). Pixels no amp covers stay NaN. Throws
 * PROMPTLY_E_IMAGE_GEOMETRY when an amp's size differs from its DETSEC or falls outside.
 */
export function assembleAmps(width: number, height: number, amps: readonly AmpPlacement[]): Image {
  const out = new Float32Array(width * height).fill(NaN);
  for (const [i, amp] of amps.entries()) placeAmp(out, width, height, amp, i);
  return { width, height, data: out };
}

/** Width and height of the smallest detector that holds every amp's DETSEC box. */
export function detectorExtent(sections: readonly Section[]): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const s of sections) {
    width = Math.max(width, s.box.x0 + s.box.width);
    height = Math.max(height, s.box.y0 + s.box.height);
  }
  return { width, height };
}

function placeAmp(
  out: Float32Array,
  width: number,
  height: number,
  amp: AmpPlacement,
  i: number,
): void {
  const { box, flipX, flipY } = amp.detSec;
  if (
    box.width !== amp.width ||
    box.height !== amp.height ||
    amp.data.length !== amp.width * amp.height
  ) {
    throw new PromptlyError(
      'PROMPTLY_E_IMAGE_GEOMETRY',
      `amp ${i}: trimmed size ${amp.width}×${amp.height} does not match DETSEC ${box.width}×${box.height}`,
    );
  }
  assertBoxInside(box, width, height, `amp ${i} DETSEC`);
  for (let r = 0; r < amp.height; r++) {
    const dy = box.y0 + (flipY ? amp.height - 1 - r : r);
    const src = r * amp.width;
    const dst = dy * width + box.x0;
    if (!flipX) {
      out.set(amp.data.subarray(src, src + amp.width), dst);
    } else {
      const last = dst + amp.width - 1;
      for (let c = 0; c < amp.width; c++) out[last - c] = amp.data[src + c]!;
    }
  }
}
