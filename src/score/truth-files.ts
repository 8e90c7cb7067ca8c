import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PromptlyError } from '../core/errors.js';
import type { TruthTransient } from './match-truth.js';

/**
 * The simulator's truth files, as the scorer reads them: `truth/<group>/<detector>.json` under
 * a `simulate` output or an `up` work dir, `{ instrument, detector, visit, snaps: [{ sources:
 * [...] }] }` (src/sim/truth-files.ts writes them). Only what scoring needs is read, checked
 * and bounded.
 */

/** Largest truth file read, bytes. */
export const MAX_TRUTH_FILE_BYTES = 64 * 1024 * 1024;

const finite = z.number().finite();
const source = z.object({
  kind: z.string().max(32),
  id: z.string().max(256),
  ra: finite.min(0).max(360),
  dec: finite.min(-90).max(90),
  x: finite.min(-1e6).max(1e6),
  y: finite.min(-1e6).max(1e6),
  mag: finite.min(-10).max(50),
  fluxE: finite.min(0).max(1e15),
  templateMag: finite.min(-10).max(50).optional(),
});
const truthFile = z.object({
  instrument: z.string().max(64),
  detector: z.number().int().min(0).max(1000),
  snaps: z
    .array(z.object({ sources: z.array(source).max(100_000) }))
    .min(1)
    .max(100),
});

/**
 * Where the truth file of a visit-detector lives under `dir`: the group id as a directory name
 * (intake's characters; `.` and `..` refused), the detector as the file name.
 */
export function truthFilePath(dir: string, group: string, detector: number): string {
  if (!/^[A-Za-z0-9._:+-]{1,128}$/.test(group) || /^\.+$/.test(group))
    throw new PromptlyError(
      'PROMPTLY_E_SCORE_TRUTH_INVALID',
      `group id ${JSON.stringify(group.slice(0, 140))} cannot name a truth directory`,
    );
  if (!Number.isInteger(detector) || detector < 0 || detector > 1000)
    throw new PromptlyError('PROMPTLY_E_SCORE_TRUTH_INVALID', `detector ${detector} out of range`);
  return path.join(dir, 'truth', group, `${detector}.json`);
}

/**
 * The truth sources of a visit-detector per snap, or undefined when there is no file;
 * PROMPTLY_E_SCORE_TRUTH_INVALID for a file that is not a truth file.
 */
export async function readTruthFile(
  dir: string,
  group: string,
  detector: number,
): Promise<TruthTransient[][] | undefined> {
  const file = truthFilePath(dir, group, detector);
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_TRUTH_FILE_BYTES)
      throw new PromptlyError(
        'PROMPTLY_E_SCORE_TRUTH_INVALID',
        `${file} is ${bytes.length} bytes, more than ${MAX_TRUTH_FILE_BYTES}`,
      );
    text = bytes.toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PromptlyError('PROMPTLY_E_SCORE_TRUTH_INVALID', `${file} is not JSON`, {
      cause: err,
    });
  }
  const parsed = truthFile.safeParse(json);
  if (!parsed.success)
    throw new PromptlyError(
      'PROMPTLY_E_SCORE_TRUTH_INVALID',
      `${file}: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')} ${i.message}`)
        .join('; ')}`,
    );
  return parsed.data.snaps.map((s) => s.sources);
}
