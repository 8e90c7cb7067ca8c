import { open } from 'node:fs/promises';

/** A file's bytes in a borrowed buffer; give it back with `release` once done with them. */
export interface HeldBytes {
  readonly bytes: Uint8Array;
  release(): void;
}

/**
 * Reads whole files into a few reused buffers: an 18 MB raw read into a fresh buffer each time
 * costs more in first touches of new memory than the read itself. At most `keep` buffers are
 * kept; each grows to the largest file it has held.
 */
export class ReadBuffers {
  readonly #free: Buffer[] = [];

  constructor(readonly keep = 4) {}

  /** The file's bytes, or undefined when it does not exist. */
  async read(path: string): Promise<HeldBytes | undefined> {
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const { size } = await fh.stat();
      const i = this.#free.findIndex((b) => b.length >= size);
      const buffer = i >= 0 ? this.#free.splice(i, 1)[0]! : Buffer.allocUnsafe(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await fh.read(buffer, at, size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      let released = false;
      return {
        bytes: buffer.subarray(0, at),
        release: () => {
          if (released) return;
          released = true;
          if (this.#free.length < this.keep) this.#free.push(buffer);
        },
      };
    } finally {
      await fh.close();
    }
  }
}
