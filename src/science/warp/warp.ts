import { PromptlyError } from '../../core/errors.js';
import { pixToSky, skyToPix, type CelestialWcs } from '../../wcs/index.js';
import { createImage, type Image } from '../image.js';
import { CoordinateGrid } from './coordinate-map.js';
import { lanczos3Weights } from './lanczos.js';
import { MASK_NO_DATA } from './mask-bits.js';

/** Samples closer than this to a pixel centre (pixels) take that pixel alone. */
const SNAP_PX = 1e-6;

/** One source image to warp: pixels, optional variance and mask, and its WCS. */
export interface WarpSource {
  /** Pixel values (any unit; surface brightness per source pixel). NaN = no data. */
  readonly image: Image;
  /**
   * Variance per pixel, image units squared. Absent: `varianceLevel` for every pixel, or
   * without it the output variance is NaN.
   */
  readonly variance?: Image | undefined;
  /**
   * One variance for every pixel (image units squared), when `variance` is absent: a deep
   * coadd's uniform noise without a full-size plane of one repeated value.
   */
  readonly varianceLevel?: number | undefined;
  /** Mask bits per pixel (same size as `image`); {@link MASK_NO_DATA} taps are skipped. */
  readonly mask?: Uint32Array | undefined;
  /** Source pixel → sky. */
  readonly wcs: CelestialWcs;
}

/** The destination grid: its WCS and size in pixels. */
export interface WarpDestination {
  readonly wcs: CelestialWcs;
  readonly width: number;
  readonly height: number;
}

/** Options of {@link warpImages}. */
export interface WarpOptions {
  /**
   * Spacing of the exactly evaluated destination → source grid, destination pixels; pixels
   * between nodes are interpolated (cubic). Default 32.
   */
  readonly gridSpacingPx?: number;
  /** Output planes to fill instead of allocating (each `width × height`). */
  readonly out?: { image?: Float32Array; variance?: Float32Array; mask?: Uint32Array };
}

/** Result of {@link warpImages}. */
export interface WarpResult {
  /** Resampled pixels, the sources' units (surface brightness is kept, not flux). NaN = no data. */
  readonly image: Image;
  /** Variance, Σ w² · var over the taps (w the normalised 2-D weights). NaN = no data. */
  readonly variance: Image;
  /** Source mask bits OR-ed over the non-zero taps; {@link MASK_NO_DATA} where uncovered. */
  readonly mask: Uint32Array;
  /** Destination pixels each source filled, in the order given. */
  readonly pixelsFromSource: readonly number[];
}

/**
 * Warps one or more source images onto a destination WCS and grid with a normalised,
 * separable Lanczos-3 kernel (6 × 6 taps).
 *
 * A destination pixel is covered by a source when its centre maps inside the source's pixel
 * area (−0.5 ≤ x < width − 0.5, likewise y). Taps outside the source, NaN, or flagged
 * NO_DATA are dropped and the remaining weights renormalised, so a flat image stays flat up to
 * its edge. Image = Σ w·I / Σ w; variance = Σ w²·V / (Σ w)²; mask = OR of the source mask over
 * taps whose weight is non-zero (a sample within 1e-6 px of a pixel centre takes that pixel alone).
 *
 * Stitching: sources are taken in order and a destination pixel keeps the first source that
 * covers it, so overlapping patches of one coadd (identical in their overlap) give a seamless
 * result; put the preferred source first. Pixels no source covers are NaN and NO_DATA.
 *
 * Values are resampled as surface brightness: with equal pixel scales flux is conserved; for
 * different scales multiply by the pixel-area ratio if flux per pixel is wanted.
 */
export function warpImages(
  sources: readonly WarpSource[],
  dest: WarpDestination,
  options: WarpOptions = {},
): WarpResult {
  const planes = emptyWarpPlanes(dest, options.out);
  const pixelsFromSource = sources.map((src) => warpInto(src, dest, planes, options.gridSpacingPx));
  return { ...planes, pixelsFromSource };
}

/** The destination planes a warp fills, each `width × height`. */
export interface WarpPlanes {
  readonly image: Image;
  readonly variance: Image;
  readonly mask: Uint32Array;
}

/**
 * Destination planes with no data yet: image and variance NaN, mask {@link MASK_NO_DATA};
 * `out`'s arrays when given (each `width × height`), fresh ones otherwise.
 */
export function emptyWarpPlanes(dest: WarpDestination, out: WarpOptions['out'] = {}): WarpPlanes {
  const { width, height } = dest;
  const n = width * height;
  const image = plane(out.image, width, height, 'image');
  const variance = plane(out.variance, width, height, 'variance');
  const mask = out.mask ?? new Uint32Array(n);
  if (mask.length !== n) throw geometry(`mask output has ${mask.length} values, expected ${n}`);
  image.data.fill(NaN);
  variance.data.fill(NaN);
  mask.fill(MASK_NO_DATA);
  return { image, variance, mask };
}

/**
 * Warps one source into `planes` as {@link warpImages} does: only pixels still NO_DATA are
 * filled, so sources warped one after another stitch as in one call, and a caller can read
 * each source, warp it and drop it before reading the next. Returns the pixels filled.
 */
export function warpInto(
  src: WarpSource,
  dest: WarpDestination,
  planes: WarpPlanes,
  gridSpacingPx = 32,
): number {
  checkSource(src);
  const box = destinationBox(src, dest);
  if (box === undefined) return 0;
  const { width } = dest;
  const sx = new Float64Array(width);
  const sy = new Float64Array(width);
  const wx = new Float64Array(6);
  const wy = new Float64Array(6);
  const { image, variance, mask } = planes;
  let filled = 0;
  const grid = new CoordinateGrid(dest.wcs, src.wcs, box, gridSpacingPx);
  for (let y = box.y0; y < box.y0 + box.height; y++) {
    grid.mapRow(y, sx, sy);
    filled += warpRow(src, y, box, sx, sy, wx, wy, image.data, variance.data, mask, width);
  }
  return filled;
}

/** Resamples one destination row segment; returns the number of pixels filled. */
function warpRow(
  src: WarpSource,
  y: number,
  box: { x0: number; width: number },
  sx: Float64Array,
  sy: Float64Array,
  wx: Float64Array,
  wy: Float64Array,
  outImage: Float32Array,
  outVar: Float32Array,
  outMask: Uint32Array,
  destWidth: number,
): number {
  const sw = src.image.width;
  const sh = src.image.height;
  const data = src.image.data;
  const vdata = src.variance?.data;
  const vlevel = vdata === undefined ? (src.varianceLevel ?? NaN) : NaN;
  const smask = src.mask;
  let filled = 0;
  for (let k = 0; k < box.width; k++) {
    const di = y * destWidth + box.x0 + k;
    if ((outMask[di]! & MASK_NO_DATA) === 0) continue; // an earlier source has it
    const x = sx[k]!;
    const yy = sy[k]!;
    if (!(x >= -0.5 && x < sw - 0.5 && yy >= -0.5 && yy < sh - 0.5)) continue;
    // within SNAP_PX of a pixel centre the sample is that centre: one tap, not 36 tiny ones
    const ix = Math.floor(x + SNAP_PX);
    const iy = Math.floor(yy + SNAP_PX);
    const fx = x - ix;
    const fy = yy - iy;
    lanczos3Weights(fx < SNAP_PX ? 0 : fx, wx);
    lanczos3Weights(fy < SNAP_PX ? 0 : fy, wy);
    if (fx >= SNAP_PX && fy >= SNAP_PX && ix >= 2 && ix + 3 < sw && iy >= 2 && iy + 3 < sh) {
      // all 36 taps inside with non-zero weights: the separable sums without a branch per tap;
      // a NaN tap or a NO_DATA bit takes the careful path below, which drops such taps
      const taps = fastTaps(data, vdata, smask, sw, ix, iy, wx, wy, fastOut);
      if (taps) {
        // the weights are normalised to sum 1 per axis (lanczos3Weights)
        outImage[di] = fastOut[0]!;
        outVar[di] = vdata === undefined ? vlevel * sumSquares(wx) * sumSquares(wy) : fastOut[1]!;
        outMask[di] = fastOut[2]!;
        filled++;
        continue;
      }
    }
    let acc = 0;
    let wsum = 0;
    let vacc = 0;
    let m = 0;
    for (let b = 0; b < 6; b++) {
      const py = iy - 2 + b;
      const wyb = wy[b]!;
      if (py < 0 || py >= sh || wyb === 0) continue;
      const row = py * sw;
      for (let a = 0; a < 6; a++) {
        const px = ix - 2 + a;
        const wxa = wx[a]!;
        if (px < 0 || px >= sw || wxa === 0) continue;
        const si = row + px;
        const bits = smask === undefined ? 0 : smask[si]!;
        const v = data[si]!;
        if ((bits & MASK_NO_DATA) !== 0 || v !== v) continue;
        const w = wxa * wyb;
        acc += w * v;
        wsum += w;
        vacc += vdata !== undefined ? w * w * vdata[si]! : w * w;
        m |= bits;
      }
    }
    if (wsum === 0) continue;
    outImage[di] = acc / wsum;
    outVar[di] = vdata === undefined ? (vlevel * vacc) / (wsum * wsum) : vacc / (wsum * wsum);
    outMask[di] = m;
    filled++;
  }
  return filled;
}

/** Image sum, variance sum and mask OR of one fully inside sample; scratch for `fastTaps`. */
const fastOut = new Float64Array(3);

/**
 * The 6 × 6 Lanczos sums of one sample whose taps all lie inside the source: out = [Σ w·I,
 * Σ w²·V (0 without a variance plane), OR of the mask bits]. False when a tap is NaN or
 * NO_DATA, so the caller drops those taps and renormalises instead.
 */
function fastTaps(
  data: Float32Array,
  vdata: Float32Array | undefined,
  smask: Uint32Array | undefined,
  sw: number,
  ix: number,
  iy: number,
  wx: Float64Array,
  wy: Float64Array,
  out: Float64Array,
): boolean {
  const wx0 = wx[0]!;
  const wx1 = wx[1]!;
  const wx2 = wx[2]!;
  const wx3 = wx[3]!;
  const wx4 = wx[4]!;
  const wx5 = wx[5]!;
  let sum = 0;
  let vsum = 0;
  let m = 0;
  for (let b = 0; b < 6; b++) {
    const o = (iy - 2 + b) * sw + ix - 2;
    const wyb = wy[b]!;
    sum +=
      wyb *
      (wx0 * data[o]! +
        wx1 * data[o + 1]! +
        wx2 * data[o + 2]! +
        wx3 * data[o + 3]! +
        wx4 * data[o + 4]! +
        wx5 * data[o + 5]!);
    if (vdata !== undefined) {
      vsum +=
        wyb *
        wyb *
        (wx0 * wx0 * vdata[o]! +
          wx1 * wx1 * vdata[o + 1]! +
          wx2 * wx2 * vdata[o + 2]! +
          wx3 * wx3 * vdata[o + 3]! +
          wx4 * wx4 * vdata[o + 4]! +
          wx5 * wx5 * vdata[o + 5]!);
    }
    if (smask !== undefined) {
      m |=
        smask[o]! | smask[o + 1]! | smask[o + 2]! | smask[o + 3]! | smask[o + 4]! | smask[o + 5]!;
    }
  }
  if (sum !== sum || (m & MASK_NO_DATA) !== 0) return false;
  out[0] = sum;
  out[1] = vsum;
  out[2] = m;
  return true;
}

function sumSquares(w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < 6; k++) s += w[k]! * w[k]!;
  return s;
}

/**
 * The destination box a source can touch: its border (every 64 px and the corners, half a
 * pixel outside) mapped to the destination, bounding box widened by 2 px and clipped. The whole
 * destination when the border does not map (far off the tangent plane); undefined when empty.
 */
function destinationBox(
  src: WarpSource,
  dest: WarpDestination,
): { x0: number; y0: number; width: number; height: number } | undefined {
  const { width: sw, height: sh } = src.image;
  const xs: number[] = [];
  const ys: number[] = [];
  const step = 64;
  for (let t = 0; ; t = Math.min(t + step, sw)) {
    xs.push(t - 0.5, t - 0.5);
    ys.push(-0.5, sh - 0.5);
    if (t === sw) break;
  }
  for (let t = 0; ; t = Math.min(t + step, sh)) {
    xs.push(-0.5, sw - 0.5);
    ys.push(t - 0.5, t - 0.5);
    if (t === sh) break;
  }
  const sky = pixToSky(src.wcs, Float64Array.from(xs), Float64Array.from(ys));
  const pix = skyToPix(dest.wcs, sky.ra, sky.dec, { sipInverse: 'iterate', onDivergence: 'nan' });
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < pix.x.length; i++) {
    const x = pix.x[i]!;
    const y = pix.y[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      return { x0: 0, y0: 0, width: dest.width, height: dest.height };
    }
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const bx0 = Math.max(0, Math.floor(x0) - 2);
  const by0 = Math.max(0, Math.floor(y0) - 2);
  const bx1 = Math.min(dest.width - 1, Math.ceil(x1) + 2);
  const by1 = Math.min(dest.height - 1, Math.ceil(y1) + 2);
  if (bx1 < bx0 || by1 < by0) return undefined;
  return { x0: bx0, y0: by0, width: bx1 - bx0 + 1, height: by1 - by0 + 1 };
}

function checkSource(src: WarpSource): void {
  const { width, height } = src.image;
  const level = src.varianceLevel;
  if (level !== undefined && !(level >= 0 && level < Infinity)) {
    throw new PromptlyError(
      'PROMPTLY_E_SCIENCE_OPTION_INVALID',
      `varianceLevel must be finite and ≥ 0, got ${level}`,
    );
  }
  const n = width * height;
  if (src.variance !== undefined && src.variance.data.length !== n) {
    throw geometry(`source variance has ${src.variance.data.length} values, expected ${n}`);
  }
  if (src.mask !== undefined && src.mask.length !== n) {
    throw geometry(`source mask has ${src.mask.length} values, expected ${n}`);
  }
}

function plane(data: Float32Array | undefined, width: number, height: number, what: string): Image {
  if (data === undefined) return createImage(width, height);
  if (data.length !== width * height) {
    throw geometry(`${what} output has ${data.length} values, expected ${width * height}`);
  }
  return { width, height, data };
}

function geometry(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_IMAGE_GEOMETRY', message);
}
