import { closeSync, openSync, readSync } from 'node:fs';
import { PromptlyError } from '../core/errors.js';

/** FITS block, bytes. */
const BLOCK = 2880;
/** Rows read per file access: 64 rows of a 4k image are 1 MB. */
const BAND_ROWS = 64;

/**
 * A public entry of the FITS folder of its own, like `convert.ts`: a streamed reader for the
 * detection bench's whole-process run, which must not load the rest of the FITS code.
 *
 * Rows of a FITS file's primary float32 image (BITPIX −32, no scaling) read from disk a band
 * at a time, as source-extractor reads its input: the image is never whole in memory, so
 * detection of a file costs a few megabytes beyond the process itself. Reads are synchronous
 * (a detection pass is synchronous compute; one band is ~1 ms of I/O). {@link close} when done.
 */
export class FitsRowFile {
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
      const { head, values } = readHeader(fd);
      const bitpix = values.get('BITPIX');
      const naxis = values.get('NAXIS');
      const bscale = values.get('BSCALE') ?? 1;
      const bzero = values.get('BZERO') ?? 0;
      const width = values.get('NAXIS1') ?? 0;
      const height = values.get('NAXIS2') ?? 0;
      if (
        bitpix !== -32 ||
        naxis !== 2 ||
        bscale !== 1 ||
        bzero !== 0 ||
        !(width > 0 && height > 0)
      ) {
        throw new PromptlyError(
          'PROMPTLY_E_FITS_UNSUPPORTED',
          `${path}: banded reading takes a 2-D BITPIX -32 primary image without scaling`,
        );
      }
      return new FitsRowFile(fd, width, height, head.length);
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
      swapFloat32(this.#bytes, length);
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

/**
 * The primary header's blocks, up to the one with the END card, and the numeric values of
 * the few keywords that locate the pixels. A minimal card reader rather than the FITS
 * module's full parser: loading that module costs a whole process ~10 MB, a quarter of
 * source-extractor's entire footprint.
 */
function readHeader(fd: number): { head: Uint8Array; values: Map<string, number> } {
  const values = new Map<string, number>();
  const blocks: Uint8Array[] = [];
  for (let at = 0; ; at += BLOCK) {
    const block = new Uint8Array(BLOCK);
    if (readSync(fd, block, 0, BLOCK, at) !== BLOCK) {
      throw new PromptlyError('PROMPTLY_E_FITS_TRUNCATED', 'primary header has no END card');
    }
    blocks.push(block);
    for (let c = 0; c < BLOCK; c += 80) {
      const card = String.fromCharCode(...block.subarray(c, c + 80));
      const keyword = card.slice(0, 8).trimEnd();
      if (keyword === 'END' && card.slice(3).trim() === '') {
        const head = new Uint8Array(blocks.length * BLOCK);
        blocks.forEach((b, i) => head.set(b, i * BLOCK));
        return { head, values };
      }
      if (LOCATING.has(keyword) && card.slice(8, 10) === '= ') {
        const text = (card.slice(10).split('/')[0] ?? '').trim().replace(/[dD]/, 'E');
        const v = Number(text);
        if (text === '' || !Number.isFinite(v)) {
          throw new PromptlyError('PROMPTLY_E_FITS_HEADER', `${keyword} is not a number: ${text}`);
        }
        values.set(keyword, v);
      }
    }
  }
}

/** Keywords {@link readHeader} reads. */
const LOCATING = new Set(['BITPIX', 'NAXIS', 'NAXIS1', 'NAXIS2', 'BSCALE', 'BZERO']);

/** True on a big-endian CPU, where FITS bytes are already in native order. */
const BIG_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** Big-endian float32 (FITS) to native order, in place, for the first `length` bytes. */
function swapFloat32(b: Uint8Array, length: number): void {
  if (!BIG_ENDIAN_HOST) Buffer.from(b.buffer, b.byteOffset, length).swap32();
}
