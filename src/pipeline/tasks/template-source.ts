import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import {
  FitsFile,
  readAnyImage,
  readCompressedRegion,
  readImageRect,
  type Header,
  type HduInfo,
  type ImagePixels,
  type PixelArray,
} from '../../fits/index.js';
import { estimateBackgroundMesh, imageFrom, MASK_PLANES } from '../../science/index.js';
import type { WarpSource } from '../../science/warp/index.js';
import { pixToSky, readWcs, skyToPix, type CelestialWcs } from '../../wcs/index.js';
import { CropBuffers } from './crop-buffers.js';

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

/** PROMPTLY_E_PIPELINE_INPUT_MISSING: an input of the subtraction is absent or unreadable. */
export function missing(message: string, cause?: unknown): PromptlyError {
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
  out: Float32Array,
): Promise<Float32Array> {
  if (hdu.kind === 'image') {
    return toFloat32((await readImageRect(file.source, hdu, crop, { signal })).pixels);
  }
  const zbitpix = hdu.header.get('ZBITPIX');
  if (typeof zbitpix === 'number' && zbitpix < 0 && !isScaled(hdu)) {
    // float tiles (quantised or not) decode to physical values: only the tiles the crop touches
    return toFloat32(
      await compressedCrop(file, hdu, crop, signal, zbitpix === -32 ? out : undefined),
    );
  }
  // integer tiles with scaling: the whole image through the general reader, then the crop
  return wholeThenCrop(file, hdu, crop, signal, out);
}

/**
 * `crop` of a MASK HDU's bits. Unscaled integer tiles hold the bits themselves, so only the
 * tiles the crop touches are decoded: a patch's whole mask (5090² int32, 104 MB) for a
 * detector's quarter of it cost more time and memory than the rest of the template read.
 */
async function readMaskCrop(
  file: FitsFile,
  hdu: HduInfo,
  crop: Crop,
  signal: AbortSignal,
  out: Int32Array,
): Promise<PixelArray> {
  if (hdu.kind === 'compressed-image' && !isScaled(hdu)) {
    const int32 = hdu.header.get('ZBITPIX') === 32;
    return compressedCrop(file, hdu, crop, signal, int32 ? out : undefined);
  }
  return wholeThenCrop(file, hdu, crop, signal, out);
}

function isScaled(hdu: HduInfo): boolean {
  return hdu.header.has('BSCALE') || hdu.header.has('BZERO');
}

/**
 * The tiles of a compressed HDU that `crop` touches, decoded to its pixels: into `out` when
 * given (of the type the HDU decodes to), else a fresh array.
 */
function compressedCrop(
  file: FitsFile,
  hdu: HduInfo,
  crop: Crop,
  signal: AbortSignal,
  out: ImagePixels | undefined,
): Promise<PixelArray> {
  return readCompressedRegion(file.source, hdu, [crop.x, crop.y], [crop.width, crop.height], {
    signal,
    ...(out ? { out } : {}),
  });
}

/** The whole image of `hdu` through the general reader, its `crop` copied into `out`. */
async function wholeThenCrop<T extends Float32Array | Int32Array>(
  file: FitsFile,
  hdu: HduInfo,
  crop: Crop,
  signal: AbortSignal,
  out: T,
): Promise<T> {
  const all = await readAnyImage(file.source, hdu, { signal });
  const width = all.shape[0] ?? 0;
  for (let y = 0; y < crop.height; y++) {
    const row = (crop.y + y) * width + crop.x;
    for (let x = 0; x < crop.width; x++) out[y * crop.width + x] = Number(all.pixels[row + x]);
  }
  return out;
}

function extnameOf(hdu: HduInfo): string | undefined {
  const v = hdu.header.get('EXTNAME');
  return typeof v === 'string' ? v.trim().toUpperCase() : undefined;
}

function isTwoD(hdu: HduInfo): boolean {
  return hdu.kind === 'compressed-image'
    ? hdu.header.get('ZNAXIS') === 2
    : hdu.kind === 'image' && hdu.axes.length === 2;
}

/** A MASK HDU's bits, after checking its MP_ cards name our standard planes' bits. */
function templateMask(header: Header, pixels: PixelArray, patch: number): Uint32Array {
  for (const card of header) {
    if (card.kind !== 'value' || !card.keyword.toUpperCase().startsWith('MP_')) continue;
    const name = card.keyword.toUpperCase().slice(3);
    const bit = (MASK_PLANES as Readonly<Record<string, number>>)[name];
    if (bit !== undefined && card.value !== bit) {
      throw missing(
        `template of patch ${patch} has mask plane ${name} at bit ${JSON.stringify(card.value)}, not ${bit}`,
      );
    }
  }
  if (pixels instanceof Int32Array || pixels instanceof Uint32Array) {
    return new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.length);
  }
  if (
    pixels instanceof Uint8Array ||
    pixels instanceof Int16Array ||
    pixels instanceof Uint16Array
  ) {
    return Uint32Array.from(pixels);
  }
  throw missing(`template of patch ${patch} has a MASK that does not hold 8–32 bit integers`);
}

/**
 * A template patch as a warp source for the science grid `science`: only the part of the patch
 * under the science image (its WCS shifted to the crop) is read and decoded — its IMAGE, and
 * its VARIANCE and MASK planes when the file has them (a coadd's). A template with only an image
 * (the one-HDU files of earlier versions) gets a uniform variance, its background noise from
 * the MAD, and no mask. Undefined when the patch does not overlap the science image. Throws
 * PROMPTLY_E_PIPELINE_INPUT_MISSING for an unreadable file or planes of different sizes.
 * With `buffers` the planes are decoded into them, so the source is valid only until the next
 * read into the same buffers; without, into fresh arrays.
 */
export async function templateSource(
  bytes: Uint8Array,
  patch: number,
  science: { readonly wcs: CelestialWcs; readonly width: number; readonly height: number },
  signal: AbortSignal,
  buffers: CropBuffers = new CropBuffers(),
): Promise<WarpSource | undefined> {
  try {
    const file = FitsFile.fromBytes(bytes);
    const hdus = (await file.hdus(signal)).filter(isTwoD);
    const imageHdu = hdus.find((h) => extnameOf(h) === 'IMAGE') ?? hdus[0];
    if (!imageHdu) throw missing(`template of patch ${patch} has no 2-d image`);
    const full = readWcs(imageHdu.header);
    const sizeOf = (h: HduInfo) =>
      h.kind === 'compressed-image'
        ? [Number(h.header.get('ZNAXIS1')), Number(h.header.get('ZNAXIS2'))]
        : [h.axes[0] ?? 0, h.axes[1] ?? 0];
    const [width, height] = sizeOf(imageHdu) as [number, number];
    const varHdu = hdus.find((h) => extnameOf(h) === 'VARIANCE');
    const maskHdu = hdus.find((h) => extnameOf(h) === 'MASK');
    for (const h of [varHdu, maskHdu]) {
      if (h !== undefined && sizeOf(h).join('x') !== `${width}x${height}`)
        throw missing(`template of patch ${patch}: ${extnameOf(h)} is not the IMAGE's size`);
    }
    const crop = templateCrop(science, full, width, height);
    if (crop === undefined) return undefined;
    const n = crop.width * crop.height;
    const image = imageFrom(
      crop.width,
      crop.height,
      await readCrop(file, imageHdu, crop, signal, buffers.float32('IMAGE', n)),
    );
    const wcs = { ...full, crpix: [full.crpix[0] - crop.x, full.crpix[1] - crop.y] as const };
    const mask = maskHdu
      ? templateMask(
          maskHdu.header,
          await readMaskCrop(file, maskHdu, crop, signal, buffers.int32('MASK', n)),
          patch,
        )
      : undefined;
    if (varHdu) {
      const variance = imageFrom(
        crop.width,
        crop.height,
        await readCrop(file, varHdu, crop, signal, buffers.float32('VARIANCE', n)),
      );
      return { image, variance, ...(mask ? { mask } : {}), wcs };
    }
    // no variance plane: a deep coadd's noise, from the MAD of its background mesh
    const { globalRms } = estimateBackgroundMesh(image, { meshSize: 64 });
    return { image, varianceLevel: globalRms ** 2, ...(mask ? { mask } : {}), wcs };
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    if (isPromptlyError(err, 'PROMPTLY_E_PIPELINE_INPUT_MISSING')) throw err;
    throw missing(`template of patch ${patch} is not a readable FITS image with a WCS`, err);
  }
}
