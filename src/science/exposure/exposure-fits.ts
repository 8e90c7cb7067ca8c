import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import {
  FitsFile,
  Header,
  makeImageHdu,
  primaryHdu,
  readImage,
  writeFits,
  writeFitsFile,
  type CardValue,
  type HduInfo,
  type PixelArray,
  type WritableHdu,
} from '../../fits/index.js';
import { readWcs, toKeywords } from '../../wcs/index.js';
import { exposureFrom, type Exposure, type MetadataValue } from './exposure.js';
import { MASK_PLANES, type MaskPlaneDict } from './mask-planes.js';
import { BUILTIN_PSF_READERS } from './pixel-psf.js';
import type { Psf, PsfImage, PsfReader } from './psf.js';

/**
 * An exposure as a multi-extension FITS file, in the layout of Rubin's afw: a data-less
 * primary HDU (metadata, PSF cards), then image extensions IMAGE (float32), MASK (int32 bit
 * planes, `MP_<NAME> = bit` cards) and VARIANCE (float32), each with EXTTYPE, BUNIT and the
 * WCS cards; then, for a pixelized PSF, its images as EXTNAME `PSF` (EXTVER 1, 2, …).
 */

/** EXTNAMEs of the three planes, in file order. */
export const EXPOSURE_EXTNAMES = Object.freeze(['IMAGE', 'MASK', 'VARIANCE'] as const);

/** Primary keywords the writer owns; they are not read back into metadata. */
const OWNED = /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|PSF[A-Z0-9]*|CHECKSUM|DATASUM|ORIGIN)$/;

function invalid(message: string, cause?: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_EXPOSURE_INVALID',
    message,
    cause === undefined ? undefined : { cause },
  );
}

function extnameOf(hdu: HduInfo): string | undefined {
  const v = hdu.header.get('EXTNAME');
  return typeof v === 'string' ? v.trim().toUpperCase() : undefined;
}

function planeHeader(exposure: Exposure, extname: string, bunit: string): Header {
  const h = new Header();
  h.set('EXTTYPE', extname, 'afw plane type');
  h.set('INHERIT', true, 'inherit the primary header');
  h.set('BUNIT', bunit, 'pixel unit');
  if (exposure.wcs !== undefined) {
    // floats at full precision: a float-valued keyword keeps 17 significant digits
    for (const [k, v, c] of toKeywords(exposure.wcs)) h.set(k, v, c);
  }
  return h;
}

/**
 * The HDUs of an exposure file, streamed from the planes as they are (no copy): hand them to
 * `writeFitsFile` or a `FitsWriter`. The mask is written as int32 through a view of its
 * buffer (bits ≤ 30, so values stay non-negative), as afw writes it.
 */
export function exposureHdus(exposure: Exposure): WritableHdu[] {
  const psfFits = exposure.psf?.toFits();
  const primary: [string, CardValue, string?][] = [['ORIGIN', 'promptly', 'exposure writer']];
  for (const [k, v] of Object.entries(exposure.metadata)) primary.push([k, v]);
  for (const [k, v, c] of psfFits?.cards ?? []) primary.push([k, v, c]);
  const shape = [exposure.width, exposure.height];
  const image = makeImageHdu(exposure.image.data, shape, {
    extname: 'IMAGE',
    header: planeHeader(exposure, 'IMAGE', exposure.unit),
  });
  const maskHeader = planeHeader(exposure, 'MASK', '');
  maskHeader.delete('BUNIT');
  const byBit = Object.entries(exposure.maskPlanes).sort((a, b) => a[1] - b[1]);
  for (const [name, bit] of byBit) maskHeader.set(`MP_${name}`, bit, `mask plane bit ${bit}`);
  const m = exposure.mask;
  const mask = makeImageHdu(new Int32Array(m.buffer, m.byteOffset, m.length), shape, {
    extname: 'MASK',
    header: maskHeader,
  });
  const variance = makeImageHdu(exposure.variance.data, shape, {
    extname: 'VARIANCE',
    header: planeHeader(exposure, 'VARIANCE', `${exposure.unit}**2`),
  });
  const psfHdus = (psfFits?.images ?? []).map((img, i) => {
    const h = new Header();
    h.set('EXTVER', i + 1, 'PSF image number');
    return makeImageHdu(img.pixels, [img.width, img.height], { extname: 'PSF', header: h });
  });
  return [primaryHdu(primary), image, mask, variance, ...psfHdus];
}

/** The exposure as FITS bytes in memory (small exposures, tests; files: {@link writeExposureFile}). */
export function writeExposureFits(exposure: Exposure, signal?: AbortSignal): Promise<Uint8Array> {
  return writeFits(exposureHdus(exposure), {}, signal);
}

/** Streams the exposure to a file (created or truncated), chunk by chunk. */
export function writeExposureFile(
  path: string,
  exposure: Exposure,
  signal?: AbortSignal,
): Promise<void> {
  return writeFitsFile(path, exposureHdus(exposure), signal ? { signal } : {});
}

/** Options of {@link readExposureFits}. */
export interface ReadExposureOptions {
  /** PSF decoders by PSFMODEL; default {@link BUILTIN_PSF_READERS}. An unknown model is an error. */
  readonly psfReaders?: readonly PsfReader[];
  readonly signal?: AbortSignal;
}

function toFloat32(pixels: PixelArray, what: string): Float32Array {
  if (pixels instanceof Float32Array) return pixels;
  if (pixels instanceof BigInt64Array || pixels instanceof BigUint64Array) {
    throw invalid(`${what} plane must not be 64-bit integers`);
  }
  return Float32Array.from(pixels);
}

function toMask(pixels: PixelArray): Uint32Array {
  if (pixels instanceof Int32Array || pixels instanceof Uint32Array) {
    return new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.length);
  }
  if (pixels instanceof Float32Array || pixels instanceof Float64Array) {
    throw invalid('MASK plane must hold integers');
  }
  if (pixels instanceof BigInt64Array || pixels instanceof BigUint64Array) {
    throw invalid('MASK plane must not be 64-bit integers');
  }
  return Uint32Array.from(pixels);
}

function maskPlanesOf(header: Header): MaskPlaneDict {
  const planes: Record<string, number> = {};
  for (const card of header) {
    if (card.kind !== 'value') continue;
    const key = card.keyword.toUpperCase();
    if (!key.startsWith('MP_')) continue;
    if (typeof card.value !== 'number') throw invalid(`${key} must be an integer bit index`);
    planes[key.slice(3)] = card.value;
  }
  return Object.keys(planes).length > 0 ? planes : MASK_PLANES;
}

function metadataOf(header: Header): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = {};
  for (const card of header) {
    if (card.kind !== 'value' || OWNED.test(card.keyword)) continue;
    const v = card.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[card.keyword] = v;
    }
  }
  return out;
}

function psfOf(
  primary: Header,
  images: readonly PsfImage[],
  readers: readonly PsfReader[],
): Psf | undefined {
  const kind = primary.get('PSFMODEL');
  if (kind === undefined) return undefined;
  const reader = readers.find((r) => r.kind === kind);
  if (reader === undefined) throw invalid(`no PSF reader for PSFMODEL ${JSON.stringify(kind)}`);
  return reader.read(primary, images);
}

/**
 * Reads an exposure file (bytes in memory, or an open `FitsFile`): planes by EXTNAME, mask
 * planes from the MASK HDU's MP_ cards (the standard table when it has none), the WCS from the
 * IMAGE HDU when it has CTYPE1, the PSF from the primary's PSF* cards and PSF extensions,
 * the remaining primary cards as metadata. Throws PROMPTLY_E_EXPOSURE_INVALID, or the FITS
 * and WCS readers' codes for damaged files.
 */
export async function readExposureFits(
  source: Uint8Array | FitsFile,
  options: ReadExposureOptions = {},
): Promise<Exposure> {
  const { signal } = options;
  const file = source instanceof FitsFile ? source : FitsFile.fromBytes(source);
  const hdus = await file.hdus(signal);
  const find = (name: string): HduInfo => {
    const hdu = hdus.find((h) => h.index > 0 && extnameOf(h) === name);
    if (hdu === undefined || hdu.kind !== 'image' || hdu.axes.length !== 2) {
      throw invalid(`exposure file has no 2-d ${name} image extension`);
    }
    return hdu;
  };
  const [imageHdu, maskHdu, varHdu] = EXPOSURE_EXTNAMES.map(find) as [HduInfo, HduInfo, HduInfo];
  const [width, height] = imageHdu.axes as [number, number];
  for (const h of [maskHdu, varHdu]) {
    if (h.axes[0] !== width || h.axes[1] !== height) {
      throw invalid(
        `${h.header.getString('EXTNAME')} is ${h.axes.join('×')}, IMAGE ${width}×${height}`,
      );
    }
  }
  const read = (h: HduInfo) => readImage(file.source, h, signal ? { signal } : {});
  const image = toFloat32((await read(imageHdu)).pixels, 'IMAGE');
  const mask = toMask((await read(maskHdu)).pixels);
  const variance = toFloat32((await read(varHdu)).pixels, 'VARIANCE');
  const psfImages: PsfImage[] = [];
  for (const h of hdus) {
    if (h.index === 0 || extnameOf(h) !== 'PSF') continue;
    if (h.kind !== 'image' || h.axes.length !== 2)
      throw invalid('a PSF extension must be a 2-d image');
    const px = toFloat32((await read(h)).pixels, 'PSF');
    psfImages.push({ width: h.axes[0]!, height: h.axes[1]!, pixels: px });
  }
  const primary = hdus[0]!.header;
  let wcs;
  try {
    wcs = imageHdu.header.has('CTYPE1') ? readWcs(imageHdu.header) : undefined;
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_WCS_INVALID')) throw err;
    throw invalid('cannot read the IMAGE WCS', err);
  }
  const bunit = imageHdu.header.get('BUNIT');
  return exposureFrom(
    width,
    height,
    { image, mask, variance },
    {
      wcs,
      psf: psfOf(primary, psfImages, options.psfReaders ?? BUILTIN_PSF_READERS),
      maskPlanes: maskPlanesOf(maskHdu.header),
      unit: typeof bunit === 'string' ? bunit.trim() : 'electron',
      metadata: metadataOf(primary),
    },
  );
}
