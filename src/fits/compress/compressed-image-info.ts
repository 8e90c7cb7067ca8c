/**
 * What the header of a tile-compressed image says: algorithm and its parameters (ZNAMEi /
 * ZVALi), image BITPIX and axes (ZBITPIX, ZNAXISn), tile shape (ZTILEn), quantization
 * (ZQUANTIZ, ZDITHER0) and which table columns carry tiles and per-tile scaling.
 */
import { PromptlyError } from '../../core/errors.js';
import type { Header } from '../header/header.js';
import { describeTable, type TableColumn, type TableLayout } from './compressed-table.js';
import { isImageBitpix, type ImageBitpix } from './pixels.js';
import type { QuantizeMethod } from './quantize.js';
import { RICE_DEFAULT_BLOCK_SIZE, type RiceBytePix } from './rice.js';

/** ZCMPTYPE values understood here (RICE_ONE is the old spelling of RICE_1). */
export type CompressionType =
  'RICE_1' | 'GZIP_1' | 'GZIP_2' | 'PLIO_1' | 'HCOMPRESS_1' | 'NOCOMPRESS';

/** Everything needed to decode the tiles of one compressed-image HDU. */
export interface CompressedImageInfo {
  readonly cmptype: CompressionType;
  /** BITPIX of the uncompressed image (ZBITPIX). */
  readonly bitpix: ImageBitpix;
  /** Image axes, ZNAXIS1 first (fastest). */
  readonly axes: readonly number[];
  /** Tile shape per axis (ZTILEn; default: whole first axis, 1 along the others). */
  readonly tile: readonly number[];
  /** Number of tiles along each axis. */
  readonly tilesPerAxis: readonly number[];
  readonly tileCount: number;
  readonly riceBlockSize: number;
  readonly riceBytePix: RiceBytePix;
  /** HCOMPRESS SMOOTH flag. */
  readonly smooth: boolean;
  /** Quantization of a float image; undefined for integer images. */
  readonly quantize: QuantizeMethod | undefined;
  /** ZDITHER0 (1..10000; 1 when absent). */
  readonly ditherSeed: number;
  /** ZBLANK keyword value, when the blank is one value for every tile. */
  readonly blankKeyword: number | undefined;
  /** ZSCALE / ZZERO keywords, when constant for every tile. */
  readonly scaleKeyword: number | undefined;
  readonly zeroKeyword: number | undefined;
  readonly table: TableLayout;
  readonly compressedColumn: TableColumn | undefined;
  readonly gzipColumn: TableColumn | undefined;
  readonly uncompressedColumn: TableColumn | undefined;
  readonly scaleColumn: TableColumn | undefined;
  readonly zeroColumn: TableColumn | undefined;
  readonly blankColumn: TableColumn | undefined;
}

function headerError(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_HEADER', message);
}

function zParams(header: Header): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 1; i < 1000; i++) {
    const name = header.get(`ZNAME${i}`);
    if (name === undefined) break;
    const val = header.get(`ZVAL${i}`);
    if (typeof name === 'string' && typeof val === 'number')
      out.set(name.trim().toUpperCase(), val);
  }
  return out;
}

const MAX_AXES = 999;

/**
 * Reads the compression keywords of a ZIMAGE = T binary-table header. Throws
 * PROMPTLY_E_FITS_HEADER for missing or inconsistent keywords, PROMPTLY_E_FITS_UNSUPPORTED
 * for an unknown ZCMPTYPE.
 */
export function describeCompressedImage(header: Header): CompressedImageInfo {
  if (header.get('ZIMAGE') !== true) throw headerError('not a compressed image (ZIMAGE is not T)');
  const rawType = header.getString('ZCMPTYPE').trim().toUpperCase();
  const cmptype = (rawType === 'RICE_ONE' ? 'RICE_1' : rawType) as CompressionType;
  if (!['RICE_1', 'GZIP_1', 'GZIP_2', 'PLIO_1', 'HCOMPRESS_1', 'NOCOMPRESS'].includes(cmptype)) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `ZCMPTYPE '${rawType}' is not supported`,
    );
  }
  const bitpix = header.get('ZBITPIX');
  if (!isImageBitpix(bitpix))
    throw headerError(
      `ZBITPIX ${typeof bitpix === 'bigint' ? bitpix.toString() : JSON.stringify(bitpix)} is not a FITS BITPIX`,
    );
  const naxis = header.getInt('ZNAXIS');
  if (naxis < 0 || naxis > MAX_AXES) throw headerError(`ZNAXIS ${naxis} is out of range`);
  const axes: number[] = [];
  const tile: number[] = [];
  const tilesPerAxis: number[] = [];
  let tileCount = naxis === 0 ? 0 : 1;
  let pixels = 1;
  for (let i = 1; i <= naxis; i++) {
    const n = header.getInt(`ZNAXIS${i}`);
    const t = header.getInt(`ZTILE${i}`, i === 1 ? n : 1);
    if (n < 0 || t < 1) throw headerError(`ZNAXIS${i} = ${n}, ZTILE${i} = ${t} are out of range`);
    axes.push(n);
    tile.push(Math.min(t, Math.max(n, 1)));
    const k = n === 0 ? 0 : Math.ceil(n / t);
    tilesPerAxis.push(k);
    tileCount *= k;
    pixels *= n;
  }
  if (!Number.isSafeInteger(pixels) || pixels > 2 ** 31) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `compressed image of ${pixels} pixels is too large`,
    );
  }
  const table = describeTable(header);
  if (table.rows !== tileCount) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `table has ${table.rows} rows but the image has ${tileCount} tiles`,
    );
  }
  const params = zParams(header);
  const blockSize = params.get('BLOCKSIZE') ?? RICE_DEFAULT_BLOCK_SIZE;
  const bytePixRaw = params.get('BYTEPIX') ?? 4;
  if (bytePixRaw !== 1 && bytePixRaw !== 2 && bytePixRaw !== 4 && cmptype === 'RICE_1') {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `RICE_1 BYTEPIX ${bytePixRaw} is not supported`,
    );
  }
  const zq = header.get('ZQUANTIZ');
  let quantize: QuantizeMethod | undefined;
  const col = (name: string): TableColumn | undefined => table.columns.get(name);
  const scaleColumn = col('ZSCALE');
  const scaleKeyword = header.get('ZSCALE');
  if (bitpix < 0 && (scaleColumn !== undefined || typeof scaleKeyword === 'number')) {
    const q = typeof zq === 'string' ? zq.trim().toUpperCase() : 'NO_DITHER';
    if (q !== 'NO_DITHER' && q !== 'SUBTRACTIVE_DITHER_1' && q !== 'SUBTRACTIVE_DITHER_2') {
      throw new PromptlyError('PROMPTLY_E_FITS_UNSUPPORTED', `ZQUANTIZ '${q}' is not supported`);
    }
    quantize = q;
  }
  const seed = header.get('ZDITHER0');
  const ditherSeed =
    typeof seed === 'number' && Number.isInteger(seed) && seed >= 1 && seed <= 10000 ? seed : 1;
  const num = (key: string): number | undefined => {
    const v = header.get(key);
    return typeof v === 'number' ? v : undefined;
  };
  return {
    cmptype,
    bitpix,
    axes,
    tile,
    tilesPerAxis,
    tileCount,
    riceBlockSize: blockSize,
    riceBytePix: bytePixRaw as RiceBytePix,
    smooth: (params.get('SMOOTH') ?? 0) !== 0,
    quantize,
    ditherSeed,
    blankKeyword: num('ZBLANK'),
    scaleKeyword: num('ZSCALE'),
    zeroKeyword: num('ZZERO'),
    table,
    compressedColumn: col('COMPRESSED_DATA'),
    gzipColumn: col('GZIP_COMPRESSED_DATA'),
    uncompressedColumn: col('UNCOMPRESSED_DATA'),
    scaleColumn,
    zeroColumn: col('ZZERO'),
    blankColumn: col('ZBLANK'),
  };
}

/** Position and extent of one tile: first pixel per axis (0-based) and size per axis. */
export interface TileBox {
  readonly start: readonly number[];
  readonly shape: readonly number[];
  readonly pixels: number;
}

/** Where tile `index` (0-based, first axis fastest) lies in the image. */
export function tileBox(info: CompressedImageInfo, index: number): TileBox {
  const start: number[] = [];
  const shape: number[] = [];
  let rest = index;
  let pixels = 1;
  for (let d = 0; d < info.axes.length; d++) {
    const k = info.tilesPerAxis[d] as number;
    const t = info.tile[d] as number;
    const i = rest % k;
    rest = Math.floor(rest / k);
    const s = i * t;
    const len = Math.min(t, (info.axes[d] as number) - s);
    start.push(s);
    shape.push(len);
    pixels *= len;
  }
  return { start, shape, pixels };
}
