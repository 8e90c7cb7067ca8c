import { cutoutBox, cutoutPixels, DEFAULT_CUTOUT_SIZE } from '../../alerts/cutout.js';
import type { Image } from '../../science/index.js';
import type { DiaSources, DiaStamps } from './dia-src-fits.js';

/**
 * Postage stamps of the difference, science and template around every DIA source, `size`
 * pixels square (the alert cutouts' pixels), cut while the full frames are in memory so the
 * alert stage never reads a full frame back.
 */
export function diaStamps(
  sources: DiaSources,
  images: { readonly difference: Image; readonly science: Image; readonly template: Image },
  size = DEFAULT_CUTOUT_SIZE,
): DiaStamps {
  const n = sources.length;
  const plane = size * size;
  const out = {
    difference: new Float32Array(n * plane),
    science: new Float32Array(n * plane),
    template: new Float32Array(n * plane),
  };
  const x0 = new Int32Array(n);
  const y0 = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const box = cutoutBox({ x: sources.x[k]!, y: sources.y[k]!, size });
    x0[k] = box.x0;
    y0[k] = box.y0;
    for (const kind of ['difference', 'science', 'template'] as const) {
      const image = images[kind];
      const source = { pixels: image.data, width: image.width, height: image.height };
      out[kind].set(cutoutPixels(source, box), k * plane);
    }
  }
  return { size, ...out, x0, y0 };
}
