import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import {
  FitsFile,
  readAnyImage,
  type Header,
  type HduInfo,
  type PixelArray,
} from '../../fits/index.js';
import { estimateBackground, imageFrom, MASK_PLANES, type Image } from '../../science/index.js';
import type { WarpSource } from '../../science/warp/index.js';
import { readWcs } from '../../wcs/index.js';

function missing(message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_PIPELINE_INPUT_MISSING',
    message,
    cause === undefined ? {} : { cause },
  );
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
 * A template patch as a warp source: its IMAGE with the WCS, and its VARIANCE and MASK planes
 * when the file has them (a coadd's). A template with only an image (the one-HDU files of
 * earlier versions) gets a flat variance, its background noise from the MAD, and no mask.
 */
export async function readTemplate(
  bytes: Uint8Array,
  patch: number,
  signal: AbortSignal,
): Promise<WarpSource> {
  let source: WarpSource | undefined;
  try {
    const file = FitsFile.fromBytes(bytes);
    const hdus = (await file.hdus(signal)).filter(isTwoD);
    const imageHdu = hdus.find((h) => extnameOf(h) === 'IMAGE') ?? hdus[0];
    if (imageHdu) {
      const read = async (h: HduInfo) => (await readAnyImage(file.source, h, { signal })).pixels;
      const pixels = await readAnyImage(file.source, imageHdu, { signal });
      const width = pixels.shape[0] ?? 0;
      const height = pixels.shape[1] ?? 0;
      const image = imageFrom(width, height, Float32Array.from(pixels.pixels as ArrayLike<number>));
      const sameSize = (h: HduInfo | undefined): h is HduInfo =>
        h !== undefined &&
        (h.kind === 'compressed-image'
          ? h.header.get('ZNAXIS1') === width && h.header.get('ZNAXIS2') === height
          : h.axes[0] === width && h.axes[1] === height);
      const varHdu = hdus.find((h) => extnameOf(h) === 'VARIANCE');
      const maskHdu = hdus.find((h) => extnameOf(h) === 'MASK');
      for (const h of [varHdu, maskHdu]) {
        if (h !== undefined && !sameSize(h)) {
          throw missing(`template of patch ${patch}: ${extnameOf(h)} is not the IMAGE's size`);
        }
      }
      let variance: Image;
      if (sameSize(varHdu)) {
        variance = imageFrom(
          width,
          height,
          Float32Array.from((await read(varHdu)) as ArrayLike<number>),
        );
      } else {
        // no variance plane: the background noise, from the MAD
        const bg = estimateBackground(image, { meshSize: 64 });
        variance = imageFrom(
          width,
          height,
          new Float32Array(width * height).fill(bg.globalRms ** 2),
        );
      }
      const mask = sameSize(maskHdu)
        ? templateMask(maskHdu.header, await read(maskHdu), patch)
        : undefined;
      source = { image, variance, mask, wcs: readWcs(imageHdu.header) };
    }
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    if (isPromptlyError(err, 'PROMPTLY_E_PIPELINE_INPUT_MISSING')) throw err;
    throw missing(`template of patch ${patch} is not a readable FITS image with a WCS`, err);
  }
  if (!source) throw missing(`template of patch ${patch} has no 2-d image`);
  return source;
}
