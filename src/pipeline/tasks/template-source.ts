import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import {
  FitsFile,
  readAnyImage,
  readCompressedRegion,
  readImageRect,
  type HduInfo,
  type PixelArray,
} from '../../fits/index.js';
import { estimateBackgroundMesh, imageFrom } from '../../science/index.js';
import type { WarpSource } from '../../science/warp/index.js';
import { pixToSky, readWcs, skyToPix, type CelestialWcs } from '../../wcs/index.js';

/**
 * Template pixels kept beyond the footprint of the science image: the Lanczos-3 taps reach
 * 3 px past a sample, and the footprint is a polygon through border points.
 */
const CROP_PAD_PX = 8;

/** A rectangle of template pixels, 0-based. */
interface Crop {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function missing(message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_PIPELINE_INPUT_MISSING',
    message,
    cause === undefined ? {} : { cause },
  );
}

/**
 * The template pixels a warp onto the science grid can touch: the science border (every 64 px
 * and the corners, half a pixel outside) mapped through the sky into the template, bounding box
 * padded by {@link CROP_PAD_PX} and clipped; the whole template when the border does not map;
 * undefined when the template and the science image do not overlap.
 */
export function templateCrop(
  science: { readonly wcs: CelestialWcs; readonly width: number; readonly height: number },
  template: CelestialWcs,
  templateWidth: number,
  templateHeight: number,
): Crop | undefined {
  const { width: w, height: h } = science;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = 0; ; t = Math.min(t + 64, w)) {
    xs.push(t - 0.5, t - 0.5);
    ys.push(-0.5, h - 0.5);
    if (t === w) break;
  }
  for (let t = 0; ; t = Math.min(t + 64, h)) {
    xs.push(-0.5, w - 0.5);
    ys.push(t - 0.5, t - 0.5);
    if (t === h) break;
  }
  const whole = { x: 0, y: 0, width: templateWidth, height: templateHeight };
  const sky = pixToSky(science.wcs, Float64Array.from(xs), Float64Array.from(ys));
  const pix = skyToPix(template, sky.ra, sky.dec, { sipInverse: 'iterate', onDivergence: 'nan' });
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < pix.x.length; i++) {
    const x = pix.x[i]!;
    const y = pix.y[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return whole;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const cx0 = Math.max(0, Math.floor(x0) - CROP_PAD_PX);
  const cy0 = Math.max(0, Math.floor(y0) - CROP_PAD_PX);
  const cx1 = Math.min(templateWidth - 1, Math.ceil(x1) + CROP_PAD_PX);
  const cy1 = Math.min(templateHeight - 1, Math.ceil(y1) + CROP_PAD_PX);
  if (cx1 < cx0 || cy1 < cy0) return undefined;
  return { x: cx0, y: cy0, width: cx1 - cx0 + 1, height: cy1 - cy0 + 1 };
}

function toFloat32(pixels: PixelArray): Float32Array {
  if (pixels instanceof Float32Array) return pixels;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = Number(pixels[i]);
  return out;
}

/** `crop` of the image of `hdu`, physical values, reading and decoding only what it needs. */
async function readCrop(
  file: FitsFile,
  hdu: HduInfo,
  crop: Crop,
  signal: AbortSignal,
): Promise<Float32Array> {
  if (hdu.kind === 'image') {
    return toFloat32((await readImageRect(file.source, hdu, crop, { signal })).pixels);
  }
  const zbitpix = hdu.header.get('ZBITPIX');
  const scaled = hdu.header.has('BSCALE') || hdu.header.has('BZERO');
  if (typeof zbitpix === 'number' && zbitpix < 0 && !scaled) {
    // float tiles (quantised or not) decode to physical values: only the tiles the crop touches
    const pixels = await readCompressedRegion(
      file.source,
      hdu,
      [crop.x, crop.y],
      [crop.width, crop.height],
      { signal },
    );
    return toFloat32(pixels);
  }
  // integer tiles with scaling: the whole image through the general reader, then the crop
  const all = await readAnyImage(file.source, hdu, { signal });
  const width = all.shape[0] ?? 0;
  const out = new Float32Array(crop.width * crop.height);
  for (let y = 0; y < crop.height; y++) {
    const row = (crop.y + y) * width + crop.x;
    for (let x = 0; x < crop.width; x++) out[y * crop.width + x] = Number(all.pixels[row + x]);
  }
  return out;
}

/**
 * A template patch as a warp source for the science grid `science`: only the part of the patch
 * under the science image (its WCS shifted to the crop), with a uniform variance from its
 * background noise (a deep coadd carries no variance plane here). Undefined when the patch does
 * not overlap the science image. Throws PROMPTLY_E_PIPELINE_INPUT_MISSING for an unreadable
 * file.
 */
export async function templateSource(
  bytes: Uint8Array,
  patch: number,
  science: { readonly wcs: CelestialWcs; readonly width: number; readonly height: number },
  signal: AbortSignal,
): Promise<WarpSource | undefined> {
  try {
    const file = FitsFile.fromBytes(bytes);
    for (const hdu of await file.hdus(signal)) {
      const twoD =
        hdu.kind === 'compressed-image'
          ? hdu.header.get('ZNAXIS') === 2
          : hdu.kind === 'image' && hdu.axes.length === 2;
      if (!twoD) continue;
      const full = readWcs(hdu.header);
      const width = Number(hdu.header.get(hdu.kind === 'image' ? 'NAXIS1' : 'ZNAXIS1'));
      const height = Number(hdu.header.get(hdu.kind === 'image' ? 'NAXIS2' : 'ZNAXIS2'));
      const crop = templateCrop(science, full, width, height);
      if (crop === undefined) return undefined;
      const data = await readCrop(file, hdu, crop, signal);
      const image = imageFrom(crop.width, crop.height, data);
      // a deep coadd's noise, from the MAD of its background mesh
      const { globalRms } = estimateBackgroundMesh(image, { meshSize: 64 });
      const wcs = { ...full, crpix: [full.crpix[0] - crop.x, full.crpix[1] - crop.y] as const };
      return { image, varianceLevel: globalRms ** 2, wcs };
    }
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    throw missing(`template of patch ${patch} is not a readable FITS image with a WCS`, err);
  }
  throw missing(`template of patch ${patch} has no 2-d image`);
}
