import type { CelestialWcs } from './celestial-wcs.js';
import { pixToSky, type SkyArrays } from './transforms.js';

/** Options of {@link footprint}. */
export interface FootprintOptions {
  /**
   * true (default, as astropy's `calc_footprint`): the centres of the corner pixels;
   * false: the outer corners of the image (pixel edges, ±0.5 px further out).
   */
  readonly center?: boolean;
}

/**
 * Sky positions of the four corners of a `width` × `height` image, in astropy's
 * `calc_footprint` order: (0, 0), (0, h−1), (w−1, h−1), (w−1, 0) in 0-based pixels.
 * Distortion (SIP) is applied. ra/dec in degrees, RADESYS frame.
 */
export function footprint(
  wcs: CelestialWcs,
  width: number,
  height: number,
  options: FootprintOptions = {},
): SkyArrays {
  const e = options.center === false ? 0.5 : 0;
  const x0 = -e;
  const y0 = -e;
  const x1 = width - 1 + e;
  const y1 = height - 1 + e;
  return pixToSky(wcs, Float64Array.of(x0, x0, x1, x1), Float64Array.of(y0, y1, y1, y0));
}
