import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Files of the archive path are never visible under their final name before they are whole:
 * each is written under a dot-prefixed partial name in the same directory, fsynced, renamed
 * into place and the directory fsynced. Every reader of the archive path (the archive
 * controller's start-up scan, the OODS and the DBB) skips dot-prefixed names.
 */
export function isPartialName(name: string): boolean {
  return name.startsWith('.');
}

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** fsyncs a directory, making the entries created or removed in it durable. */
export async function fsyncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Called between writing the partial file and renaming it into place (tests hold it there). */
export type BeforeRename = (partialPath: string) => Promise<void>;

/**
 * Writes `bytes` to `path` durably: partial name, fsync, rename, fsync of the directory.
 * Creates the directory when needed. A failure removes the partial file.
 */
export async function writeFileDurably(
  path: string,
  bytes: Uint8Array,
  beforeRename?: BeforeRename,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const partial = join(dir, `.${basename(path)}.partial-${randomBytes(6).toString('hex')}`);
  try {
    const fh = await open(partial, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (beforeRename) await beforeRename(partial);
    await rename(partial, path);
  } catch (err) {
    await unlink(partial).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Inode identity of a file, or undefined when absent. */
export async function inodeOf(
  path: string,
): Promise<{ dev: number; ino: number; size: number } | undefined> {
  try {
    const st = await stat(path);
    return { dev: st.dev, ino: st.ino, size: st.size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Hard-links `from` to `to` (creating `to`'s directory). Resolves 'linked', 'exists' when `to`
 * is already a link of the same file, or 'cross-device' when the two are on different file
 * systems (the caller copies instead). Another file at `to` rejects with EEXIST.
 */
export async function hardLink(
  from: string,
  to: string,
): Promise<'linked' | 'exists' | 'cross-device'> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
    return 'linked';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') return 'cross-device';
    if (code === 'EEXIST') {
      const [a, b] = await Promise.all([inodeOf(from), inodeOf(to)]);
      if (a && b && a.dev === b.dev && a.ino === b.ino) return 'exists';
    }
    throw err;
  }
}
