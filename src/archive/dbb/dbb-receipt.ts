import { isPromptlyError } from '../../core/errors.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { ImageOrigin } from '../image-complete.js';

/** What the Data Backbone keeps of each archived image (one JSON object per image). */
export interface DbbReceipt {
  readonly image: string;
  readonly instrument: string;
  /** The exposure (DAQ image name) the file is a detector of. */
  readonly obsId: string;
  readonly origin: ImageOrigin;
  /** Group and snap of the exposure (catch-up processing finds its visit-detector by them). */
  readonly group: string;
  readonly snap: number;
  readonly detector: number;
  /** Lower-case hex SHA-256 of the archived bytes, verified by reading them back. */
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Where: the long-term store's bucket and key. */
  readonly bucket: string;
  readonly key: string;
  /** Archived (receipt written), summit ms; attempts it took. */
  readonly archivedMs: number;
  readonly attempts: number;
}

/** Key of an image's bytes in long-term storage. */
export function dbbKey(instrument: string, dayObs: number, image: string): string {
  return `raw/${instrument}/${dayObs}/${image}.fits`;
}

/** Key of an image's receipt. */
export function receiptKey(instrument: string, image: string): string {
  return `receipts/${instrument}/${image}.json`;
}

export async function readReceipt(
  store: ObjectStore,
  instrument: string,
  image: string,
): Promise<DbbReceipt | undefined> {
  try {
    const bytes = await store.get(receiptKey(instrument, image));
    return JSON.parse(new TextDecoder().decode(bytes)) as DbbReceipt;
  } catch (err) {
    if (isPromptlyError(err, 'PROMPTLY_E_STORE_NOT_FOUND')) return undefined;
    throw err;
  }
}

/** Names of every image with a receipt. */
export async function receiptNames(store: ObjectStore, instrument: string): Promise<Set<string>> {
  const prefix = `receipts/${instrument}/`;
  const out = new Set<string>();
  for await (const info of store.list(prefix)) {
    if (info.key.endsWith('.json')) out.add(info.key.slice(prefix.length, -'.json'.length));
  }
  return out;
}
