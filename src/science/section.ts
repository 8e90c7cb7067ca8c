import { PromptlyError } from '../core/errors.js';
import type { Box } from './image.js';

/** A parsed FITS section: the 0-based box it covers and whether each axis runs backwards. */
export interface Section {
  readonly box: Box;
  /** True when the section's x1 > x2 (e.g. LSST DETSEC `[509:1,1:2000]`). */
  readonly flipX: boolean;
  /** True when the section's y1 > y2. */
  readonly flipY: boolean;
}

const SECTION_RE = /^\s*\[\s*(\d+)\s*:\s*(\d+)\s*,\s*(\d+)\s*:\s*(\d+)\s*\]\s*$/;

/**
 * Parses a FITS section string `[x1:x2,y1:y2]` (1-based, inclusive, as in DATASEC/BIASSEC/
 * DETSEC). A reversed range (x1 > x2) means the axis is flipped; the box is always given with
 * positive size and its 0-based lower corner. Throws PROMPTLY_E_SECTION_INVALID.
 */
export function parseSection(text: string): Section {
  const m = SECTION_RE.exec(text);
  if (!m) {
    throw new PromptlyError(
      'PROMPTLY_E_SECTION_INVALID',
      `not a FITS section: ${JSON.stringify(text)}`,
    );
  }
  const [x1, x2, y1, y2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (x1 < 1 || x2 < 1 || y1 < 1 || y2 < 1) {
    throw new PromptlyError('PROMPTLY_E_SECTION_INVALID', `section indices are 1-based: ${text}`);
  }
  return {
    box: {
      x0: Math.min(x1, x2) - 1,
      y0: Math.min(y1, y2) - 1,
      width: Math.abs(x2 - x1) + 1,
      height: Math.abs(y2 - y1) + 1,
    },
    flipX: x1 > x2,
    flipY: y1 > y2,
  };
}

/** Formats a section back to FITS `[x1:x2,y1:y2]` (1-based, reversed ranges for flips). */
export function formatSection(section: Section): string {
  const { box, flipX, flipY } = section;
  const xa = box.x0 + 1;
  const xb = box.x0 + box.width;
  const ya = box.y0 + 1;
  const yb = box.y0 + box.height;
  return `[${flipX ? xb : xa}:${flipX ? xa : xb},${flipY ? yb : ya}:${flipY ? ya : yb}]`;
}
