import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptlyError } from '../core/errors.js';

/** File that marks a directory as one promptly made (and so may clear). */
export const WORK_DIR_MARKER = '.promptly-work-dir';

/**
 * Empties the work dir of the embedded backends so a night starts clean (calibrations made
 * for another geometry or seed would not fit). Only a directory promptly made (it holds the
 * marker) or an empty one is cleared; anything else is PROMPTLY_E_CONFIG_INVALID.
 */
export async function resetWorkDir(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(WORK_DIR_MARKER)) {
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `work dir ${dir} is not empty and was not made by promptly; refusing to clear it (choose another --work-dir, or --keep)`,
      );
    }
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, WORK_DIR_MARKER), 'made by promptly; `promptly up` clears it\n');
}
