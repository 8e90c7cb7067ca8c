import { PromptlyError, throwIfAborted } from '../../core/errors.js';
import { ChecksumAccumulator, applyChecksum } from '../checksum.js';
import { describeLayout } from '../hdu/hdu-info.js';
import { Header } from '../header/header.js';
import { padToBlock, serializeHeader } from '../header/header-io.js';
import type { ByteSink } from './byte-sink.js';
import { structureHeader } from './structure-header.js';
import type { DataChunks, WritableHdu } from './writable-hdu.js';

/** Options of a FITS writer. */
export interface FitsWriterOptions {
  /** Write CHECKSUM and DATASUM in every HDU (default false). */
  readonly checksum?: boolean;
}

/** Where one HDU landed in the output. */
export interface WrittenHdu {
  readonly index: number;
  /** The header as written (structural keywords ordered, checksums set). */
  readonly header: Header;
  readonly headerOffset: number;
  readonly dataOffset: number;
  /** Unpadded data size in bytes. */
  readonly dataSize: number;
}

/**
 * Writes HDUs one after the other to a sink, streaming each data unit chunk by chunk. The
 * first HDU becomes the primary (an empty primary is inserted before a table).
 */
export interface FitsWriter {
  /** Writes one HDU; resolves when the sink accepted every byte of it. */
  writeHdu(hdu: WritableHdu, signal?: AbortSignal): Promise<WrittenHdu>;
  /** Bytes written so far (always a multiple of 2880 between HDUs). */
  readonly bytesWritten: number;
  /**
   * Closes the sink. A file without any HDU gets an empty primary HDU first (unless an
   * earlier write failed).
   */
  close(signal?: AbortSignal): Promise<void>;
}

async function* iterate(chunks: DataChunks): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) yield c;
}

function emptyPrimary(): WritableHdu {
  return { header: new Header().set('SIMPLE', true).set('BITPIX', 8).set('NAXIS', 0) };
}

/**
 * Creates a streaming FITS writer over a sink. With `checksum`, each data unit is produced
 * twice (once to sum it, once to write it) when the HDU is replayable; a one-shot stream is
 * written with placeholder checksums that are patched afterwards, which needs a sink with
 * `writeAt` (PROMPTLY_E_FITS_UNSUPPORTED otherwise). A data unit whose size differs from the
 * header's declaration gives PROMPTLY_E_FITS_DATA.
 */
export function createFitsWriter(sink: ByteSink, options: FitsWriterOptions = {}): FitsWriter {
  let offset = 0;
  let index = 0;
  let closed = false;
  let broken: unknown;

  async function put(bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    if (bytes.length === 0) return;
    await sink.write(bytes, signal);
    offset += bytes.length;
  }

  async function writeOne(hdu: WritableHdu, signal?: AbortSignal): Promise<WrittenHdu> {
    throwIfAborted(signal);
    if (closed) throw new PromptlyError('PROMPTLY_E_INTERNAL', 'FITS writer is closed');
    const header = structureHeader(hdu.header, index === 0);
    const layout = describeLayout(header, index === 0);
    const padByte = layout.xtension === 'TABLE' ? 0x20 : 0;
    const padding = new Uint8Array(padToBlock(layout.dataSize) - layout.dataSize).fill(padByte);
    const replayable = hdu.replayable !== false;
    if (layout.dataSize > 0 && hdu.data === undefined) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_DATA',
        `HDU ${index} declares ${layout.dataSize} data bytes but has no data`,
      );
    }
    let patch = false;
    if (options.checksum === true) {
      if (replayable) {
        const acc = new ChecksumAccumulator();
        if (hdu.data !== undefined) for await (const c of iterate(hdu.data())) acc.update(c);
        acc.update(padding);
        applyChecksum(header, acc.sum);
      } else if (sink.writeAt !== undefined) {
        applyChecksum(header, 0);
        patch = true;
      } else {
        throw new PromptlyError(
          'PROMPTLY_E_FITS_UNSUPPORTED',
          'checksums of a one-shot data stream need a seekable sink (a file)',
        );
      }
    }
    const headerOffset = offset;
    await put(serializeHeader(header), signal);
    const dataOffset = offset;
    const acc = patch ? new ChecksumAccumulator() : undefined;
    let written = 0;
    if (hdu.data !== undefined) {
      for await (const c of iterate(hdu.data())) {
        throwIfAborted(signal);
        written += c.length;
        if (written > layout.dataSize) break;
        acc?.update(c);
        await put(c, signal);
      }
    }
    if (written !== layout.dataSize) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_DATA',
        `HDU ${index}: data produced ${written > layout.dataSize ? 'more than' : written} bytes, header declares ${layout.dataSize}`,
      );
    }
    await put(padding, signal);
    if (acc !== undefined && sink.writeAt !== undefined) {
      acc.update(padding);
      applyChecksum(header, acc.sum);
      // Same number of cards, so the header occupies exactly the same blocks.
      await sink.writeAt(headerOffset, serializeHeader(header), signal);
    }
    const written_: WrittenHdu = {
      index,
      header,
      headerOffset,
      dataOffset,
      dataSize: layout.dataSize,
    };
    index++;
    return written_;
  }

  async function writeFirst(hdu: WritableHdu, signal?: AbortSignal): Promise<WrittenHdu> {
    if (index === 0) {
      const first = hdu.header.cards[0];
      const isTable =
        first?.kind === 'value' &&
        first.keyword === 'XTENSION' &&
        typeof first.value === 'string' &&
        first.value.trim().toUpperCase() !== 'IMAGE';
      if (isTable) await writeOne(emptyPrimary(), signal);
    }
    return writeOne(hdu, signal);
  }

  return {
    async writeHdu(hdu, signal) {
      if (broken !== undefined) {
        throw new PromptlyError(
          'PROMPTLY_E_INTERNAL',
          'FITS writer failed earlier; output is incomplete',
          {
            cause: broken,
          },
        );
      }
      const before = offset;
      try {
        return await writeFirst(hdu, signal);
      } catch (err) {
        // Bytes of a partial HDU are in the sink: refuse to go on.
        if (offset !== before) broken = err;
        throw err;
      }
    },
    get bytesWritten() {
      return offset;
    },
    async close(signal) {
      if (closed) return;
      // A failed writer only releases its sink: nothing more is appended to a partial file.
      if (index === 0 && broken === undefined) await writeOne(emptyPrimary(), signal);
      closed = true;
      await sink.close();
    },
  };
}
