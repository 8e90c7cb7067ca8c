/**
 * HCOMPRESS_1 decoding, equal to cfitsio's fits_hdecompress64: quadtree-coded bit planes of
 * the H-transform coefficients, sign bits, undigitizing by SCALE, then the inverse
 * H-transform (optionally smoothed, SMOOTH ≠ 0). Arithmetic is done in float64 with
 * explicit floor/parity helpers so that 64-bit coefficient sums stay exact (< 2^53).
 */
import { PromptlyError } from '../../core/errors.js';
import { ceilLog2, hinv } from './h-transform.js';

function corrupt(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_FITS_DATA', `corrupt HCOMPRESS_1 tile: ${message}`);
}

/** MSB-first bit reader over the tile bytes; reading past the end is an error. */
class BitReader {
  pos = 0;
  private buf = 0;
  private bitsToGo = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw corrupt('stream ends early');
    return b;
  }
  /** Starts bit input at the next byte boundary. */
  restart(): void {
    this.bitsToGo = 0;
  }
  bit(): number {
    if (this.bitsToGo === 0) {
      this.buf = this.byte();
      this.bitsToGo = 8;
    }
    this.bitsToGo--;
    return (this.buf >> this.bitsToGo) & 1;
  }
  bits(n: number): number {
    if (this.bitsToGo < n) {
      this.buf = ((this.buf << 8) | this.byte()) & 0xffff;
      this.bitsToGo += 8;
    }
    this.bitsToGo -= n;
    return (this.buf >> this.bitsToGo) & ((1 << n) - 1);
  }
  /** Fixed Huffman code for the 16 quadtree values (cfitsio's input_huffman). */
  huffman(): number {
    let c = this.bits(3);
    if (c < 4) return 1 << c;
    c = this.bit() | (c << 1);
    switch (c) {
      case 8:
        return 3;
      case 9:
        return 5;
      case 10:
        return 10;
      case 11:
        return 12;
      case 12:
        return 15;
    }
    c = this.bit() | (c << 1);
    switch (c) {
      case 26:
        return 6;
      case 27:
        return 7;
      case 28:
        return 9;
      case 29:
        return 11;
      case 30:
        return 13;
    }
    c = this.bit() | (c << 1);
    return c === 62 ? 0 : 14;
  }
}

/** Expands 4-bit codes a[(nx+1)/2,(ny+1)/2] into 1-bit values b[nx,ny] (row length n). */
function qtreeCopy(a: Uint8Array, nx: number, ny: number, b: Uint8Array, n: number): void {
  const nx2 = (nx + 1) >> 1;
  const ny2 = (ny + 1) >> 1;
  let k = ny2 * (nx2 - 1) + ny2 - 1;
  for (let i = nx2 - 1; i >= 0; i--) {
    let s00 = 2 * (n * i + ny2 - 1);
    for (let j = ny2 - 1; j >= 0; j--) {
      b[s00] = a[k] as number;
      k--;
      s00 -= 2;
    }
  }
  let i = 0;
  for (; i < nx - 1; i += 2) {
    let s00 = n * i;
    let s10 = s00 + n;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const v = b[s00] as number;
      b[s10 + 1] = v & 1;
      b[s10] = (v >> 1) & 1;
      b[s00 + 1] = (v >> 2) & 1;
      b[s00] = (v >> 3) & 1;
      s00 += 2;
      s10 += 2;
    }
    if (j < ny) {
      const v = b[s00] as number;
      b[s10] = (v >> 1) & 1;
      b[s00] = (v >> 3) & 1;
    }
  }
  if (i < nx) {
    let s00 = n * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const v = b[s00] as number;
      b[s00 + 1] = (v >> 2) & 1;
      b[s00] = (v >> 3) & 1;
      s00 += 2;
    }
    if (j < ny) b[s00] = ((b[s00] as number) >> 3) & 1;
  }
}

/** Inserts 4-bit codes a[...] as 2×2 blocks into bit plane `plane` of b (offset, row n). */
function qtreeBitins(
  a: Uint8Array,
  nx: number,
  ny: number,
  b: Float64Array,
  off: number,
  n: number,
  plane: number,
): void {
  let k = 0;
  for (let i = 0; i < nx; i += 2) {
    const hasRow1 = i + 1 < nx;
    for (let j = 0; j < ny; j += 2) {
      const v = a[k++] as number;
      if (v === 0) continue;
      const s00 = off + n * i + j;
      const hasCol1 = j + 1 < ny;
      if (v & 8) b[s00] = (b[s00] as number) + plane;
      if (v & 4 && hasCol1) b[s00 + 1] = (b[s00 + 1] as number) + plane;
      if (v & 2 && hasRow1) b[s00 + n] = (b[s00 + n] as number) + plane;
      if (v & 1 && hasRow1 && hasCol1) b[s00 + n + 1] = (b[s00 + n + 1] as number) + plane;
    }
  }
}

function qtreeDecode(
  r: BitReader,
  a: Float64Array,
  off: number,
  n: number,
  nqx: number,
  nqy: number,
  nbitplanes: number,
): void {
  if (nqx <= 0 || nqy <= 0) {
    // cfitsio still reads one format nybble per plane for empty quadrants
    for (let bit = nbitplanes - 1; bit >= 0; bit--) r.bits(4);
    return;
  }
  const log2n = ceilLog2(Math.max(nqx, nqy));
  const scratch = new Uint8Array(((nqx + 1) >> 1) * ((nqy + 1) >> 1) * 4 + 4);
  for (let bit = nbitplanes - 1; bit >= 0; bit--) {
    const plane = 2 ** bit;
    const b = r.bits(4);
    if (b === 0) {
      const cnt = ((nqx + 1) >> 1) * ((nqy + 1) >> 1);
      for (let i = 0; i < cnt; i++) scratch[i] = r.bits(4);
      qtreeBitins(scratch, nqx, nqy, a, off, n, plane);
    } else if (b !== 0xf) {
      throw corrupt(`bad quadtree format code ${b}`);
    } else {
      scratch[0] = r.huffman();
      let nx = 1;
      let ny = 1;
      let nfx = nqx;
      let nfy = nqy;
      let c = 2 ** log2n;
      for (let k = 1; k < log2n; k++) {
        c /= 2;
        nx <<= 1;
        ny <<= 1;
        if (nfx <= c) nx -= 1;
        else nfx -= c;
        if (nfy <= c) ny -= 1;
        else nfy -= c;
        qtreeCopy(scratch, nx, ny, scratch, ny);
        for (let i = nx * ny - 1; i >= 0; i--) if (scratch[i]) scratch[i] = r.huffman();
      }
      qtreeBitins(scratch, nqx, nqy, a, off, n, plane);
    }
  }
}

/** Result of decoding one HCOMPRESS_1 tile. */
export interface HDecoded {
  /** Pixels, row-major (x fastest), as integer-valued doubles. */
  readonly pixels: Float64Array;
  /** Tile width in pixels (fastest axis). */
  readonly width: number;
  /** Tile height in rows. */
  readonly height: number;
  /** Digitization scale stored in the stream. */
  readonly scale: number;
}

/**
 * Decodes one HCOMPRESS_1 tile. `expectedPixels` (width × height of the tile) bounds the
 * allocation; a stream announcing another size is corrupt.
 *
 * @param smooth SMOOTH parameter (ZVAL of ZNAME 'SMOOTH'); default false
 */
export function hDecompress(input: Uint8Array, expectedPixels: number, smooth = false): HDecoded {
  const r = new BitReader(input);
  if (r.byte() !== 0xdd || r.byte() !== 0x99) throw corrupt('bad magic');
  const readInt = (): number => {
    let v = 0;
    for (let i = 0; i < 4; i++) v = v * 256 + r.byte();
    return v >= 2 ** 31 ? v - 2 ** 32 : v;
  };
  const nx = readInt(); // rows
  const ny = readInt(); // row length
  const scale = readInt();
  if (nx <= 0 || ny <= 0 || nx * ny !== expectedPixels) {
    throw corrupt(`stream is ${ny}×${nx}, tile has ${expectedPixels} pixels`);
  }
  let sumall = 0;
  const hi = readInt();
  const lo = readInt();
  sumall = hi * 2 ** 32 + (lo < 0 ? lo + 2 ** 32 : lo);
  const planes = [r.byte(), r.byte(), r.byte()] as const;
  if (planes[0] > 64 || planes[1] > 64 || planes[2] > 64) throw corrupt('too many bit planes');
  const a = new Float64Array(nx * ny);
  const nx2 = (nx + 1) >> 1;
  const ny2 = (ny + 1) >> 1;
  r.restart();
  qtreeDecode(r, a, 0, ny, nx2, ny2, planes[0]);
  qtreeDecode(r, a, ny2, ny, nx2, ny >> 1, planes[1]);
  qtreeDecode(r, a, ny * nx2, ny, nx >> 1, ny2, planes[1]);
  qtreeDecode(r, a, ny * nx2 + ny2, ny, nx >> 1, ny >> 1, planes[2]);
  if (r.bits(4) !== 0) throw corrupt('bad bit plane values');
  r.restart();
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== 0 && r.bit()) a[i] = -(a[i] as number);
  }
  a[0] = sumall;
  if (scale > 1) for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * scale;
  hinv(a, nx, ny, smooth, scale);
  return { pixels: a, width: ny, height: nx, scale };
}
