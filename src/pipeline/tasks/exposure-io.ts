import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import { FitsFile, readAnyImage, type HduInfo, type PixelArray } from '../../fits/index.js';
import type { Image, IsrExposureAmp } from '../../science/index.js';
import { imageFrom } from '../../science/index.js';

function toFloat32(pixels: PixelArray): Float32Array {
  if (pixels instanceof Float32Array) return pixels;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = Number(pixels[i]);
  return out;
}

function corrupt(what: string, err: unknown): PromptlyError {
  const message = err instanceof Error ? err.message : String(err);
  return new PromptlyError('PROMPTLY_E_RAW_CORRUPT', `${what}: ${message}`, { cause: err });
}

/** A 2-d image HDU, plain or tile-compressed. */
function isImage2d(hdu: HduInfo): boolean {
  if (hdu.kind === 'compressed-image') return hdu.header.get('ZNAXIS') === 2;
  return hdu.kind === 'image' && hdu.axes.length === 2;
}

/** An amplifier of a raw: what ISR reads, with its EXTNAME (e.g. `Segment10`). */
export type RawAmp = IsrExposureAmp & { readonly name: string };

/** A raw's amplifiers, and its dark time (DARKTIME, else EXPTIME, else 0), seconds. */
export interface RawAmps {
  readonly amps: RawAmp[];
  readonly darkTimeS: number;
}

/**
 * Reads the amplifier HDUs of a raw (every image extension with DATASEC/BIASSEC/DETSEC), with
 * GAIN (e⁻/ADU) and SATURATE (ADU above the overscan) when the header has them.
 */
export async function readRawAmps(bytes: Uint8Array, signal?: AbortSignal): Promise<RawAmps> {
  try {
    const file = FitsFile.fromBytes(bytes);
    const amps: RawAmp[] = [];
    const hdus = await file.hdus(signal);
    const primary = hdus[0]?.header;
    const dark = primary?.get('DARKTIME') ?? primary?.get('EXPTIME');
    for (const hdu of hdus) {
      if (hdu.index === 0 || !isImage2d(hdu)) continue;
      const h = hdu.header;
      const image = await readAnyImage(file.source, hdu, signal ? { signal } : {});
      const pixels = image.pixels instanceof Int32Array ? image.pixels : toFloat32(image.pixels);
      const gain = h.get('GAIN');
      const saturate = h.get('SATURATE');
      const extname = h.get('EXTNAME');
      amps.push({
        name: (typeof extname === 'string' ? extname : `HDU${hdu.index}`).trim(),
        pixels,
        width: image.shape[0] ?? 0,
        height: image.shape[1] ?? 0,
        dataSec: h.getString('DATASEC'),
        biasSec: h.getString('BIASSEC'),
        detSec: h.getString('DETSEC'),
        ...(typeof gain === 'number' && gain > 0 ? { gain } : {}),
        ...(typeof saturate === 'number' && saturate > 0 ? { saturationAdu: saturate } : {}),
      });
    }
    return { amps, darkTimeS: typeof dark === 'number' && dark > 0 ? dark : 0 };
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    throw corrupt('cannot read raw amplifiers', err);
  }
}

/** Reads the first 2-d image of a FITS file (e.g. a master calibration) as float32. */
export async function readImageFile(
  bytes: Uint8Array,
  what: string,
  signal?: AbortSignal,
): Promise<Image> {
  try {
    const file = FitsFile.fromBytes(bytes);
    for (const hdu of await file.hdus(signal)) {
      if (!isImage2d(hdu)) continue;
      const image = await readAnyImage(file.source, hdu, signal ? { signal } : {});
      return imageFrom(image.shape[0] ?? 0, image.shape[1] ?? 0, toFloat32(image.pixels));
    }
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    throw new PromptlyError(
      'PROMPTLY_E_PIPELINE_INPUT_MISSING',
      `${what} is not a readable FITS image`,
      { cause: err },
    );
  }
  throw new PromptlyError('PROMPTLY_E_PIPELINE_INPUT_MISSING', `${what} has no 2-d image`);
}
