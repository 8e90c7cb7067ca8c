import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from '../../core/errors.js';
import { compareKeys } from '../object-key.js';
import { fsError, isMissing } from './fs-errors.js';

/**
 * Keys of the regular files under `root` that start with `prefix`, in UTF-8 byte order of
 * the full key (as S3 lists), starting from directory `dirKey` (`''` or ending in `/`).
 * Descends only into directories that can hold a match; skips `skipTop` entries at the
 * root and anything that is neither a file nor a directory (symlinks, sockets).
 */
export async function* walkKeys(
  root: string,
  dirKey: string,
  prefix: string,
  skipTop: readonly string[],
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(join(root, dirKey), { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw fsError(err, 'list', prefix);
  }
  const items: { key: string; order: string; dir: boolean }[] = [];
  for (const e of entries) {
    const dir = e.isDirectory();
    if (!dir && !e.isFile()) continue;
    if (dirKey === '' && skipTop.includes(e.name)) continue;
    const key = dirKey + e.name;
    // A directory sorts as "name/" so that "a-b" < "a/x" < "a0", as full keys do.
    items.push({ key, order: dir ? `${key}/` : key, dir });
  }
  items.sort((a, b) => compareKeys(a.order, b.order));
  for (const item of items) {
    throwIfAborted(signal);
    if (item.dir) {
      if (item.order.startsWith(prefix) || prefix.startsWith(item.order)) {
        yield* walkKeys(root, item.order, prefix, skipTop, signal);
      }
    } else if (item.key.startsWith(prefix)) {
      yield item.key;
    }
  }
}
