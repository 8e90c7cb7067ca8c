/**
 * RICE_1 tile codec, bit-compatible with cfitsio's `fits_rcomp` / `fits_rdecomp` (and the
 * `_short` / `_byte` variants): the first pixel is stored raw (big-endian, BYTEPIX bytes),
 * then each block of BLOCKSIZE pixel differences is coded with a split level FS sent in
 * FSBITS bits; FS code 0 marks an all-zero block (low entropy), FS code FSMAX+1 marks a
 * block of raw differences (high entropy).
 */
import { PromptlyError } from '../../core/errors.js';

/** Bytes per pixel of a RICE_1 tile (the BYTEPIX parameter). */
export type RiceBytePix = 1 | 2 | 4;

/** Default RICE_1 block size in pixels (the BLOCKSIZE parameter). */
export const RICE_DEFAULT_BLOCK_SIZE = 32;

/** Integer pixels a Rice tile holds; 2-byte tiles may be read as signed or unsigned. */
export type RicePixels = Int32Array | Int16Array | Uint16Array | Uint8Array | Int8Array;

interface RiceParams {
  readonly fsBits: number;
  readonly fsMax: number;
  readonly bBits: number;
}

const PARAMS: Record<RiceBytePix, RiceParams> = {
  1: { fsBits: 3, fsMax: 6, bBits: 8 },
  2: { fsBits: 4, fsMax: 14, bBits: 16 },
  4: { fsBits: 5, fsMax: 25, bBits: 32 },
};

function paramsFor(bytePix: number): RiceParams {
  const p = PARAMS[bytePix as RiceBytePix] as RiceParams | undefined;
  if (p === undefined) {
    throw new PromptlyError('PROMPTLY_E_FITS_UNSUPPORTED', `RICE_1 BYTEPIX ${bytePix} is not 1, 2 or 4`);
  }
  return p;
}

function checkBlockSize(blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 1 << 16) {
    throw new PromptlyError('PROMPTLY_E_FITS_DATA', `RICE_1 BLOCKSIZE ${blockSize} is out of range`);
  }
}

function corrupt(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', `corrupt RICE_1 tile: ${message}`);
}

/** A new typed array of the natural type for `bytePix` (Int32, Int16, Uint8). */
export function allocRicePixels(bytePix: RiceBytePix, n: number): Int32Array | Int16Array | Uint8Array {
  return bytePix === 4 ? new Int32Array(n) : bytePix === 2 ? new Int16Array(n) : new Uint8Array(n);
}

/**
 * Decodes one RICE_1 tile of `nx` pixels into `out` (which must hold at least `nx` values;
 * its element size should be `bytePix`, wider arrays receive the values wrapped to
 * `bytePix` bytes). Throws PROMPTLY_E_FITS_DATA when the stream ends early or is invalid.
 *
 * @param input compressed bytes of the tile (the heap slice of COMPRESSED_DATA)
 * @param nx number of pixels in the tile
 * @param bytePix BYTEPIX, 1, 2 or 4 (default 4)
 * @param blockSize BLOCKSIZE in pixels (default 32)
 */
export function riceDecodeInto(
  input: Uint8Array,
  out: RicePixels,
  nx: number,
  bytePix: RiceBytePix = 4,
  blockSize: number = RICE_DEFAULT_BLOCK_SIZE,
): void {
  const { fsBits, fsMax, bBits } = paramsFor(bytePix);
  checkBlockSize(blockSize);
  if (nx === 0) return;
  if (out.length < nx) throw new PromptlyError('PROMPTLY_E_INTERNAL', 'rice output array too small');
  const len = input.length;
  if (len < bytePix + 1) throw corrupt(`${len} bytes is too short`);

  let last = 0;
  for (let k = 0; k < bytePix; k++) last = (last << 8) | (input[k] as number);
  if (bytePix === 4) last |= 0;

  let p = bytePix;
  let b = input[p++] as number; // bit buffer: holds `nbits` unread bits
  let nbits = 8;
  const fsMask = (1 << fsBits) - 1;
  let i = 0;
  while (i < nx) {
    nbits -= fsBits;
    while (nbits < 0) {
      b = (b << 8) | (input[p++] as number);
      nbits += 8;
    }
    const fs = ((b >>> nbits) & fsMask) - 1;
    b &= (1 << nbits) - 1;
    let imax = i + blockSize;
    if (imax > nx) imax = nx;
    if (fs < 0) {
      for (; i < imax; i++) out[i] = last;
    } else if (fs === fsMax) {
      for (; i < imax; i++) {
        let k = bBits - nbits;
        let diff = k >= 32 ? 0 : b << k;
        for (k -= 8; k >= 0; k -= 8) {
          b = input[p++] as number;
          diff |= b << k;
        }
        if (nbits > 0) {
          b = input[p++] as number;
          diff |= b >>> -k;
          b &= (1 << nbits) - 1;
        } else {
          b = 0;
        }
        last = (last + ((diff & 1) === 0 ? diff >>> 1 : ~(diff >>> 1))) | 0;
        out[i] = last;
      }
    } else if (fs > fsMax) {
      throw corrupt(`split level ${fs} exceeds ${fsMax}`);
    } else {
      for (; i < imax; i++) {
        while (b === 0) {
          if (p >= len) throw corrupt('stream ends inside a block');
          nbits += 8;
          b = input[p++] as number;
        }
        // b < 256 here: its bit length counts the bits after the leading zeros
        const nzero = nbits - (32 - Math.clz32(b));
        nbits -= nzero + 1;
        b ^= 1 << nbits;
        nbits -= fs;
        while (nbits < 0) {
          b = (b << 8) | (input[p++] as number);
          nbits += 8;
        }
        const diff = (nzero << fs) | (b >>> nbits);
        b &= (1 << nbits) - 1;
        last = (last + ((diff & 1) === 0 ? diff >>> 1 : ~(diff >>> 1))) | 0;
        out[i] = last;
      }
    }
    if (p > len) throw corrupt('stream ends inside a block');
  }
}

/**
 * Decodes one RICE_1 tile into a new array: Int32Array (BYTEPIX 4), Int16Array (2) or
 * Uint8Array (1).
 */
export function riceDecode(
  input: Uint8Array,
  nx: number,
  bytePix: RiceBytePix = 4,
  blockSize: number = RICE_DEFAULT_BLOCK_SIZE,
): Int32Array | Int16Array | Uint8Array {
  const out = allocRicePixels(bytePix, nx);
  riceDecodeInto(input, out, nx, bytePix, blockSize);
  return out;
}

/** Upper bound on the RICE_1 coded size of `nx` pixels, in bytes. */
export function riceMaxEncodedBytes(nx: number, bytePix: RiceBytePix = 4, blockSize = 32): number {
  const { bBits, fsBits } = paramsFor(bytePix);
  const nBlocks = Math.ceil(nx / blockSize);
  // a normal-coded value never costs more than bBits + 6 bits (see fits_rcomp's FS choice)
  return bytePix + Math.ceil((nBlocks * fsBits + nx * (bBits + 6)) / 8) + 8;
}

let diffScratch = new Uint32Array(64);

/**
 * Encodes `nx` pixels as one RICE_1 tile, exactly as cfitsio's fits_rcomp family does, so
 * funpack reads the bytes back. Values are taken modulo 2^(8·bytePix). Returns the coded
 * bytes: a subarray of `out` when given (it must hold riceMaxEncodedBytes), else a new array.
 */
export function riceEncode(
  pixels: ArrayLike<number>,
  nx: number,
  bytePix: RiceBytePix = 4,
  blockSize: number = RICE_DEFAULT_BLOCK_SIZE,
  out?: Uint8Array,
): Uint8Array {
  const { fsBits, fsMax, bBits } = paramsFor(bytePix);
  checkBlockSize(blockSize);
  const cap = riceMaxEncodedBytes(nx, bytePix, blockSize);
  const buf = out !== undefined && out.length >= cap ? out : new Uint8Array(cap);
  if (diffScratch.length < blockSize) diffScratch = new Uint32Array(blockSize);
  const diff = diffScratch;
  const shift = 32 - 8 * bytePix; // wraps differences to bytePix bytes

  let pos = 0;
  // bit writer: `acc` holds pending bits in its low part, `togo` bits free in the current byte
  let acc = 0;
  let togo = 8;
  const put = (value: number, n: number): void => {
    if (togo + n > 32) {
      acc = (acc << togo) | ((value >>> (n - togo)) & ((1 << togo) - 1));
      buf[pos++] = acc & 0xff;
      n -= togo;
      togo = 8;
    }
    acc = (acc << n) | (n >= 32 ? value : value & ((1 << n) - 1));
    togo -= n;
    while (togo <= 0) {
      buf[pos++] = (acc >> -togo) & 0xff;
      togo += 8;
    }
  };

  if (nx === 0) return buf.subarray(0, 0);
  const first = (pixels[0] as number) | 0;
  put(first, 8 * bytePix);
  let last = first;
  for (let i = 0; i < nx; i += blockSize) {
    const thisBlock = nx - i < blockSize ? nx - i : blockSize;
    let sum = 0;
    for (let j = 0; j < thisBlock; j++) {
      const next = (pixels[i + j] as number) | 0;
      const d = ((next - last) << shift) >> shift;
      const m = (d < 0 ? ~(d << 1) : d << 1) >>> 0;
      diff[j] = shift === 0 ? m : m & ((1 << (32 - shift)) - 1);
      sum += diff[j] as number;
      last = next;
    }
    let dpsum = (sum - Math.trunc(thisBlock / 2) - 1) / thisBlock;
    if (dpsum < 0) dpsum = 0;
    let psum = Math.floor(dpsum / 2);
    let fs = 0;
    if (psum >= 2 ** 31) {
      fs = 32;
    } else {
      psum |= 0;
      fs = psum > 0 ? 32 - Math.clz32(psum) : 0;
    }
    if (fs >= fsMax) {
      put(fsMax + 1, fsBits);
      for (let j = 0; j < thisBlock; j++) put(diff[j] as number, bBits);
    } else if (fs === 0 && sum === 0) {
      put(0, fsBits);
    } else {
      put(fs + 1, fsBits);
      const fsMask = (1 << fs) - 1;
      for (let j = 0; j < thisBlock; j++) {
        const v = diff[j] as number;
        let top = v >>> fs;
        if (togo >= top + 1) {
          acc = (acc << (top + 1)) | 1;
          togo -= top + 1;
        } else {
          acc <<= togo;
          buf[pos++] = acc & 0xff;
          for (top -= togo; top >= 8; top -= 8) buf[pos++] = 0;
          acc = 1;
          togo = 7 - top;
        }
        if (fs > 0) {
          acc = (acc << fs) | (v & fsMask);
          togo -= fs;
          while (togo <= 0) {
            buf[pos++] = (acc >> -togo) & 0xff;
            togo += 8;
          }
        }
      }
    }
  }
  if (togo < 8) buf[pos++] = (acc << togo) & 0xff;
  return out === buf ? buf.subarray(0, pos) : buf.slice(0, pos);
}
