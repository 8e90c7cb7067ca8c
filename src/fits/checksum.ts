import { PromptlyError, throwIfAborted } from '../core/errors.js';
import type { HduInfo } from './hdu/hdu-info.js';
import type { Header } from './header/header.js';
import { BLOCK_SIZE, padToBlock, serializeHeader } from './header/header-io.js';
import type { ByteSource } from './io/byte-source.js';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Running 32-bit ones'-complement sum of big-endian 32-bit words, as the FITS checksum
 * convention defines it (the same as cfitsio's `ffcsum`). Bytes may arrive in chunks of any
 * length; the position modulo 4 is tracked across chunks.
 */
export class ChecksumAccumulator {
  // Sums of the bytes at big-endian word positions 0..3, exact to 2^53. Float64 from the
  // start: small integers that later outgrow the small-integer range would change the
  // array's element kind mid-stream and throw away update's optimized code.
  readonly #lanes = new Float64Array(4);
  #pos = 0;

  /** Adds bytes at the current position. */
  update(bytes: Uint8Array): this {
    let i = 0;
    const n = bytes.length;
    const lanes = this.#lanes;
    while (i < n && (this.#pos & 3) !== 0) {
      lanes[this.#pos & 3]! += bytes[i++] as number;
      this.#pos++;
    }
    const start = bytes.byteOffset + i;
    const words = Math.floor((n - i) / 4);
    if (words > 0 && start % 4 === 0 && LITTLE_ENDIAN_HOST) {
      const w = new Uint32Array(bytes.buffer, start, words);
      for (let k = 0; k < words;) {
        // 128 words at most per round: each 16-bit lane field stays below 2^16 (no carry
        // into the next) and each sum below 2^31, so the loop stays in 32-bit integers (at
        // 256 words the sums overflowed them and V8 recompiled it for doubles)
        const end = Math.min(words, k + 128);
        let a = 0;
        let b = 0;
        for (; k < end; k++) {
          const v = w[k] as number;
          a += v & 0x00ff00ff;
          b += (v >>> 8) & 0x00ff00ff;
        }
        lanes[0]! += a & 0xffff;
        lanes[2]! += a >>> 16;
        lanes[1]! += b & 0xffff;
        lanes[3]! += b >>> 16;
      }
      i += words * 4;
      this.#pos += words * 4;
    }
    for (; i < n; i++) {
      lanes[this.#pos & 3]! += bytes[i] as number;
      this.#pos++;
    }
    return this;
  }

  /** Bytes added so far. */
  get length(): number {
    return this.#pos;
  }

  /** The 32-bit ones'-complement sum so far (an unsigned integer). */
  get sum(): number {
    const l = this.#lanes;
    return foldSum(l[0]! * 256 + l[1]!, l[2]! * 256 + l[3]!);
  }
}

/** End-around-carry fold of high and low 16-bit half sums into a 32-bit sum. */
function foldSum(hi: number, lo: number): number {
  while (hi > 0xffff || lo > 0xffff) {
    const hiCarry = Math.floor(hi / 65536);
    const loCarry = Math.floor(lo / 65536);
    hi = (hi % 65536) + loCarry;
    lo = (lo % 65536) + hiCarry;
  }
  return hi * 65536 + lo;
}

/** Ones'-complement addition of two 32-bit checksums. */
export function addChecksums(a: number, b: number): number {
  return foldSum(Math.floor(a / 65536) + Math.floor(b / 65536), (a % 65536) + (b % 65536));
}

/** Ones'-complement sum of bytes (length need not be a multiple of 4; missing bytes count as 0). */
export function checksumOf(bytes: Uint8Array): number {
  return new ChecksumAccumulator().update(bytes).sum;
}

const EXCLUDE = new Set([
  0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60,
]);

/**
 * Encodes a 32-bit sum as the 16 ASCII characters of the CHECKSUM keyword (cfitsio `ffesum`):
 * by default the ones' complement of `sum`, so that the HDU then sums to -0.
 */
export function encodeChecksum(sum: number, complement = true): string {
  const value = (complement ? ~sum : sum) >>> 0;
  const asc = new Array<number>(16).fill(0);
  for (let i = 0; i < 4; i++) {
    const byte = (value >>> (24 - 8 * i)) & 0xff;
    const quotient = Math.floor(byte / 4) + 0x30;
    const remainder = byte % 4;
    const ch = [quotient + remainder, quotient, quotient, quotient] as [
      number,
      number,
      number,
      number,
    ];
    for (let again = true; again;) {
      again = false;
      for (let j = 0; j < 4; j += 2) {
        // Keep punctuation out of the string; the pair still adds up to the same sum.
        while (EXCLUDE.has(ch[j]!) || EXCLUDE.has(ch[j + 1]!)) {
          ch[j]!++;
          ch[j + 1]!--;
          again = true;
        }
      }
    }
    for (let j = 0; j < 4; j++) asc[4 * j + i] = ch[j]!;
  }
  // Rotate right by one character, as the convention specifies.
  let out = '';
  for (let i = 0; i < 16; i++) out += String.fromCharCode(asc[(i + 15) % 16]!);
  return out;
}

/**
 * Sets DATASUM (decimal string of `dataSum`) and CHECKSUM on a header whose structural
 * keywords are final, so that header + data sum to -0. `dataSum` is the ones'-complement sum
 * of the padded data unit. Mutates and returns `header`. Comments follow astropy's.
 */
export function applyChecksum(header: Header, dataSum: number, now = new Date()): Header {
  const stamp = now.toISOString().slice(0, 19);
  header.set('CHECKSUM', '0000000000000000', `HDU checksum updated ${stamp}`);
  header.set('DATASUM', String(dataSum >>> 0), `data unit checksum updated ${stamp}`);
  const headerSum = checksumOf(serializeHeader(header));
  header.set('CHECKSUM', encodeChecksum(addChecksums(headerSum, dataSum)));
  return header;
}

/** Outcome of checking one keyword. */
export type ChecksumStatus = 'ok' | 'missing' | 'bad';

/** Result of verifying one HDU. */
export interface HduChecksumResult {
  readonly index: number;
  /** CHECKSUM: header + data sum to -0. */
  readonly checksum: ChecksumStatus;
  /** DATASUM: equals the data unit's sum. */
  readonly datasum: ChecksumStatus;
  /** Sum of the data unit as computed (unsigned 32-bit). */
  readonly computedDatasum: number;
}

/** Reads a padded data unit in pieces (16 MiB) and sums it; padding past EOF counts as zeros. */
async function dataSumOf(source: ByteSource, hdu: HduInfo, signal?: AbortSignal): Promise<number> {
  const acc = new ChecksumAccumulator();
  const end = Math.min(hdu.dataOffset + padToBlock(hdu.dataSize), source.size);
  const piece = 16 * 1024 * 1024 - ((16 * 1024 * 1024) % BLOCK_SIZE);
  for (let at = hdu.dataOffset; at < end; at += piece) {
    throwIfAborted(signal);
    acc.update(await source.read(at, Math.min(piece, end - at), signal));
  }
  return acc.sum;
}

/**
 * Verifies CHECKSUM and DATASUM of one HDU, reading its header and data unit once.
 * Missing keywords give `'missing'`, never an error.
 */
export async function verifyHduChecksum(
  source: ByteSource,
  hdu: HduInfo,
  signal?: AbortSignal,
): Promise<HduChecksumResult> {
  const dataSum = await dataSumOf(source, hdu, signal);
  const declaredData = hdu.header.get('DATASUM');
  let datasum: ChecksumStatus = 'missing';
  if (typeof declaredData === 'string') {
    const n = Number(declaredData.trim());
    datasum = Number.isInteger(n) && n >>> 0 === dataSum ? 'ok' : 'bad';
  }
  let checksum: ChecksumStatus = 'missing';
  if (hdu.header.has('CHECKSUM')) {
    const headerBytes = await source.read(
      hdu.headerOffset,
      hdu.dataOffset - hdu.headerOffset,
      signal,
    );
    const total = addChecksums(checksumOf(headerBytes), dataSum);
    checksum = total === 0xffffffff || total === 0 ? 'ok' : 'bad';
  }
  return { index: hdu.index, checksum, datasum, computedDatasum: dataSum };
}

/** Throws PROMPTLY_E_FITS_CHECKSUM when a result has a `'bad'` keyword. */
export function assertChecksumOk(result: HduChecksumResult): void {
  if (result.checksum === 'bad' || result.datasum === 'bad') {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_CHECKSUM',
      `HDU ${result.index}: CHECKSUM ${result.checksum}, DATASUM ${result.datasum}`,
    );
  }
}
