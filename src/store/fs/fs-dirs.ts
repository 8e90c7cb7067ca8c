import { open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Removes regular files in `tmpDir` last modified more than `staleTmpMs` ago. */
export async function sweepStaleTmp(tmpDir: string, staleTmpMs: number): Promise<void> {
  const cutoff = Date.now() - staleTmpMs;
  for (const name of await readdir(tmpDir)) {
    const path = join(tmpDir, name);
    const st = await stat(path).catch(() => undefined);
    if (st !== undefined && st.isFile() && st.mtimeMs < cutoff)
      await unlink(path).catch(() => undefined);
  }
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
