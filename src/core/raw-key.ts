import { PromptlyError } from './errors.js';

/** Where a raw sits in the object store, as its key says. */
export interface RawKey {
  readonly instrument: string;
  readonly detector: number;
  readonly group: string;
  readonly snap: number;
  readonly file: string;
}

/**
 * The raw layout of the object store: `instrument/detector/group/snap/file`. The detector
 * comes early so keys spread over prefixes; detector, group and snap in the key let a worker
 * match an arrival against its expectations without opening the file.
 */
export function formatRawKey(k: Omit<RawKey, 'file'> & { file?: string }): string {
  const file = k.file ?? `${k.instrument}_${k.group}_${k.snap}_${k.detector}.fits`;
  return `${rawPrefix(k.instrument, k.detector, k.group)}${k.snap}/${file}`;
}

/** Prefix of every snap of one visit-detector. */
export function rawPrefix(instrument: string, detector: number, group: string): string {
  return `${instrument}/${detector}/${group}/`;
}

/** Parses a raw key; anything else is PROMPTLY_E_RAW_KEY_INVALID. */
export function parseRawKey(key: string): RawKey {
  const parts = key.split('/');
  const [instrument, detector, group, snap, file] = parts;
  if (
    parts.length !== 5 ||
    !instrument ||
    !group ||
    !file ||
    !/^\d{1,4}$/.test(detector ?? '') ||
    !/^\d{1,3}$/.test(snap ?? '')
  ) {
    throw new PromptlyError('PROMPTLY_E_RAW_KEY_INVALID', `not a raw key: ${key}`);
  }
  return { instrument, detector: Number(detector), group, snap: Number(snap), file };
}
