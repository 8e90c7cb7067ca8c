import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import { FitsFile, readAnyImage, type HduInfo, type PixelArray } from '../../fits/index.js';
import type { Image, IsrExposureAmp, IsrExposureAmpLayout } from '../../science/index.js';
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

/** An amplifier's header facts without its pixels. */
export type RawAmpLayout = IsrExposureAmpLayout & { readonly name: string };

/** A raw's amplifiers, and its dark time (DARKTIME, else EXPTIME, else 0), seconds. */
export interface RawAmps {
  readonly amps: RawAmp[];
  readonly darkTimeS: number;
}

/** A raw whose amplifier headers are read and whose pixels are read on demand. */
export interface OpenRaw {
  readonly amps: RawAmpLayout[];
  /** DARKTIME, else EXPTIME, else 0, seconds. */
  readonly darkTimeS: number;
  /** Decodes amp `k`'s pixels (a fresh array each call; int32 as stored, else float32). */
  pixels(k: number): Promise<Int32Array | Float32Array>;
}

/**
 * Reads the amplifier headers of a raw (every image extension with DATASEC/BIASSEC/DETSEC),
 * with GAIN (e⁻/ADU) and SATURATE (ADU above the overscan) when the header has them; pixels
 * are decoded amp by amp with `pixels(k)`, so a caller need not hold every amp at once.
 */
export async function openRawAmps(bytes: Uint8Array, signal?: AbortSignal): Promise<OpenRaw> {
  try {
    const file = FitsFile.fromBytes(bytes);
    const amps: RawAmpLayout[] = [];
    const ampHdus: HduInfo[] = [];
    const hdus = await file.hdus(signal);
    const primary = hdus[0]?.header;
    const dark = primary?.get('DARKTIME') ?? primary?.get('EXPTIME');
    for (const hdu of hdus) {
      if (hdu.index === 0 || !isImage2d(hdu)) continue;
      const h = hdu.header;
      const compressed = hdu.kind === 'compressed-image';
      const width = Number(compressed ? h.get('ZNAXIS1') : hdu.axes[0]) || 0;
      const height = Number(compressed ? h.get('ZNAXIS2') : hdu.axes[1]) || 0;
      const gain = h.get('GAIN');
      const saturate = h.get('SATURATE');
      const extname = h.get('EXTNAME');
      ampHdus.push(hdu);
      amps.push({
        name: (typeof extname === 'string' ? extname : `HDU${hdu.index}`).trim(),
        width,
        height,
        dataSec: h.getString('DATASEC'),
        biasSec: h.getString('BIASSEC'),
        detSec: h.getString('DETSEC'),
        ...(typeof gain === 'number' && gain > 0 ? { gain } : {}),
        ...(typeof saturate === 'number' && saturate > 0 ? { saturationAdu: saturate } : {}),
      });
    }
    const pixels = async (k: number): Promise<Int32Array | Float32Array> => {
      const hdu = ampHdus[k];
      if (hdu === undefined) throw corrupt('cannot read raw amplifiers', `no amp ${k}`);
      try {
        const image = await readAnyImage(file.source, hdu, signal ? { signal } : {});
        if (image.shape[0] !== amps[k]!.width || image.shape[1] !== amps[k]!.height)
          throw new Error(`amp ${k} is ${image.shape.join('×')}, its header says otherwise`);
        return image.pixels instanceof Int32Array ? image.pixels : toFloat32(image.pixels);
      } catch (err) {
        if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
        throw corrupt(`cannot read raw amplifier ${k}`, err);
      }
    };
    return { amps, darkTimeS: typeof dark === 'number' && dark > 0 ? dark : 0, pixels };
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    throw corrupt('cannot read raw amplifiers', err);
  }
}

/**
 * Reads the amplifier HDUs of a raw (every image extension with DATASEC/BIASSEC/DETSEC), with
 * GAIN (e⁻/ADU) and SATURATE (ADU above the overscan) when the header has them.
 */
export async function readRawAmps(bytes: Uint8Array, signal?: AbortSignal): Promise<RawAmps> {
  const raw = await openRawAmps(bytes, signal);
  const amps: RawAmp[] = [];
  for (const [k, amp] of raw.amps.entries()) amps.push({ ...amp, pixels: await raw.pixels(k) });
  return { amps, darkTimeS: raw.darkTimeS };
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
