import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import { DATASET_TYPES } from '../../registry/dataset-types.js';
import type { DatasetRef } from '../../registry/registry.js';
import type { Repo } from '../../registry/repo.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { RawArrival } from '../arrivals/raw-arrival.js';
import { parseRawKey } from '../../core/raw-key.js';
import { inspectRaw, type RawSummary } from './raw-inspect.js';

/** Where corrupt raws are moved, under the same key. */
export const QUARANTINE_PREFIX = 'quarantine/';

/**
 * Copies one arrived raw into the handler-local repo (idempotent by data ID) and returns what
 * its headers say (amplifiers, exposure, end of readout). A raw that
 * does not read as the FITS its key promises is moved aside to `quarantine/<key>` and
 * PROMPTLY_E_RAW_CORRUPT is thrown; nothing is ingested.
 */
export async function ingestRaw(options: {
  readonly arrival: RawArrival;
  readonly store: ObjectStore;
  readonly local: Repo;
  readonly run: string;
  readonly signal: AbortSignal;
}): Promise<{ ref: DatasetRef; summary: RawSummary }> {
  const { arrival, store, local, run, signal } = options;
  const key = parseRawKey(arrival.key);
  const bytes = await store.get(arrival.key, { signal });
  let summary: RawSummary;
  try {
    summary = inspectRaw(bytes, key);
  } catch (err) {
    if (!isPromptlyError(err, 'PROMPTLY_E_RAW_CORRUPT')) throw err;
    const aside = `${QUARANTINE_PREFIX}${arrival.key}`;
    await store.move(arrival.key, aside, { signal }).catch((moveErr: unknown) => {
      throw new PromptlyError(
        'PROMPTLY_E_RAW_CORRUPT',
        `${err.message}; moving it aside failed too`,
        {
          cause: moveErr,
        },
      );
    });
    throw new PromptlyError('PROMPTLY_E_RAW_CORRUPT', `${err.message} (moved to ${aside})`, {
      cause: err,
    });
  }
  const ref = await local.put(
    DATASET_TYPES.raw.name,
    { instrument: key.instrument, detector: key.detector, group: key.group, snap: key.snap },
    run,
    bytes,
    { signal },
  );
  return { ref, summary };
}
