import { PromptlyError } from '../../core/errors.js';
import { Header } from '../header/header.js';
import { isBitpix, type Bitpix } from '../hdu/hdu-info.js';
import type { WritableHdu } from '../write/writable-hdu.js';
import {
  DEFAULT_CHUNK_BYTES,
  naturalStorage,
  pixelChunks,
  type PixelStorage,
} from './encode-pixels.js';
import { checkShape, type PixelArray } from './pixel-format.js';

/** Options for {@link makeImageHdu}. */
export interface ImageHduOptions {
  /**
   * Stored BITPIX. Default: the array's natural type (Uint8 → 8, Int8 → 8 with BZERO -128,
   * Int16 → 16, Uint16 → 16 with BZERO 32768, Int32 → 32, Uint32 → 32 with BZERO 2^31,
   * BigInt64 → 64, BigUint64 → 64 with BZERO 2^63, Float32 → -32, Float64 → -64). Giving an
   * integer BITPIX for float pixels quantises them with `bscale`/`bzero` (NaN → `blank`).
   */
  readonly bitpix?: Bitpix;
  /** BSCALE written when `bitpix` is given (default 1). */
  readonly bscale?: number;
  /** BZERO written when `bitpix` is given (default 0). */
  readonly bzero?: number;
  /** BLANK written for integer BITPIX (stored value of undefined pixels). */
  readonly blank?: number;
  /** Extra cards appended after the structural ones (structural keywords in it are ignored). */
  readonly header?: Header;
  /** EXTNAME, when given. */
  readonly extname?: string;
  /** Bytes per encoded chunk handed to the sink (default 1 MiB). */
  readonly chunkBytes?: number;
}

const STRUCTURAL =
  /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|EXTEND|BSCALE|BZERO|BLANK|EXTNAME)$/;

/**
 * Builds an image HDU from a typed array. `shape` lists NAXIS1 first (fastest axis), e.g.
 * `[width, height]`; its product must equal `pixels.length` (PROMPTLY_E_FITS_DATA otherwise).
 * Pixels are encoded chunk by chunk while writing; the array is not copied up front.
 */
export function makeImageHdu(
  pixels: PixelArray,
  shape: readonly number[],
  options: ImageHduOptions = {},
): WritableHdu {
  checkShape(shape, pixels.length);
  let storage: PixelStorage = naturalStorage(pixels);
  if (options.bitpix !== undefined) {
    if (!isBitpix(options.bitpix)) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_UNSUPPORTED',
        `BITPIX ${String(options.bitpix)} is not a FITS BITPIX`,
      );
    }
    storage = {
      bitpix: options.bitpix,
      bscale: options.bscale ?? 1,
      bzero: options.bzero ?? 0,
      blank: options.blank,
    };
  } else if (options.blank !== undefined) {
    storage = { ...storage, blank: options.blank };
  }
  if (storage.bscale === 0 || !Number.isFinite(storage.bscale) || !Number.isFinite(storage.bzero)) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      'BSCALE must be finite and non-zero, BZERO finite',
    );
  }
  const h = new Header();
  h.set('XTENSION', 'IMAGE', 'Image extension');
  h.set('BITPIX', storage.bitpix, 'array data type');
  h.set('NAXIS', shape.length, 'number of array dimensions');
  shape.forEach((n, i) => h.set(`NAXIS${i + 1}`, n));
  h.set('PCOUNT', 0, 'number of parameters');
  h.set('GCOUNT', 1, 'number of groups');
  if (storage.bitpix > 0 && storage.blank !== undefined) h.set('BLANK', storage.blank);
  if (storage.bscale !== 1) h.set('BSCALE', storage.bscale, undefined, { type: 'float' });
  if (storage.bzero !== 0) {
    // 2^63 is not exactly representable as text from a double's shortest form; write it exact.
    const bz = storage.bzero === 9223372036854775808 ? 2n ** 63n : storage.bzero;
    h.set('BZERO', bz);
  }
  if (options.extname !== undefined) h.set('EXTNAME', options.extname, 'extension name');
  for (const c of options.header ?? []) {
    if (c.kind === 'value' && !c.hierarch && STRUCTURAL.test(c.keyword)) continue;
    h.append(c);
  }
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  return { header: h, data: () => pixelChunks(pixels, storage, chunkBytes) };
}
