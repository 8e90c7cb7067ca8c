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
    throw new PromptlyError(
      'PROMPTLY_E_FITS_UNSUPPORTED',
      `RICE_1 BYTEPIX ${bytePix} is not 1, 2 or 4`,
    );
  }
  return p;
}

function checkBlockSize(blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 1 << 16) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `RICE_1 BLOCKSIZE ${blockSize} is out of range`,
    );
  }
}

function corrupt(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', `corrupt RICE_1 tile: ${message}`);
}

/** A new typed array of the natural type for `bytePix` (Int32, Int16, Uint8). */
export function allocRicePixels(
  bytePix: RiceBytePix,
  n: number,
): Int32Array | Int16Array | Uint8Array {
  return bytePix === 4 ? new Int32Array(n) : bytePix === 2 ? new Int16Array(n) : new Uint8Array(n);
}

let scratch = new Uint8Array(1 << 16);
let scratchView = new DataView(scratch.buffer);

/** Zero bytes after the copied tile: every 32-bit window read stays inside the scratch. */
const PAD_BYTES = 16;

/**
 * Decodes one RICE_1 tile of `nx` pixels into `out` (which must hold at least `nx` values;
 * its element size should be `bytePix`, wider arrays receive the values wrapped to
 * `bytePix` bytes). Throws PROMPTLY_E_FITS_DATA when the stream ends early or is invalid.
 *
 * The tile is copied into a zero-padded scratch buffer so that every code is read from one
 * unaligned 32-bit window (DataView) and its unary prefix counted with Math.clz32 — the
 * hardware leading-zero count, instead of cfitsio's 256-entry table — with a byte loop only
 * for runs of 32 or more zeros.
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
  if (out.length < nx)
    throw new PromptlyError('PROMPTLY_E_INTERNAL', 'rice output array too small');
  const len = input.length;
  if (len < bytePix + 1) throw corrupt(`${len} bytes is too short`);
  if (scratch.length < len + PAD_BYTES) {
    scratch = new Uint8Array(2 * len + PAD_BYTES);
    scratchView = new DataView(scratch.buffer);
  }
  const s = scratch;
  const d = scratchView;
  s.set(input);
  s.fill(0, len, len + PAD_BYTES);
  const endBits = len * 8;
  const fsShift = 32 - fsBits;
  const bShift = 32 - bBits;

  let last = bytePix === 4 ? d.getInt32(0) : bytePix === 2 ? d.getUint16(0) : (s[0] as number);
  let bp = 8 * bytePix; // bit position of the next code
  let i = 0;
  while (i < nx) {
    let by = bp >>> 3;
    let sh = bp & 7;
    let w = (d.getUint32(by) << sh) | ((s[by + 4] as number) >>> (8 - sh));
    const fs = (w >>> fsShift) - 1;
    bp += fsBits;
    let imax = i + blockSize;
    if (imax > nx) imax = nx;
    if (fs < 0) {
      for (; i < imax; i++) out[i] = last;
    } else if (fs === fsMax) {
      for (; i < imax; i++) {
        if (bp > endBits) throw corrupt('stream ends inside a block');
        by = bp >>> 3;
        sh = bp & 7;
        const diff = ((d.getUint32(by) << sh) | ((s[by + 4] as number) >>> (8 - sh))) >>> bShift;
        bp += bBits;
        last = (last + ((diff >>> 1) ^ -(diff & 1))) | 0;
        out[i] = last;
      }
    } else if (fs > fsMax) {
      throw corrupt(`split level ${fs} exceeds ${fsMax}`);
    } else {
      const fsk = 32 - fs;
      for (; i < imax; i++) {
        if (bp > endBits) throw corrupt('stream ends inside a block');
        by = bp >>> 3;
        sh = bp & 7;
        w = (d.getUint32(by) << sh) | ((s[by + 4] as number) >>> (8 - sh));
        let z = 0;
        while (w === 0) {
          // 32 zero bits: a long unary prefix (rare); continue one window further
          z += 32;
          bp += 32;
          if (bp > endBits) throw corrupt('stream ends inside a block');
          by = bp >>> 3;
          sh = bp & 7;
          w = (d.getUint32(by) << sh) | ((s[by + 4] as number) >>> (8 - sh));
        }
        const lz = Math.clz32(w);
        z += lz;
        let low = 0;
        if (fs > 0) {
          if (lz + 1 + fs <= 32) {
            low = (w << (lz + 1)) >>> fsk;
          } else {
            const b2 = bp + lz + 1;
            by = b2 >>> 3;
            sh = b2 & 7;
            low = ((d.getUint32(by) << sh) | ((s[by + 4] as number) >>> (8 - sh))) >>> fsk;
          }
        }
        bp += lz + 1 + fs;
        const diff = (z << fs) | low;
        last = (last + ((diff >>> 1) ^ -(diff & 1))) | 0;
        out[i] = last;
      }
    }
    if (bp > endBits) throw corrupt('stream ends inside a block');
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
  return bytePix + Math.ceil((nBlocks * fsBits + nx * (bBits + 6)) / 8) + 16;
}

let diffScratch = new Uint32Array(64);

/**
 * Encodes `nx` pixels as one RICE_1 tile, exactly as cfitsio's fits_rcomp family does, so
 * funpack reads the bytes back (they are byte-identical to fpack's). Values are taken modulo
 * 2^(8·bytePix). Returns the coded bytes: a subarray of `out` when it is given and holds
 * riceMaxEncodedBytes, else a new array.
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
  const own = out === undefined || out.length < cap;
  const buf = own ? new Uint8Array(cap) : out;
  if (diffScratch.length < blockSize) diffScratch = new Uint32Array(blockSize);
  const diff = diffScratch;
  const shift = 32 - 8 * bytePix; // wraps differences to bytePix bytes
  const valueMask = bytePix === 4 ? -1 : (1 << (8 * bytePix)) - 1;

  const w = new BitWriter(buf);
  if (nx === 0) return buf.subarray(0, 0);
  const first = (pixels[0] as number) | 0;
  w.put(first, 8 * bytePix);
  let last = first;
  for (let i = 0; i < nx; i += blockSize) {
    const thisBlock = nx - i < blockSize ? nx - i : blockSize;
    let sum = 0;
    for (let j = 0; j < thisBlock; j++) {
      const next = (pixels[i + j] as number) | 0;
      const d = ((next - last) << shift) >> shift;
      const m = (((d << 1) ^ (d >> 31)) & valueMask) >>> 0;
      diff[j] = m;
      sum += m;
      last = next;
    }
    let dpsum = (sum - Math.trunc(thisBlock / 2) - 1) / thisBlock;
    if (dpsum < 0) dpsum = 0;
    const psum = Math.floor(dpsum / 2);
    const fs = psum >= 2 ** 31 ? 32 : psum > 0 ? 32 - Math.clz32(psum) : 0;
    if (fs >= fsMax) {
      w.put(fsMax + 1, fsBits);
      for (let j = 0; j < thisBlock; j++) w.put(diff[j] as number, bBits);
    } else if (fs === 0 && sum === 0) {
      w.put(0, fsBits);
    } else {
      w.put(fs + 1, fsBits);
      const fsMask = (1 << fs) - 1;
      const one = 1 << fs;
      // local copies of the writer state, as cfitsio does, for the hot loop
      let acc = w.acc;
      let nacc = w.nacc;
      let pos = w.pos;
      // Up to 15 bits stay pending; each code ORs in, then two bytes are stored every time
      // and kept only when 16 bits were complete (branch-free flush: a store at `pos` that
      // is not kept is overwritten by the next one).
      for (let j = 0; j < thisBlock; j++) {
        const v = diff[j] as number;
        const top = v >>> fs;
        // the code is `top` zeros, a one, then the low fs bits: the number one|low written
        // in top+1+fs bits
        const len = top + 1 + fs;
        if (len <= 16) {
          acc = (acc << len) | one | (v & fsMask);
          nacc += len;
        } else {
          // long code: zeros 16 at a time, then the one and the low bits in two halves
          let zeros = top;
          while (zeros > 0) {
            const k = zeros > 16 ? 16 : zeros;
            acc <<= k;
            nacc += k;
            zeros -= k;
            if (nacc >= 16) {
              nacc -= 16;
              const t = acc >>> nacc;
              buf[pos] = t >>> 8;
              buf[pos + 1] = t;
              pos += 2;
            }
          }
          const code = one | (v & fsMask);
          const hiBits = fs + 1 > 16 ? fs + 1 - 16 : 0;
          if (hiBits > 0) {
            acc = (acc << hiBits) | (code >>> 16);
            nacc += hiBits;
            if (nacc >= 16) {
              nacc -= 16;
              const t = acc >>> nacc;
              buf[pos] = t >>> 8;
              buf[pos + 1] = t;
              pos += 2;
            }
          }
          const loBits = fs + 1 - hiBits;
          acc = (acc << loBits) | (code & ((1 << loBits) - 1));
          nacc += loBits;
        }
        const t = acc >>> (nacc - 16);
        buf[pos] = t >>> 8;
        buf[pos + 1] = t;
        const full = nacc >>> 4;
        pos += full << 1;
        nacc -= full << 4;
      }
      if (nacc >= 8) {
        nacc -= 8;
        buf[pos++] = (acc >>> nacc) & 0xff;
      }
      w.acc = acc;
      w.nacc = nacc;
      w.pos = pos;
    }
  }
  const pos = w.finish();
  return own ? buf.slice(0, pos) : buf.subarray(0, pos);
}

/** MSB-first bit writer; `nacc` (< 8 between calls) low bits of `acc` are pending. */
class BitWriter {
  pos = 0;
  acc = 0;
  nacc = 0;
  constructor(private readonly buf: Uint8Array) {}

  /** Appends the low `n` bits of `value` (n ≤ 32). */
  put(value: number, n: number): void {
    if (n > 24) {
      this.put(value >>> 16, n - 16);
      n = 16;
    }
    const acc = (this.acc << n) | (value & ((1 << n) - 1));
    let nacc = this.nacc + n;
    while (nacc >= 8) {
      nacc -= 8;
      this.buf[this.pos++] = (acc >>> nacc) & 0xff;
    }
    this.acc = acc;
    this.nacc = nacc;
  }

  /** Pads the last byte with zeros; returns the byte count. */
  finish(): number {
    if (this.nacc > 0) this.buf[this.pos++] = (this.acc << (8 - this.nacc)) & 0xff;
    this.nacc = 0;
    return this.pos;
  }
}
