import { throwIfAborted } from '../core/errors.js';
import { assertChecksumOk, verifyHduChecksum, type HduChecksumResult } from './checksum.js';
import type { HduKind } from './hdu/hdu-info.js';
import { iterateHdus } from './hdu/scan.js';
import type { Header } from './header/header.js';
import type { ByteSource } from './io/byte-source.js';

/** Tile-compression parameters of a compressed-image HDU, from its Z keywords. */
export interface CompressionSummary {
  /** ZCMPTYPE, e.g. `RICE_1`. */
  readonly type: string;
  /** ZBITPIX of the uncompressed image. */
  readonly bitpix: number | undefined;
  /** ZNAXIS1…n, fastest axis first. */
  readonly axes: readonly number[];
  /** ZTILE1…n when present. */
  readonly tile: readonly number[];
  /** ZQUANTIZ when present (floating-point images). */
  readonly quantize: string | undefined;
}

/** A one-line description of an HDU (what `promptly fits info` prints). */
export interface HduSummary {
  readonly index: number;
  readonly kind: HduKind;
  readonly extname: string | undefined;
  readonly bitpix: number;
  /** NAXIS1…n, fastest axis first. */
  readonly axes: readonly number[];
  /** Byte offsets and unpadded data size. */
  readonly headerOffset: number;
  readonly dataOffset: number;
  readonly dataSize: number;
  /** TFIELDS of tables. */
  readonly columns: number | undefined;
  readonly compression: CompressionSummary | undefined;
}

function numbered(header: Header, prefix: string): number[] {
  const out: number[] = [];
  for (let i = 1; ; i++) {
    const v = header.get(`${prefix}${i}`);
    if (typeof v !== 'number') return out;
    out.push(v);
  }
}

function compressionOf(header: Header): CompressionSummary {
  const type = header.get('ZCMPTYPE');
  const bitpix = header.get('ZBITPIX');
  const q = header.get('ZQUANTIZ');
  return {
    type: typeof type === 'string' ? type : 'unknown',
    bitpix: typeof bitpix === 'number' ? bitpix : undefined,
    axes: numbered(header, 'ZNAXIS'),
    tile: numbered(header, 'ZTILE'),
    quantize: typeof q === 'string' ? q : undefined,
  };
}

/** Describes every HDU of a file from its headers (data units are not read). */
export async function describeFits(
  source: ByteSource,
  signal?: AbortSignal,
): Promise<HduSummary[]> {
  const out: HduSummary[] = [];
  for await (const hdu of iterateHdus(source, signal)) {
    const tfields = hdu.header.get('TFIELDS');
    out.push({
      index: hdu.index,
      kind: hdu.kind,
      extname: hdu.extname,
      bitpix: hdu.bitpix,
      axes: hdu.axes,
      headerOffset: hdu.headerOffset,
      dataOffset: hdu.dataOffset,
      dataSize: hdu.dataSize,
      columns:
        (hdu.kind === 'bintable' || hdu.kind === 'table') && typeof tfields === 'number'
          ? tfields
          : undefined,
      compression: hdu.kind === 'compressed-image' ? compressionOf(hdu.header) : undefined,
    });
  }
  return out;
}

/**
 * Verifies CHECKSUM/DATASUM of every HDU. With `strict`, throws PROMPTLY_E_FITS_CHECKSUM at
 * the first bad HDU; otherwise returns every result (missing keywords are not failures).
 */
export async function verifyFits(
  source: ByteSource,
  strict = false,
  signal?: AbortSignal,
): Promise<HduChecksumResult[]> {
  const out: HduChecksumResult[] = [];
  for await (const hdu of iterateHdus(source, signal)) {
    throwIfAborted(signal);
    const result = await verifyHduChecksum(source, hdu, signal);
    if (strict) assertChecksumOk(result);
    out.push(result);
  }
  return out;
}
