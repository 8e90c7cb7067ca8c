import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { PromptlyError, throwIfAborted } from '../../core/errors.js';

/** Where a FITS writer puts bytes. */
export interface ByteSink {
  /** Appends bytes; resolves when the sink accepted them (the chunk may then be reused). */
  write(chunk: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Overwrites bytes at an absolute position (only sinks that can seek: files, memory). */
  writeAt?(position: number, chunk: Uint8Array, signal?: AbortSignal): Promise<void>;
  /** Flushes and releases the sink. */
  close(): Promise<void>;
}

function ioError(message: string, cause: unknown): PromptlyError {
  return new PromptlyError('PROMPTLY_E_STORE_IO', message, { cause });
}

/**
 * A sink writing a file from its start (created or truncated); positional writes allow
 * header patching. Throws PROMPTLY_E_STORE_IO on failure.
 */
export async function fileSink(path: string, signal?: AbortSignal): Promise<ByteSink> {
  throwIfAborted(signal);
  const handle = await open(path, 'w').catch((err: unknown) => {
    throw ioError(`cannot create ${path}: ${(err as Error).message}`, err);
  });
  let position = 0;
  const writeFully = async (chunk: Uint8Array, at: number): Promise<void> => {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, at + done);
      done += bytesWritten;
    }
  };
  return {
    async write(chunk, sig) {
      throwIfAborted(sig);
      await writeFully(chunk, position).catch((err: unknown) => {
        throw ioError(`write to ${path} failed: ${(err as Error).message}`, err);
      });
      position += chunk.length;
    },
    async writeAt(at, chunk, sig) {
      throwIfAborted(sig);
      await writeFully(chunk, at).catch((err: unknown) => {
        throw ioError(`write to ${path} failed: ${(err as Error).message}`, err);
      });
    },
    async close() {
      await handle.close();
    },
  };
}

/**
 * A sink over a Node Writable, honouring back-pressure (waits for `drain`). `close` ends the
 * stream and waits for `finish`. It cannot seek.
 */
export function writableSink(stream: Writable): ByteSink {
  const failure = (): Promise<never> =>
    new Promise((_, reject) => {
      stream.once('error', (err) => reject(ioError(`stream failed: ${err.message}`, err)));
    });
  return {
    async write(chunk, signal) {
      throwIfAborted(signal);
      if (!stream.write(chunk)) {
        await Promise.race([
          new Promise<void>((resolve) => stream.once('drain', () => resolve())),
          failure(),
        ]);
      }
    },
    async close() {
      await Promise.race([new Promise<void>((resolve) => stream.end(() => resolve())), failure()]);
    },
  };
}

/** A sink collecting bytes in memory; `bytes()` returns them as one array. */
export interface MemorySink extends ByteSink {
  bytes(): Uint8Array;
}

/** Creates a {@link MemorySink} (a growable buffer; `initialBytes` sizes it up front). */
export function memorySink(initialBytes = 64 * 1024): MemorySink {
  let buf = new Uint8Array(Math.max(16, initialBytes));
  let length = 0;
  const ensure = (size: number): void => {
    if (size <= buf.length) return;
    const next = new Uint8Array(Math.max(size, buf.length * 2));
    next.set(buf.subarray(0, length));
    buf = next;
  };
  return {
    write(chunk, signal) {
      throwIfAborted(signal);
      ensure(length + chunk.length);
      buf.set(chunk, length);
      length += chunk.length;
      return Promise.resolve();
    },
    writeAt(at, chunk, signal) {
      throwIfAborted(signal);
      ensure(at + chunk.length);
      buf.set(chunk, at);
      length = Math.max(length, at + chunk.length);
      return Promise.resolve();
    },
    close() {
      return Promise.resolve();
    },
    bytes() {
      return buf.subarray(0, length);
    },
  };
}
