import { randomUUID } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readFile,
  rmdir,
  stat,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PromptlyError, throwIfAborted, toPromptlyError } from '../../core/errors.js';
import { makeArrivalNotice, md5Hex, nextSequencer, quoteETag } from '../arrival-notice.js';
import { createMd5Pool, type Md5FileHasher } from '../md5-pool.js';
import { checkByteRange, checkObjectKey } from '../object-key.js';
import type {
  NoticeSink,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  StoreCallOptions,
} from '../object-store.js';
import { errnoCode, fsError, isMissing } from './fs-errors.js';
import {
  hashHandle,
  linkMakingParents,
  readSidecar,
  renameMakingParents,
  writeSidecar,
} from './fs-etag-sidecar.js';
import { fsyncDir, sweepStaleTmp } from './fs-dirs.js';
import { walkKeys } from './fs-walk.js';

/** Hidden directory under the root holding puts in progress (same file system as the objects). */
export const FS_TMP_DIR = '.tmp';
/** Hidden directory under the root holding eTag sidecars (see fs-etag-sidecar.ts). */
export const FS_META_DIR = '.meta';
const RESERVED: readonly string[] = [FS_TMP_DIR, FS_META_DIR];

export interface FsObjectStoreOptions {
  /** Directory holding the objects; created if missing. Key `a/b` is the file `<root>/a/b`. */
  readonly root: string;
  /** Bucket name put in arrival notices. */
  readonly bucket: string;
  /** Receives one arrival notice per put, after the object is in place; put awaits it. */
  readonly onNotice?: NoticeSink;
  /**
   * Default true: put fsyncs the file before renaming it into place and then fsyncs the
   * directory (and any directory it had to create), so a resolved put survives a power cut;
   * delete and move fsync the directories they change. False skips every fsync: for a RAM
   * disk, tests, or scratch repos whose loss is harmless. Atomicity holds either way.
   */
  readonly durable?: boolean;
  /**
   * Temp files older than this (ms) left in `.tmp/` by a crashed writer are removed at start-up.
   * Default 3 600 000 (1 h): long enough never to touch a live put of another process
   * sharing the root.
   */
  readonly staleTmpMs?: number;
  /**
   * Threads that compute eTags (MD5) of bodies of 1 MiB or more from the written temp file,
   * keeping the event loop free while a burst of raws lands. 0 hashes every body inline.
   * Default: 1 when the host has two or more CPUs, else 0.
   */
  readonly hashThreads?: number;
}

/** Creates the root (and its `.tmp/`, `.meta/`), sweeps stale temp files, returns the store. */
export async function createFsObjectStore(options: FsObjectStoreOptions): Promise<FsObjectStore> {
  const root = resolve(options.root);
  const tmpDir = join(root, FS_TMP_DIR);
  try {
    await mkdir(tmpDir, { recursive: true });
    await mkdir(join(root, FS_META_DIR), { recursive: true });
    await sweepStaleTmp(tmpDir, options.staleTmpMs ?? 3_600_000);
  } catch (err) {
    throw fsError(err, 'open store at', root);
  }
  return new FsObjectStore(root, options);
}

function infoOf(key: string, st: BigIntStats, eTagHex: string): ObjectInfo {
  return {
    key,
    size: Number(st.size),
    eTag: quoteETag(eTagHex),
    lastModifiedMs: Number(st.mtimeNs / 1_000_000n),
  };
}

/**
 * ObjectStore on a POSIX file system (local disk, RAM disk, or a shared mount). A put writes
 * `.tmp/<uuid>`, fsyncs it, renames it over `<root>/<key>` (atomic on one file system: a
 * reader holds either the old inode or the new one), fsyncs the directory, records the eTag
 * in a sidecar, then awaits `onNotice`. Concurrent puts to one key: the last rename wins,
 * never a torn file. A write-once put (`ifAbsent`) commits with link() instead of rename(),
 * which fails atomically when the key exists, so of racing ifAbsent puts (from any process
 * sharing the root) exactly one lands; this needs a file system with hard links. A key cannot be both an object and a prefix of another (`a` and
 * `a/b`): such a put fails with PROMPTLY_E_STORE_IO, unlike S3.
 */
export class FsObjectStore implements ObjectStore {
  readonly bucket: string;
  /** Absolute root directory. */
  readonly root: string;
  /** Whether puts, deletes and moves fsync (see FsObjectStoreOptions.durable). */
  readonly durable: boolean;
  readonly #tmpDir: string;
  readonly #metaDir: string;
  readonly #onNotice: NoticeSink | undefined;
  readonly #hasher: Md5FileHasher;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  /** Use {@link createFsObjectStore}, which prepares the directories. */
  constructor(root: string, options: FsObjectStoreOptions) {
    this.root = root;
    this.bucket = options.bucket;
    this.durable = options.durable ?? true;
    this.#onNotice = options.onNotice;
    this.#hasher = createMd5Pool({
      threads: options.hashThreads ?? (availableParallelism() > 1 ? 1 : 0),
    });
    this.#tmpDir = join(root, FS_TMP_DIR);
    this.#metaDir = join(root, FS_META_DIR);
  }

  /**
   * Writes atomically (and durably unless `durable: false`), then emits one arrival notice.
   * The abort signal is honoured until the rename; after it the object exists and the put
   * completes, notice included. Do not mutate `body` until the put resolves. A failing
   * notice sink rejects the put although the object is stored. With `ifAbsent` and an object
   * (or a directory: a prefix of other keys) at the key, nothing is written: STORE_EXISTS
   * (STORE_IO for a directory).
   */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectInfo> {
    return this.#track(() => this.#put(key, body, options?.signal, options?.ifAbsent === true));
  }

  get(key: string, options?: StoreCallOptions): Promise<Uint8Array> {
    return this.#track(async () => {
      const path = this.#dataPath(key);
      throwIfAborted(options?.signal);
      try {
        const buf = await readFile(path, { signal: options?.signal });
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (err) {
        throw fsError(err, 'get', key);
      }
    });
  }

  /** Bytes [start, end) read at an offset through one handle; `end` is clipped to the size. */
  getRange(
    key: string,
    start: number,
    end: number,
    options?: StoreCallOptions,
  ): Promise<Uint8Array> {
    return this.#track(async () => {
      const path = this.#dataPath(key);
      checkByteRange(start, end);
      throwIfAborted(options?.signal);
      try {
        const fh = await open(path, 'r');
        try {
          const st = await fh.stat();
          if (!st.isFile())
            throw new PromptlyError(
              'PROMPTLY_E_STORE_NOT_FOUND',
              `getRange ${key}: no such object`,
            );
          const stop = Math.min(end, st.size);
          const length = Math.max(0, stop - start);
          const out = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
          let done = 0;
          while (done < length) {
            throwIfAborted(options?.signal);
            const { bytesRead } = await fh.read(out, done, length - done, start + done);
            if (bytesRead === 0) break; // cannot happen for a fixed inode; guards a truncation
            done += bytesRead;
          }
          return done === length ? out : out.subarray(0, done);
        } finally {
          await fh.close();
        }
      } catch (err) {
        throw fsError(err, 'getRange', key);
      }
    });
  }

  /** Info of the object (eTag from the sidecar, re-hashed only when it is stale), or undefined. */
  head(key: string, options?: StoreCallOptions): Promise<ObjectInfo | undefined> {
    return this.#track(() => {
      const path = this.#dataPath(key);
      throwIfAborted(options?.signal);
      return this.#describe(key, path, options?.signal);
    });
  }

  /**
   * Objects whose key starts with `prefix`, in UTF-8 byte order of the key (as S3 lists),
   * never the store's own `.tmp/` and `.meta/`. Walks only directories that can hold a match.
   */
  async *list(prefix: string, options?: StoreCallOptions): AsyncIterable<ObjectInfo> {
    this.#checkOpen();
    const signal = options?.signal;
    throwIfAborted(signal);
    const cut = prefix.lastIndexOf('/');
    const dirKey = cut < 0 ? '' : prefix.slice(0, cut + 1);
    if (dirKey !== '') {
      try {
        checkObjectKey(dirKey.slice(0, -1), RESERVED);
      } catch {
        return; // no valid key lives under such a prefix
      }
    }
    for await (const key of walkKeys(this.root, dirKey, prefix, RESERVED, signal)) {
      const info = await this.#describe(key, join(this.root, key), signal);
      if (info !== undefined) yield info; // undefined: deleted while we walked
    }
  }

  /** Removes the object and its sidecar, then empty parent directories; true when it existed. */
  delete(key: string, options?: StoreCallOptions): Promise<boolean> {
    return this.#track(async () => {
      const path = this.#dataPath(key);
      throwIfAborted(options?.signal);
      try {
        await unlink(path);
      } catch (err) {
        if (isMissing(err)) return false;
        throw fsError(err, 'delete', key);
      }
      await unlink(this.#metaPath(key)).catch(() => undefined);
      try {
        if (this.durable) await fsyncDir(dirname(path));
      } catch (err) {
        throw fsError(err, 'delete', key);
      }
      await this.#prune(dirname(path), this.root);
      await this.#prune(dirname(this.#metaPath(key)), this.#metaDir);
      return true;
    });
  }

  /** Renames the object (and its sidecar) to `to`, creating directories; no arrival notice. */
  move(from: string, to: string, options?: StoreCallOptions): Promise<ObjectInfo> {
    return this.#track(async () => {
      const src = this.#dataPath(from);
      const dest = this.#dataPath(to);
      throwIfAborted(options?.signal);
      try {
        const st = await lstat(src);
        if (!st.isFile()) {
          throw new PromptlyError('PROMPTLY_E_STORE_NOT_FOUND', `move ${from}: no such object`);
        }
      } catch (err) {
        throw fsError(err, 'move', from);
      }
      try {
        const created = await renameMakingParents(src, dest);
        await renameMakingParents(this.#metaPath(from), this.#metaPath(to)).catch(() => undefined);
        if (this.durable) {
          await this.#fsyncNewDirs(dirname(dest), created);
          if (dirname(src) !== dirname(dest)) await fsyncDir(dirname(src));
        }
      } catch (err) {
        // ENOENT here: the source vanished meanwhile; ENOTDIR/EISDIR: `to` collides.
        throw fsError(err, 'move', from, errnoCode(err) === 'ENOENT' ? 'not-found' : 'io');
      }
      await this.#prune(dirname(src), this.root);
      await this.#prune(dirname(this.#metaPath(from)), this.#metaDir);
      const info = await this.#describe(to, dest, options?.signal);
      if (info === undefined) {
        throw new PromptlyError(
          'PROMPTLY_E_STORE_NOT_FOUND',
          `move ${from}: ${to} vanished after the move`,
        );
      }
      return info;
    });
  }

  /** Rejects new calls with PROMPTLY_E_STORE_CLOSED and waits for those in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    await this.#hasher.close();
  }

  async #put(
    key: string,
    body: Uint8Array,
    signal: AbortSignal | undefined,
    ifAbsent: boolean,
  ): Promise<ObjectInfo> {
    const dest = this.#dataPath(key);
    throwIfAborted(signal);
    const tmp = join(this.#tmpDir, randomUUID());
    let committed = false;
    let st: BigIntStats;
    let eTag: string;
    try {
      const fh = await open(tmp, 'wx');
      try {
        if (this.#hasher.offloads(body.byteLength)) {
          // A hasher thread re-reads the written file while this one waits on fsync.
          await fh.writeFile(body);
          const hashing = this.#hasher.hexOfFile(tmp);
          void hashing.catch(() => undefined); // awaited below; not unhandled if fsync throws first
          if (this.durable) await fh.datasync();
          eTag = await hashing;
        } else {
          const writing = fh.writeFile(body);
          eTag = md5Hex(body); // small body: hashed here while libuv's pool writes
          await writing;
          if (this.durable) await fh.datasync();
        }
        st = await fh.stat({ bigint: true });
      } finally {
        await fh.close();
      }
      throwIfAborted(signal);
      if (ifAbsent) {
        const created = await this.#linkOnce(tmp, dest, key);
        committed = true;
        await unlink(tmp); // the object lives on under its key
        // Written only by the winner, so a loser never displaces the winner's sidecar.
        const meta = writeSidecar(this.#metaPath(key), this.#tmpDir, st, eTag);
        if (this.durable) await this.#fsyncNewDirs(dirname(dest), created);
        await meta.catch(() => undefined);
      } else {
        // The sidecar names the inode it describes, so it may be written alongside the rename:
        // if the rename fails, or another put wins, the sidecar merely misses later.
        const meta = writeSidecar(this.#metaPath(key), this.#tmpDir, st, eTag).catch(
          () => undefined,
        );
        const created = await renameMakingParents(tmp, dest);
        committed = true;
        if (this.durable) await this.#fsyncNewDirs(dirname(dest), created);
        await meta;
      }
    } catch (err) {
      if (!committed) await unlink(tmp).catch(() => undefined);
      throw fsError(err, 'put', key, 'io');
    }
    const info = infoOf(key, st, eTag);
    if (this.#onNotice !== undefined) {
      const notice = makeArrivalNotice({
        bucket: this.bucket,
        key,
        size: info.size,
        eTag,
        sequencer: nextSequencer(),
      });
      try {
        await this.#onNotice(notice);
      } catch (err) {
        throw toPromptlyError(err, 'PROMPTLY_E_STORE_IO');
      }
    }
    return info;
  }

  /**
   * Links the written temp file to `dest` unless something is there: EEXIST becomes
   * STORE_EXISTS for an object, STORE_IO for a directory (the key is a prefix of others).
   */
  async #linkOnce(tmp: string, dest: string, key: string): Promise<string | undefined> {
    try {
      return await linkMakingParents(tmp, dest);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
      const there = await lstat(dest).catch(() => undefined);
      if (there?.isDirectory() === true) {
        throw new PromptlyError(
          'PROMPTLY_E_STORE_IO',
          `put ${key}: the key collides with an existing prefix (EEXIST)`,
          { cause: err },
        );
      }
      throw new PromptlyError(
        'PROMPTLY_E_STORE_EXISTS',
        `put ${key}: an object already exists at ${JSON.stringify(key)} (ifAbsent)`,
        { cause: err, details: [{ path: key, message: 'object already exists' }] },
      );
    }
  }

  /**
   * The eTag of a file with no valid sidecar (placed by someone else, e.g. an OODS moving a raw
   * into its datastore): a large one on a hasher thread, kept only if the path still names the
   * same file afterwards; else on this thread from the open handle.
   */
  async #hashUnrecorded(
    path: string,
    st: BigIntStats,
    fh: FileHandle,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    if (this.#hasher.offloads(Number(st.size))) {
      const hex = await this.#hasher.hexOfFile(path);
      const now = await stat(path, { bigint: true }).catch(() => undefined);
      if (now && now.ino === st.ino && now.size === st.size && now.mtimeNs === st.mtimeNs)
        return hex;
    }
    return hashHandle(fh, signal);
  }

  async #describe(
    key: string,
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<ObjectInfo | undefined> {
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw fsError(err, 'head', key);
    }
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) return undefined;
      const metaPath = this.#metaPath(key);
      let eTag = await readSidecar(metaPath, st);
      if (eTag === undefined) {
        eTag = await this.#hashUnrecorded(path, st, fh, signal);
        await writeSidecar(metaPath, this.#tmpDir, st, eTag).catch(() => undefined);
      }
      return infoOf(key, st, eTag);
    } catch (err) {
      throw fsError(err, 'head', key);
    } finally {
      await fh.close();
    }
  }

  /** fsyncs `dir` and, when `created` names the first directory mkdir made, every new level. */
  async #fsyncNewDirs(dir: string, created: string | undefined): Promise<void> {
    const dirs = [dir];
    if (created !== undefined) {
      const stop = dirname(created);
      for (let d = dir; d !== stop && d.length > this.root.length; d = dirname(d))
        dirs.push(dirname(d));
    }
    await Promise.all(dirs.map(fsyncDir));
  }

  /** Removes empty directories from `dir` up to (not including) `base`; stops at the first non-empty. */
  async #prune(dir: string, base: string): Promise<void> {
    for (let d = dir; d.length > base.length && d.startsWith(base); d = dirname(d)) {
      try {
        await rmdir(d);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') return;
      }
    }
  }

  #dataPath(key: string): string {
    this.#checkOpen();
    return join(this.root, checkObjectKey(key, RESERVED));
  }

  #metaPath(key: string): string {
    return join(this.#metaDir, key);
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new PromptlyError('PROMPTLY_E_STORE_CLOSED', `store ${this.bucket} is closed`);
  }

  #track<T>(run: () => Promise<T>): Promise<T> {
    let p: Promise<T>;
    try {
      this.#checkOpen();
      p = run();
    } catch (err) {
      return Promise.reject(toPromptlyError(err));
    }
    this.#inFlight.add(p);
    const forget = (): void => {
      this.#inFlight.delete(p);
    };
    p.then(forget, forget);
    return p;
  }
}
