import { createHash } from 'node:crypto';
import { PromptlyError } from '../core/errors.js';
import { dataIdEntries } from './data-id.js';
import type { DataId, DatasetType } from './registry.js';

/** File extension for each storage class; others get {@link DEFAULT_EXTENSION}. */
export const STORAGE_CLASS_EXTENSIONS: Readonly<Record<string, string>> = {
  Exposure: 'fits',
  Image: 'fits',
  SourceCatalog: 'fits',
  Json: 'json',
  Text: 'txt',
};

/** Extension for a storage class not in {@link STORAGE_CLASS_EXTENSIONS}. */
export const DEFAULT_EXTENSION = 'bin';

/** The file extension (no dot) datasets of `storageClass` are stored with. */
export function extensionFor(storageClass: string): string {
  return STORAGE_CLASS_EXTENSIONS[storageClass] ?? DEFAULT_EXTENSION;
}

const SAFE = /^[A-Za-z0-9._:+=@,-]$/;

/**
 * One key segment for a value: characters outside `[A-Za-z0-9._:+=@,-]` (and `%`) become
 * `%XX` of their UTF-8 bytes, and a segment of only dots is fully escaped, so the mapping
 * is injective and never yields `/`, `.` or `..`.
 */
export function encodeKeySegment(value: string | number): string {
  const text = String(value);
  let out = '';
  for (const ch of text) {
    if (SAFE.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return /^\.+$/.test(out) ? out.replaceAll('.', '%2E') : out;
}

/** File systems refuse names over 255 bytes; segments past this many are shortened. */
export const MAX_SEGMENT_BYTES = 200;

/**
 * A segment no longer than {@link MAX_SEGMENT_BYTES}: a longer one keeps its first 100
 * characters and appends `~` and the SHA-256 of the whole (then `extension`). `~` never
 * occurs in an escaped segment, so a shortened name cannot equal a plain one.
 */
function boundSegment(segment: string, extension = ''): string {
  if (Buffer.byteLength(segment + extension) <= MAX_SEGMENT_BYTES) return segment + extension;
  const digest = createHash('sha256').update(segment).digest('hex');
  return `${segment.slice(0, 100)}~${digest}${extension}`;
}

/** A key segment in which `_` is escaped too, so `_` can join segments unambiguously. */
function fileNamePart(value: string | number): string {
  return encodeKeySegment(value).replaceAll('_', '%5F');
}

/**
 * Deterministic datastore key of a dataset:
 * `<run>/<datasetType>/<datasetType>_<instrument>_<other dimension values joined by _>.<ext>`,
 * the other dimensions in DIMENSION_NAMES order (detector, group, snap, exposure, visit,
 * day_obs, band, physical_filter), each value escaped by {@link encodeKeySegment} and its `_`
 * as `%5F` (so the name is injective); the run's own `/`-separated segments are kept as
 * directories. E.g. run `u/me/run1`, a bias of LSSTCam detector 94 →
 * `u/me/run1/bias/bias_LSSTCam_94.fits`. The layout is shallow on purpose: a put that must
 * create directories costs several times one that does not, and a worker's handler-local repo
 * makes a new run for every visit-detector. A segment longer than {@link MAX_SEGMENT_BYTES}
 * (a long group id, escaped) is shortened with a hash, so every key is a valid path. Throws PROMPTLY_E_REGISTRY_INVALID for a bad data
 * ID or a run with an empty segment.
 */
export function datastoreKey(type: DatasetType, dataId: DataId, run: string): string {
  const entries = dataIdEntries(dataId, type.dimensions);
  const runSegments = typeof run === 'string' ? run.split('/') : [''];
  if (runSegments.some((s) => s === '')) {
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_INVALID',
      `run ${JSON.stringify(run)} has an empty path segment`,
    );
  }
  const instrument = entries.find(([n]) => n === 'instrument')?.[1] ?? '';
  const others = entries.filter(([n]) => n !== 'instrument').map(([, v]) => fileNamePart(v));
  const fileName = boundSegment(
    [fileNamePart(type.name), fileNamePart(instrument), ...others].join('_'),
    `.${extensionFor(type.storageClass)}`,
  );
  return [
    ...runSegments.map((segment) => boundSegment(encodeKeySegment(segment))),
    boundSegment(encodeKeySegment(type.name)),
    fileName,
  ].join('/');
}
