import { memorySink } from './byte-sink.js';
import { createFitsWriter, type FitsWriterOptions } from './fits-writer.js';
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
  const sink = memorySink();
  const writer = createFitsWriter(sink, options);
  for (const hdu of hdus) await writer.writeHdu(hdu, signal);
  await writer.close(signal);
  return sink.bytes();
}
