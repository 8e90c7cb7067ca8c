import { closeSync, openSync, readSync } from 'node:fs';
import { PromptlyError } from '../core/errors.js';
import { decodeCards, Header, parseCards, swapToNative } from '../fits/index.js';
import type { RowSource } from './row-source.js';

/** FITS block, bytes. */
const BLOCK = 2880;
/** Rows read per file access: 64 rows of a 4k image are 1 MB. */
const BAND_ROWS = 64;

/**
 * Rows of a FITS file's primary float32 image (BITPIX −32, no scaling) read from disk a band
 * at a time, as source-extractor reads its input: the image is never whole in memory, so
 * detection of a file costs a few megabytes beyond the process itself. Reads are synchronous
 * (a detection pass is synchronous compute; one band is ~1 ms of I/O). {@link close} when done.
 */
export class FitsRowFile implements RowSource {
  readonly width: number;
  readonly height: number;
  readonly #fd: number;
  readonly #dataOffset: number;
  readonly #bytes: Uint8Array;
  readonly #pixels: Float32Array;
  /** First row held in the band, and how many rows it holds. */
  #bandStart = 0;
  #bandRows = 0;

  private constructor(fd: number, width: number, height: number, dataOffset: number) {
    this.#fd = fd;
    this.width = width;
    this.height = height;
    this.#dataOffset = dataOffset;
    this.#bytes = new Uint8Array(BAND_ROWS * width * 4);
    this.#pixels = new Float32Array(this.#bytes.buffer);
  }

  /**
   * Opens `path` and reads its primary header. Throws PROMPTLY_E_FITS_UNSUPPORTED unless the
   * primary HDU is a 2-D BITPIX −32 image without BSCALE/BZERO, PROMPTLY_E_FITS_TRUNCATED
   * when the header has no END card.
   */
  static open(path: string): FitsRowFile {
    const fd = openSync(path, 'r');
    try {
      const { head, cards } = readHeader(fd);
      const primary = new Header(parseCards(decodeCards(head, cards)));
      const bitpix = primary.getInt('BITPIX');
      const naxis = primary.getInt('NAXIS');
      const bscale = primary.getNumber('BSCALE', 1);
      const bzero = primary.getNumber('BZERO', 0);
      if (bitpix !== -32 || naxis !== 2 || bscale !== 1 || bzero !== 0) {
        throw new PromptlyError(
          'PROMPTLY_E_FITS_UNSUPPORTED',
          `${path}: banded reading takes a 2-D BITPIX -32 primary image without scaling`,
        );
      }
      return new FitsRowFile(fd, primary.getInt('NAXIS1'), primary.getInt('NAXIS2'), head.length);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Row `y` (a view valid until the next call); reads the band starting at `y` when needed. */
  row(y: number): Float32Array {
    if (!Number.isInteger(y) || y < 0 || y >= this.height) {
      throw new PromptlyError('PROMPTLY_E_FITS_RANGE', `row ${y} outside 0..${this.height - 1}`);
    }
    const width = this.width;
    if (y < this.#bandStart || y >= this.#bandStart + this.#bandRows) {
      const rows = Math.min(BAND_ROWS, this.height - y);
      const length = rows * width * 4;
      const at = this.#dataOffset + y * width * 4;
      let got = 0;
      while (got < length) {
        const n = readSync(this.#fd, this.#bytes, got, length - got, at + got);
        if (n === 0) {
          throw new PromptlyError('PROMPTLY_E_FITS_TRUNCATED', `image data ends before row ${y}`);
        }
        got += n;
      }
      swapToNative(this.#bytes.subarray(0, length), 4);
      this.#bandStart = y;
      this.#bandRows = rows;
    }
    const o = (y - this.#bandStart) * width;
    return this.#pixels.subarray(o, o + width);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** The primary header's blocks, up to the one with the END card, and its card count. */
function readHeader(fd: number): { head: Uint8Array; cards: number } {
  const blocks: Uint8Array[] = [];
  for (let at = 0; ; at += BLOCK) {
    const block = new Uint8Array(BLOCK);
    if (readSync(fd, block, 0, BLOCK, at) !== BLOCK) {
      throw new PromptlyError('PROMPTLY_E_FITS_TRUNCATED', 'primary header has no END card');
    }
    blocks.push(block);
    for (let c = 0; c < BLOCK; c += 80) {
      if (isEndCard(block, c)) {
        const head = new Uint8Array(blocks.length * BLOCK);
        blocks.forEach((b, i) => head.set(b, i * BLOCK));
        return { head, cards: (blocks.length - 1) * (BLOCK / 80) + c / 80 };
      }
    }
  }
}

/** "END" followed by blanks in the 80-byte card at `at`. */
function isEndCard(block: Uint8Array, at: number): boolean {
  if (block[at] !== 0x45 || block[at + 1] !== 0x4e || block[at + 2] !== 0x44) return false;
  for (let i = 3; i < 80; i++) if (block[at + i] !== 0x20) return false;
  return true;
}
