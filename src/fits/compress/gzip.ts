/**
 * GZIP_1 and GZIP_2 tile codecs. GZIP_1 is gzip of the tile's big-endian pixel bytes;
 * GZIP_2 first shuffles the bytes (all most-significant bytes, then the next, …), which
 * compresses smooth images better. cfitsio writes gzip streams; zlib streams are accepted
 * on read too.
 */
import { gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { PromptlyError } from '../../core/errors.js';

/** zlib level fpack uses for GZIP_1/GZIP_2 (cfitsio compresses at level 1). */
export const GZIP_DEFAULT_LEVEL = 1;

/**
 * Inflates a gzip (or zlib) stream that must produce exactly `expectedBytes` bytes.
 * Output beyond `expectedBytes` is refused before it is allocated (no zip bombs).
 */
export function gunzipTile(input: Uint8Array, expectedBytes: number): Uint8Array {
  const opts = { maxOutputLength: Math.max(expectedBytes, 1) };
  let out: Buffer;
  try {
    out =
      input[0] === 0x1f && input[1] === 0x8b ? gunzipSync(input, opts) : inflateSync(input, opts);
  } catch (err) {
    throw new PromptlyError('PROMPTLY_E_FITS_DATA', 'corrupt GZIP tile: inflate failed', {
      cause: err,
    });
  }
  if (out.length !== expectedBytes) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_DATA',
      `corrupt GZIP tile: ${out.length} bytes inflated, ${expectedBytes} expected`,
    );
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Gzips tile bytes (already big-endian and, for GZIP_2, shuffled). */
export function gzipTile(bytes: Uint8Array, level: number = GZIP_DEFAULT_LEVEL): Uint8Array {
  const out = gzipSync(bytes, { level });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * GZIP_2 byte shuffle: `n` values of `size` bytes each become `size` planes of `n` bytes.
 * Writes into `out` (a new array when omitted) and returns it.
 */
export function shuffleBytes(input: Uint8Array, size: number, out?: Uint8Array): Uint8Array {
  const dst = out ?? new Uint8Array(input.length);
  const n = Math.floor(input.length / size);
  for (let k = 0; k < size; k++) {
    const base = k * n;
    for (let i = 0, j = k; i < n; i++, j += size) dst[base + i] = input[j] as number;
  }
  return dst;
}

/** Inverse of shuffleBytes. */
export function unshuffleBytes(input: Uint8Array, size: number, out?: Uint8Array): Uint8Array {
  const dst = out ?? new Uint8Array(input.length);
  const n = Math.floor(input.length / size);
  for (let k = 0; k < size; k++) {
    const base = k * n;
    for (let i = 0, j = k; i < n; i++, j += size) dst[j] = input[base + i] as number;
  }
  return dst;
}
