/**
 * Template warping: Lanczos-3 resampling of image, variance and mask from source WCSs onto a
 * destination WCS and grid, stitched across sources.
 */
export { CoordinateGrid, mapPixelsExact } from './coordinate-map.js';
export { LANCZOS3_RADIUS, LANCZOS3_TAPS, lanczos3, lanczos3Weights } from './lanczos.js';
export { MASK_NO_DATA } from './mask-bits.js';
export {
  emptyWarpPlanes,
  warpImages,
  warpInto,
  type WarpDestination,
  type WarpOptions,
  type WarpPlanes,
  type WarpResult,
  type WarpSource,
} from './warp.js';
