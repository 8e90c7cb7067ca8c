import type { Header } from '../header/header.js';

/** Chunks of a data unit: big-endian stored bytes, in order, without padding. */
export type DataChunks = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * An HDU ready to be written: a header with its structural keywords (BITPIX, NAXISn, and
 * for extensions PCOUNT/GCOUNT/TFIELDS), and a producer of its data unit. The writer puts
 * SIMPLE or XTENSION first depending on where the HDU lands, checks that the bytes
 * produced match the size the header declares, and pads to 2880 bytes.
 */
export interface WritableHdu {
  readonly header: Header;
  /** Produces the data unit; omitted when the header declares no data. */
  readonly data?: () => DataChunks;
  /**
   * False when `data()` can only be consumed once (a stream). With checksums, such an HDU
   * needs a sink that can patch the header afterwards (a file). Default true.
   */
  readonly replayable?: boolean;
}

/** An HDU whose data unit is bytes already encoded (big-endian, unpadded). */
export function rawHdu(header: Header, bytes?: Uint8Array): WritableHdu {
  return bytes === undefined ? { header } : { header, data: () => [bytes] };
}
