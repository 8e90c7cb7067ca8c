import { createHash, randomUUID } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import {
  link,
  mkdir,
  readFile,
  rename,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode, isMissing } from './fs-errors.js';

/**
 * eTags of the fs store live in a sidecar tree (`<root>/.meta/<key>`, one small JSON file
 * per object) so head() and list() need not re-hash. xattrs would be lighter but are not
 * portable (tmpfs without user xattrs, NFS, macOS). A sidecar is a cache, never the truth:
 * it records the inode, size and mtime (ns) of the file it describes, and is used only if
 * all three still match a fresh stat. Every put renames a new inode into place, so a
 * sidecar left by an older or racing put, or a file changed behind the store's back, simply
 * misses and the eTag is recomputed (and the sidecar rewritten). Sidecars are not fsynced:
 * losing one costs a re-hash, not correctness.
 */
interface SidecarRecord {
  readonly v: 1;
  readonly eTag: string;
  readonly size: string;
  readonly ino: string;
  readonly mtimeNs: string;
}

function recordOf(stat: BigIntStats, eTag: string): SidecarRecord {
  return {
    v: 1,
    eTag,
    size: stat.size.toString(),
    ino: stat.ino.toString(),
    mtimeNs: stat.mtimeNs.toString(),
  };
}

/** The unquoted eTag in the sidecar at `metaPath` if it still describes `stat`, else undefined. */
export async function readSidecar(
  metaPath: string,
  stat: BigIntStats,
): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(metaPath, 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  try {
    const rec = JSON.parse(text) as Partial<SidecarRecord>;
    const matches =
      rec.v === 1 &&
      typeof rec.eTag === 'string' &&
      rec.size === stat.size.toString() &&
      rec.ino === stat.ino.toString() &&
      rec.mtimeNs === stat.mtimeNs.toString();
    return matches ? rec.eTag : undefined;
  } catch {
    return undefined; // torn or foreign content: treat as a miss
  }
}

/**
 * Writes the sidecar for a file with `stat` and unquoted `eTag`: to a temp file in `tmpDir`,
 * then renamed over `metaPath`, so a reader never sees half a record.
 */
export async function writeSidecar(
  metaPath: string,
  tmpDir: string,
  stat: BigIntStats,
  eTag: string,
): Promise<void> {
  const tmp = `${tmpDir}/${randomUUID()}.meta`;
  await writeFile(tmp, JSON.stringify(recordOf(stat, eTag)));
  try {
    await renameMakingParents(tmp, metaPath);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * rename(from, to); when `to`'s directory is missing, creates it and retries (a concurrent
 * delete may prune an empty directory between the mkdir and the rename). Returns the first
 * directory it created, if any, so a durable caller can fsync the new entries.
 */
export function renameMakingParents(from: string, to: string): Promise<string | undefined> {
  return makingParents(to, () => rename(from, to));
}

/**
 * link(from, to), creating `to`'s directory as {@link renameMakingParents} does. Fails with
 * EEXIST, atomically, when anything is already at `to`: the write-once commit of a put.
 */
export function linkMakingParents(from: string, to: string): Promise<string | undefined> {
  return makingParents(to, () => link(from, to));
}

async function makingParents(to: string, place: () => Promise<void>): Promise<string | undefined> {
  let created: string | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      await place();
      return created;
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT' || attempt >= 4) throw err;
      created = (await mkdir(dirname(to), { recursive: true })) ?? created;
    }
  }
}

/** Unquoted hex MD5 of an open file, read from offset 0 in 1 MiB chunks. */
export async function hashHandle(fh: FileHandle, signal?: AbortSignal): Promise<string> {
  const hash = createHash('md5');
  const buf = Buffer.allocUnsafe(1 << 20);
  let position = 0;
  for (;;) {
    signal?.throwIfAborted();
    const { bytesRead } = await fh.read(buf, 0, buf.length, position);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}
