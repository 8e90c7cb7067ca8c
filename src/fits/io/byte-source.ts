import { open, type FileHandle } from 'node:fs/promises';
import { PromptlyError, throwIfAborted } from '../../core/errors.js';

/**
 * Random-access bytes of a FITS file (or any blob): a size and positional reads. Reading a
 * range never needs the rest of the file in memory.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads exactly `length` bytes at byte `offset`. The result is a NEW array, owned by the
   * caller (it may be modified, e.g. byte-swapped in place), with `byteOffset` 0 so typed
   * views of any element size are aligned. Throws PROMPTLY_E_FITS_TRUNCATED when the range
   * runs past `size`, PROMPTLY_E_ABORTED when `signal` fires.
   */
  read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Reads exactly `target.length` bytes at byte `offset` into `target` (a buffer the caller
   * reuses, so streaming a large data unit does not allocate and fault in fresh memory for
   * every piece). Same errors as read(). Optional: readers fall back to read() and a copy.
   */
  readInto?(offset: number, target: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Releases the underlying resource (file handle); idempotent. No-op for memory sources. */
  close(): Promise<void>;
}

function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new PromptlyError('PROMPTLY_E_INTERNAL', `bad byte range ${offset}+${length}`);
  }
  if (offset + length > size) {
    throw new PromptlyError(
      'PROMPTLY_E_FITS_TRUNCATED',
      `read of ${length} bytes at ${offset} runs past the end (${size} bytes)`,
    );
  }
}

/** A ByteSource over bytes already in memory (reads copy, so callers may mutate results). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset, length, signal) {
      throwIfAborted(signal);
      checkRange(bytes.length, offset, length);
      // A copy into a fresh buffer (Buffer#slice would share memory with the input).
      const out = new Uint8Array(length);
      out.set(bytes.subarray(offset, offset + length));
      return Promise.resolve(out);
    },
    readInto(offset, target, signal) {
      // errors reject the promise, as a file source's do
      return Promise.resolve().then(() => {
        throwIfAborted(signal);
        checkRange(bytes.length, offset, target.length);
        target.set(bytes.subarray(offset, offset + target.length));
      });
    },
    close() {
      return Promise.resolve();
    },
  };
}

/** A ByteSource over an open file; close it when done. */
export interface FileSource extends ByteSource {
  readonly path: string;
}

/**
 * Opens a file for positional reads (`pread`); the size is taken once at open. Throws
 * PROMPTLY_E_STORE_NOT_FOUND when the file does not exist, PROMPTLY_E_STORE_IO otherwise.
 */
export async function fileSource(path: string, signal?: AbortSignal): Promise<FileSource> {
  throwIfAborted(signal);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'PROMPTLY_E_STORE_NOT_FOUND'
        : 'PROMPTLY_E_STORE_IO';
    throw new PromptlyError(code, `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
  let size: number;
  try {
    ({ size } = await handle.stat());
  } catch (err) {
    await handle.close();
    throw new PromptlyError(
      'PROMPTLY_E_STORE_IO',
      `cannot stat ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let closed = false;
  const readFully = async (offset: number, out: Uint8Array, sig?: AbortSignal): Promise<void> => {
    throwIfAborted(sig);
    const length = out.length;
    checkRange(size, offset, length);
    if (closed) throw new PromptlyError('PROMPTLY_E_STORE_IO', `${path} is closed`);
    let done = 0;
    // Large reads go in pieces so an abort is noticed between them.
    const piece = 64 * 1024 * 1024;
    while (done < length) {
      throwIfAborted(sig);
      const want = Math.min(piece, length - done);
      const { bytesRead } = await handle.read(out, done, want, offset + done);
      if (bytesRead === 0) {
        throw new PromptlyError(
          'PROMPTLY_E_FITS_TRUNCATED',
          `${path} shrank while reading at ${offset + done}`,
        );
      }
      done += bytesRead;
    }
  };
  return {
    path,
    size,
    async read(offset, length, sig) {
      const out = new Uint8Array(length);
      await readFully(offset, out, sig);
      return out;
    },
    readInto(offset, target, sig) {
      return readFully(offset, target, sig);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}
