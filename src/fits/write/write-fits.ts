import { describeLayout } from '../hdu/hdu-info.js';
import { padToBlock } from '../header/header-io.js';
import { memorySink } from './byte-sink.js';
import { createFitsWriter, type FitsWriterOptions } from './fits-writer.js';
import { structureHeader } from './structure-header.js';
import type { WritableHdu } from './writable-hdu.js';

/**
 * Writes HDUs to one in-memory FITS file (for small files; use createFitsWriter with a
 * file sink for large ones). The first HDU becomes the primary.
 */
export async function writeFits(
  hdus: readonly WritableHdu[],
  options: FitsWriterOptions = {},
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const sink = memorySink(expectedBytes(hdus));
  const writer = createFitsWriter(sink, options);
  for (const hdu of hdus) await writer.writeHdu(hdu, signal);
  await writer.close(signal);
  return sink.bytes();
}

/**
 * About the file's size, from each header's declared data size (plus four header blocks): the
 * memory sink is made that big at once rather than doubled from 64 KiB, which for a 200 MB
 * image briefly held the old and the new buffer (and ended up to twice the size). A header
 * the writer will refuse is sized 0 here; the sink still grows when the guess is short.
 */
function expectedBytes(hdus: readonly WritableHdu[]): number {
  let total = 0;
  hdus.forEach((hdu, i) => {
    try {
      const layout = describeLayout(structureHeader(hdu.header, i === 0), i === 0);
      total += padToBlock(layout.dataSize) + 4 * 2880;
    } catch {
      // reported by the writer itself
    }
  });
  return total;
}
