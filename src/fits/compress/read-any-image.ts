/**
 * One reader for image HDUs whether they are plain or tile-compressed: the core reader's
 * readImage refuses compressed HDUs, so callers that do not care how an image was stored
 * use readAnyImage, which returns the same FitsImage shape for both.
 */
import type { Bitpix, HduInfo } from '../hdu/hdu-info.js';
import {
  choosePixelFormat,
  readScaling,
  type PixelArray,
  type PixelScaling,
} from '../image/pixel-format.js';
import { readImage, type FitsImage, type ImageReadOptions } from '../image/read-image.js';
import type { ByteSource } from '../io/byte-source.js';
import type { ImagePixels } from './pixels.js';
import { readCompressedImage, type DecodedImage } from './tiled-image.js';

/**
 * Applies BSCALE/BZERO/BLANK to stored pixels exactly as the core reader does for plain
 * images (see choosePixelFormat): unchanged when raw or unscaled, a sign-bit flip for the
 * unsigned conventions (in place, over the same memory), otherwise physical floats with
 * BLANK → NaN.
 */
export function applyScaling(
  stored: ImagePixels,
  bitpix: Bitpix,
  scaling: PixelScaling,
  raw = false,
): { pixels: PixelArray; physical: boolean } {
  const format = choosePixelFormat(bitpix, scaling, raw);
  if (!format.scaled && !format.signFlip) return { pixels: stored, physical: false };
  const { buffer, byteOffset, length } = stored;
  if (format.signFlip) {
    switch (bitpix) {
      case 8: {
        const v = new Int8Array(buffer, byteOffset, length);
        for (let i = 0; i < length; i++) v[i] = (v[i] as number) ^ 0x80;
        return { pixels: v, physical: false };
      }
      case 16: {
        const v = new Uint16Array(buffer, byteOffset, length);
        for (let i = 0; i < length; i++) v[i] = (v[i] as number) ^ 0x8000;
        return { pixels: v, physical: false };
      }
      case 32: {
        const v = new Uint32Array(buffer, byteOffset, length);
        for (let i = 0; i < length; i++) v[i] = ((v[i] as number) ^ 0x80000000) >>> 0;
        return { pixels: v, physical: false };
      }
      default: {
        const v = new BigUint64Array(buffer, byteOffset, length);
        for (let i = 0; i < length; i++) v[i] = (v[i] as bigint) ^ (1n << 63n);
        return { pixels: v, physical: false };
      }
    }
  }
  const { bscale, bzero } = scaling;
  if (stored instanceof Float32Array || stored instanceof Float64Array) {
    for (let i = 0; i < length; i++) stored[i] = (stored[i] as number) * bscale + bzero;
    return { pixels: stored, physical: true };
  }
  const out = format.type === 'float32' ? new Float32Array(length) : new Float64Array(length);
  const blank = scaling.blank === undefined ? undefined : Number(scaling.blank);
  if (stored instanceof BigInt64Array) {
    for (let i = 0; i < length; i++) {
      const v = Number(stored[i]);
      out[i] = v === blank ? NaN : v * bscale + bzero;
    }
  } else {
    for (let i = 0; i < length; i++) {
      const v = stored[i] as number;
      out[i] = v === blank ? NaN : v * bscale + bzero;
    }
  }
  return { pixels: out, physical: true };
}

/** FitsImage of a decoded compressed image, with the core reader's scaling rules. */
export function fitsImageFromDecoded(image: DecodedImage, raw = false): FitsImage {
  const bitpix = image.bitpix;
  const scaling = readScaling(image.header);
  const { pixels, physical } = applyScaling(image.pixels, bitpix, scaling, raw);
  const format = choosePixelFormat(bitpix, scaling, raw);
  let blank: number | bigint | undefined;
  if (!physical && scaling.blank !== undefined && bitpix > 0) {
    if (!format.signFlip) blank = scaling.blank;
    else if (bitpix === 64) blank = BigInt(scaling.blank) + 2n ** 63n;
    else blank = Number(scaling.blank) + scaling.bzero;
  }
  return { pixels, shape: [...image.axes], bitpix, scaling, physical, blank };
}

/**
 * Reads the whole image of an HDU, plain (via the core readImage) or tile-compressed
 * (decoded here), with the same output rules: `raw` gives stored values, otherwise
 * BSCALE/BZERO are applied as readImage does. Throws the core reader's errors for non-image
 * HDUs and the FITS codes of the compressed reader for corrupt tiles.
 */
export async function readAnyImage(
  source: ByteSource,
  hdu: HduInfo,
  options: ImageReadOptions = {},
): Promise<FitsImage> {
  if (hdu.kind !== 'compressed-image') return readImage(source, hdu, options);
  const decoded = await readCompressedImage(
    source,
    hdu,
    options.signal ? { signal: options.signal } : {},
  );
  return fitsImageFromDecoded(decoded, options.raw === true);
}
