/**
 * The binary-table header fpack writes for a tile-compressed image.
 */
import { makeValueCard } from '../header/card.js';
import { Header } from '../header/header.js';
import { userCards } from './image-header.js';
import { NULL_VALUE, type QuantizeMethod } from './quantize.js';
import { RICE_DEFAULT_BLOCK_SIZE } from './rice.js';
import type { WriteCompression } from './tile-encode.js';

/** What the compressed-table header states besides the image's own cards. */
export interface HeaderFacts {
  readonly bitpix: number;
  readonly compression: WriteCompression;
  readonly tile: readonly number[];
  readonly rowBytes: number;
  readonly tileCount: number;
  readonly heapSize: number;
  readonly maxCompressed: number;
  readonly maxGzip: number | undefined;
  readonly withScale: boolean;
  readonly quantize: { readonly method: QuantizeMethod; readonly ditherSeed: number } | undefined;
  readonly anyNull: boolean;
}

/**
 * The header of a compressed-image table, in fpack's order: table structure, compression
 * keywords, the image's Z-prefixed structure, its checksums as ZHECKSUM/ZDATASUM, then
 * every other card of the image header.
 */
export function buildHeader(
  src: Header,
  axes: readonly number[],
  options: { readonly riceBlockSize?: number; readonly fromPrimary?: boolean },
  f: HeaderFacts,
): Header {
  const fromPrimary = options.fromPrimary ?? src.has('SIMPLE');
  const h = new Header();
  const add = (k: string, v: string | number | boolean, c = ''): void => {
    h.append(makeValueCard(k, v, c));
  };
  add('XTENSION', 'BINTABLE', 'binary table extension');
  add('BITPIX', 8, '8-bit bytes');
  add('NAXIS', 2, '2-dimensional binary table');
  add('NAXIS1', f.rowBytes, 'width of table in bytes');
  add('NAXIS2', f.tileCount, 'number of rows in table');
  add('PCOUNT', f.heapSize, 'size of special data area');
  add('GCOUNT', 1, 'one data group (required keyword)');
  add(
    'TFIELDS',
    1 + (f.maxGzip !== undefined ? 1 : 0) + (f.withScale ? 2 : 0),
    'number of fields in each row',
  );
  let n = 1;
  add(`TTYPE${n}`, 'COMPRESSED_DATA', 'label for field');
  add(`TFORM${n}`, `1PB(${f.maxCompressed})`, 'data format of field: variable length array');
  if (f.maxGzip !== undefined) {
    n++;
    add(`TTYPE${n}`, 'GZIP_COMPRESSED_DATA', 'label for field');
    add(`TFORM${n}`, `1PB(${f.maxGzip})`, 'data format of field: variable length array');
  }
  if (f.withScale) {
    n++;
    add(`TTYPE${n}`, 'ZSCALE', 'label for field');
    add(`TFORM${n}`, '1D', 'data format of field: 8-byte DOUBLE');
    n++;
    add(`TTYPE${n}`, 'ZZERO', 'label for field');
    add(`TFORM${n}`, '1D', 'data format of field: 8-byte DOUBLE');
  }
  add('ZIMAGE', true, 'extension contains compressed image');
  f.tile.forEach((t, d) => add(`ZTILE${d + 1}`, t, 'size of tiles to be compressed'));
  add('ZCMPTYPE', f.compression, 'compression algorithm');
  if (f.compression === 'RICE_1') {
    add('ZNAME1', 'BLOCKSIZE', 'compression block size');
    add('ZVAL1', options.riceBlockSize ?? RICE_DEFAULT_BLOCK_SIZE, 'pixels per block');
    add('ZNAME2', 'BYTEPIX', 'bytes per pixel (1, 2, 4, or 8)');
    add(
      'ZVAL2',
      f.quantize !== undefined ? 4 : Math.abs(f.bitpix) / 8,
      'bytes per pixel (1, 2, 4, or 8)',
    );
  }
  if (f.quantize !== undefined) {
    add('ZQUANTIZ', f.quantize.method, 'Dithering method used to quantize the data');
    if (f.quantize.method !== 'NO_DITHER')
      add('ZDITHER0', f.quantize.ditherSeed, 'dithering offset when quantizing floats');
    if (f.anyNull) add('ZBLANK', NULL_VALUE, 'null value in the compressed integer array');
  }
  if (fromPrimary) {
    if (!src.has('EXTNAME')) add('EXTNAME', 'COMPRESSED_IMAGE');
    add('ZSIMPLE', true, 'conforms to FITS standard');
  } else {
    add('ZTENSION', 'IMAGE', 'Image extension');
  }
  add('ZBITPIX', f.bitpix, 'array data type');
  add('ZNAXIS', axes.length, 'number of array dimensions');
  axes.forEach((a, d) => add(`ZNAXIS${d + 1}`, a, 'length of data axis'));
  if (fromPrimary) {
    const ext = src.get('EXTEND');
    if (typeof ext === 'boolean') add('ZEXTEND', ext, 'FITS dataset may contain extensions');
  } else {
    add('ZPCOUNT', 0, 'number of random group parameters');
    add('ZGCOUNT', 1, 'number of random groups');
  }
  // the image's own checksums describe the uncompressed HDU: kept aside, as fpack does
  for (const [from, to] of [
    ['CHECKSUM', 'ZHECKSUM'],
    ['DATASUM', 'ZDATASUM'],
  ] as const) {
    const c = src.getCard(from);
    if (c !== undefined && typeof c.value === 'string') add(to, c.value, c.comment);
  }
  for (const card of userCards(src)) h.append(card);
  return h;
}
