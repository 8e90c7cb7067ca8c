import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { md5Hex } from './arrival-notice.js';

/** Computes hex MD5 digests of files on worker threads, so large ones never stall the event loop. */
export interface Md5FileHasher {
  /** True when a body of `size` bytes should be hashed by {@link hexOfFile} rather than inline. */
  offloads(size: number): boolean;
  /** Unquoted hex MD5 of the file at `path` (read on a worker thread; inline after a worker failure). */
  hexOfFile(path: string): Promise<string>;
  /** Stops the worker threads; later calls hash on the calling thread. */
  close(): Promise<void>;
}

export interface Md5PoolOptions {
  /** Worker threads; 0 never offloads. */
  readonly threads: number;
  /** Bodies smaller than this (bytes) are not offloaded: a round trip costs more. Default 1 MiB. */
  readonly minBytes?: number;
}

// CommonJS source run with `eval: true`, so it works the same from .ts (tests) and .js (dist).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ id: m.id, hex: createHash('md5').update(readFileSync(m.path)).digest('hex') });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

interface Slot {
  readonly worker: Worker;
  pending: number;
}

interface Waiter {
  readonly resolve: (hex: string) => void;
  readonly reject: (e: unknown) => void;
  readonly slot: Slot;
}

async function hexInline(path: string): Promise<string> {
  return md5Hex(await readFile(path));
}

/**
 * A small pool of MD5 worker threads that hash files by path. MD5 runs at a few hundred
 * MB/s, so hashing a 4–32 MB raw on the event-loop thread stalls every other task of the
 * process for tens of ms; a worker re-reads the just-written file from the page cache
 * instead (nothing is copied on the main thread), which also makes the eTag that of the
 * bytes on disk. Workers start on first use and are unref'd (they never keep the process
 * alive); a failed worker makes the pool hash inline from then on.
 */
export function createMd5Pool(options: Md5PoolOptions): Md5FileHasher {
  const minBytes = options.minBytes ?? 1 << 20;
  const size = Number.isFinite(options.threads) ? Math.max(0, Math.floor(options.threads)) : 0;
  const slots: Slot[] = [];
  const waiting = new Map<number, Waiter>();
  let nextId = 0;
  let broken = size === 0;

  const rejectAll = (err: unknown): void => {
    for (const [id, w] of waiting) {
      waiting.delete(id);
      w.reject(err);
    }
  };
  const fail = (err: unknown): void => {
    broken = true;
    rejectAll(err);
    for (const s of slots.splice(0)) void s.worker.terminate();
  };
  const start = (): void => {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      const slot: Slot = { worker, pending: 0 };
      worker.on('message', (m: { id: number; hex?: string; error?: string }) => {
        const w = waiting.get(m.id);
        if (w === undefined) return;
        waiting.delete(m.id);
        w.slot.pending--;
        if (m.hex !== undefined) w.resolve(m.hex);
        else w.reject(new Error(m.error ?? 'md5 worker failed'));
      });
      worker.on('error', fail);
      slots.push(slot);
    }
  };

  return {
    offloads: (bytes) => !broken && bytes >= minBytes,
    hexOfFile(path: string): Promise<string> {
      if (broken) return hexInline(path);
      if (slots.length === 0) start();
      const slot = slots.reduce((a, b) => (b.pending < a.pending ? b : a));
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        waiting.set(id, { resolve, reject, slot });
        slot.pending++;
        slot.worker.postMessage({ id, path });
      }).catch(() => hexInline(path)); // worker gone or read failed: try here, surfacing fs errors
    },
    async close(): Promise<void> {
      broken = true;
      const stopping = slots.splice(0).map((s) => s.worker.terminate());
      rejectAll(new Error('md5 pool closed'));
      await Promise.all(stopping);
    },
  };
}
