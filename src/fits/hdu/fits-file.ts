import { PromptlyError } from '../../core/errors.js';
import { bytesSource, fileSource, type ByteSource } from '../io/byte-source.js';
import type { HduInfo } from './hdu-info.js';
import { iterateHdus, readDataUnit } from './scan.js';

/**
 * A FITS file opened for random access. HDUs are located lazily: asking for HDU 3 reads
 * the headers of HDUs 0–3 only, and never a data unit. Close it to release the file.
 */
export class FitsFile {
  readonly source: ByteSource;
  readonly #found: HduInfo[] = [];
  #iterator: AsyncGenerator<HduInfo> | undefined;
  #complete = false;

  constructor(source: ByteSource) {
    this.source = source;
  }

  /** Opens a file on disk (positional reads; nothing is read until asked). */
  static async open(path: string, signal?: AbortSignal): Promise<FitsFile> {
    return new FitsFile(await fileSource(path, signal));
  }

  /** Wraps bytes already in memory. */
  static fromBytes(bytes: Uint8Array): FitsFile {
    return new FitsFile(bytesSource(bytes));
  }

  async #scanTo(index: number, signal?: AbortSignal): Promise<void> {
    this.#iterator ??= iterateHdus(this.source, signal);
    while (!this.#complete && this.#found.length <= index) {
      const next = await this.#iterator.next();
      if (next.done === true) this.#complete = true;
      else this.#found.push(next.value);
    }
  }

  /**
   * The HDU at `index` (0 = primary). Throws PROMPTLY_E_FITS_RANGE when the file has fewer
   * HDUs, or the scanning errors of {@link readHduAt}.
   */
  async hdu(index: number, signal?: AbortSignal): Promise<HduInfo> {
    await this.#scanTo(index, signal);
    const hdu = this.#found[index];
    if (hdu === undefined) {
      throw new PromptlyError(
        'PROMPTLY_E_FITS_RANGE',
        `file has ${this.#found.length} HDUs; no HDU ${index}`,
      );
    }
    return hdu;
  }

  /** Every HDU (scans all headers). */
  async hdus(signal?: AbortSignal): Promise<readonly HduInfo[]> {
    await this.#scanTo(Number.POSITIVE_INFINITY, signal);
    return this.#found;
  }

  /**
   * First HDU whose EXTNAME equals `extname` (case-insensitive, trailing blanks ignored) and,
   * when given, whose EXTVER equals `extver` (missing EXTVER counts as 1). Throws
   * PROMPTLY_E_FITS_RANGE when there is none.
   */
  async find(extname: string, extver?: number, signal?: AbortSignal): Promise<HduInfo> {
    const want = extname.trim().toUpperCase();
    for (let i = 0; ; i++) {
      await this.#scanTo(i, signal);
      const hdu = this.#found[i];
      if (hdu === undefined) break;
      if (hdu.extname?.trim().toUpperCase() !== want) continue;
      if (extver !== undefined && hdu.header.getNumber('EXTVER', 1) !== extver) continue;
      return hdu;
    }
    throw new PromptlyError('PROMPTLY_E_FITS_RANGE', `no HDU with EXTNAME ${extname}`);
  }

  /** Raw big-endian data unit of an HDU (fresh array, no padding). */
  readData(hdu: HduInfo, signal?: AbortSignal): Promise<Uint8Array> {
    return readDataUnit(this.source, hdu, signal);
  }

  /** Releases the file handle. */
  async close(): Promise<void> {
    await this.#iterator?.return(undefined);
    await this.source.close();
  }
}
