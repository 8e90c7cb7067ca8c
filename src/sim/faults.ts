import { SIM_FAULT_PATTERN } from '../core/config-schema.js';
import { PromptlyError } from '../core/errors.js';

/**
 * Faults the summit can be told to commit, each switchable on its own (seeds: dropped
 * images, late files, duplicate DDS samples, partial writes, aborted scripts):
 * - `dropped-snap`: the visit's last snap is never written (all detectors, or one);
 * - `delayed-image`: the visit's raws land long after the worker's deadline;
 * - `duplicate-next-visit`: the next_visit is published twice;
 * - `corrupt-file`: one raw is written with a mangled primary header;
 * - `truncated-file`: one raw is written cut in half;
 * - `aborted-visit`: the script stops after the first startIntegration: no readout, no raws;
 * - `next-visit-no-images`: the next_visit goes out and nothing else happens;
 * - `images-no-next-visit`: raws arrive for a visit that was never announced;
 * - `detector-no-readout`: one detector never reads out (no raws for any snap);
 * - `missing-header`: the header service writes no metadata for the visit's exposures (the
 *   image writer waits its bounded time, then writes what the camera knows, flagged);
 * - `link-outage`: the summit–base link goes down when the visit is announced, for
 *   `link-outage@visit:seconds` summit seconds (default 600).
 */
export const FAULT_NAMES = [
  'dropped-snap',
  'delayed-image',
  'duplicate-next-visit',
  'corrupt-file',
  'truncated-file',
  'aborted-visit',
  'next-visit-no-images',
  'images-no-next-visit',
  'detector-no-readout',
  'missing-header',
  'link-outage',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** One fault: which, on which visit (index in the night), optionally which detector. */
export interface FaultSpec {
  readonly name: FaultName;
  /** Visit index, from 0; default 0. */
  readonly visit: number;
  /** Detector id; default: all detectors, or the first active one for one-file faults. */
  readonly detector?: number;
  /** How long a `link-outage` lasts, summit seconds (its `:n`); default 600. */
  readonly durationS?: number;
}

/**
 * Parses `name[@visit[:detector]]` entries (a list or one comma-separated string).
 * PROMPTLY_E_CONFIG_INVALID on an unknown name or malformed entry.
 */
export function parseFaults(input: readonly string[] | string): FaultSpec[] {
  const items = typeof input === 'string' ? input.split(',') : input;
  const out: FaultSpec[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') continue;
    if (!SIM_FAULT_PATTERN.test(item)) {
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `fault "${item}" is not name[@visit[:detector]] with name one of ${FAULT_NAMES.join(', ')}`,
      );
    }
    const [name, where] = item.split('@') as [FaultName, string | undefined];
    const [visit, detector] = (where ?? '0').split(':');
    out.push({
      name,
      visit: Number(visit),
      ...(detector === undefined
        ? {}
        : name === 'link-outage'
          ? { durationS: Number(detector) }
          : { detector: Number(detector) }),
    });
  }
  return out;
}

/** The faults that hit visit `index`. */
export function faultsOfVisit(faults: readonly FaultSpec[], index: number): FaultSpec[] {
  return faults.filter((f) => f.visit === index);
}
