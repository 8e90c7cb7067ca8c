import type { Bus } from '../bus/bus.js';
import { encodeJson } from '../bus/codec.js';
import type { Outcome } from '../core/outcome.js';
import type { ObjectStore } from '../store/object-store.js';
import { archiveSubjects } from './archive-topology.js';
import { readReceipt, receiptNames } from './dbb/dbb-receipt.js';

/** A visit-detector to process again in the daytime, now that its raws are archived. */
export interface ReprocessRequest {
  readonly instrument: string;
  readonly group: string;
  readonly detector: number;
  /** The archived images (snaps) of the visit-detector. */
  readonly images: readonly string[];
  /** The night's outcome it replaces. */
  readonly firstOutcome: { readonly kind: Outcome['kind']; readonly code?: string };
}

/**
 * Failures that running again from the same raws would only repeat: the data's own verdict
 * (too few catalog stars for a WCS), or a visit-detector whose sources are in the APDB already.
 */
const FINAL_VERDICTS: ReadonlySet<string> = new Set([
  'PROMPTLY_E_ASTROMETRY_FAILED',
  'PROMPTLY_E_APDB_ALREADY_WRITTEN',
]);

/**
 * Queues daytime catch-up processing: every visit-detector whose images are in the DBB
 * (through the catch-up archiver after a link outage, or by the normal path when prompt
 * processing lost them) and whose night outcome was not `processed` — nor `skipped`, nor a
 * failure a second run would repeat — gets one request on `archive.event.reprocess.<instr>` (stream ARCHIVE_EVENTS, where the job manager
 * takes them). Returns the requests made.
 */
export async function requestReprocessing(o: {
  bus: Bus;
  instrument: string;
  dbbStore: ObjectStore;
  outcomeOf: (group: string, detector: number) => Pick<Outcome, 'kind' | 'code'> | undefined;
}): Promise<ReprocessRequest[]> {
  const byVisitDetector = new Map<string, { group: string; detector: number; images: string[] }>();
  for (const name of await receiptNames(o.dbbStore, o.instrument)) {
    const r = await readReceipt(o.dbbStore, o.instrument, name);
    if (!r || !r.group) continue;
    const key = `${r.group}/${r.detector}`;
    const e = byVisitDetector.get(key) ?? { group: r.group, detector: r.detector, images: [] };
    e.images.push(r.image);
    byVisitDetector.set(key, e);
  }
  const out: ReprocessRequest[] = [];
  for (const e of byVisitDetector.values()) {
    const first = o.outcomeOf(e.group, e.detector);
    if (!first || first.kind === 'processed' || first.kind === 'skipped') continue;
    if (first.code !== undefined && FINAL_VERDICTS.has(first.code)) continue;
    const request: ReprocessRequest = {
      instrument: o.instrument,
      group: e.group,
      detector: e.detector,
      images: e.images.sort(),
      firstOutcome: { kind: first.kind, ...(first.code ? { code: first.code } : {}) },
    };
    await o.bus.publish(archiveSubjects.event('reprocess', o.instrument), encodeJson(request));
    out.push(request);
  }
  return out;
}
