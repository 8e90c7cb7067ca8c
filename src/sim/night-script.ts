import type { NextVisit } from '../core/next-visit.js';
import { faultsOfVisit, type FaultSpec } from './faults.js';
import { nextVisitOf, visitDurationS, type PlannedVisit } from './night-plan.js';

/** OCS events of the camera (Rubin's CCCamera/ATCamera logevents), plus the abort marker. */
export type OcsEventName = 'startIntegration' | 'startReadout' | 'endReadout' | 'visitAborted';

/** How a raw is damaged on its way to the store. */
export type RawDamage = 'corrupt' | 'truncated';

/** One thing the summit does at a time (summit ms, UTC). */
export type SummitAction =
  | {
      readonly kind: 'next_visit';
      readonly atMs: number;
      readonly visit: PlannedVisit;
      readonly event: NextVisit;
    }
  | {
      readonly kind: 'ocs';
      readonly atMs: number;
      readonly visit: PlannedVisit;
      readonly event: OcsEventName;
      readonly snap: number;
      /** Sequence number of the snap's exposure and its shutter open, ms UTC. */
      readonly seqNum: number;
      readonly openMs: number;
    }
  | {
      readonly kind: 'raw';
      readonly atMs: number;
      readonly visit: PlannedVisit;
      readonly detector: number;
      readonly snap: number;
      /** Shutter open of this snap, ms UTC. */
      readonly openMs: number;
      readonly seqNum: number;
      readonly damage?: RawDamage;
    };

/** Timing of the summit script. */
export interface ScriptTiming {
  readonly instrument: string;
  /** next_visit goes out this long before the first exposure, ms. */
  readonly leadTimeMs: number;
  /** Readout after each snap, s. */
  readonly readoutS: number;
  /** Header service + writer latency after endReadout until the file lands, ms. */
  readonly writeDelayMs: number;
  /** Extra delay of a `delayed-image` fault, ms (default 3 × duration + 60 s). */
  readonly faultDelayMs?: number;
}

/**
 * Everything the summit does for one visit, in time order, with its faults applied:
 * next_visit `leadTimeMs` ahead; per snap startIntegration at shutter open, startReadout at
 * close, endReadout after the readout, and each detector's raw `writeDelayMs` later (the
 * header service merges its metadata, then the file is written). `seqBase` is the sequence
 * number of the night's exposure before this visit's first.
 */
export function visitActions(
  visit: PlannedVisit,
  detectors: readonly number[],
  seqBase: number,
  timing: ScriptTiming,
  faults: readonly FaultSpec[],
): SummitAction[] {
  const mine = faultsOfVisit(faults, visit.index);
  const has = (name: FaultSpec['name']): FaultSpec | undefined => mine.find((f) => f.name === name);
  const out: SummitAction[] = [];
  const announceMs = visit.startMs - timing.leadTimeMs;
  const event = nextVisitOf(visit, {
    instrument: timing.instrument,
    readoutS: timing.readoutS,
    sentMs: announceMs,
  });
  if (!has('images-no-next-visit')) {
    out.push({ kind: 'next_visit', atMs: announceMs, visit, event });
    if (has('duplicate-next-visit'))
      out.push({ kind: 'next_visit', atMs: announceMs + 50, visit, event });
  }
  if (has('next-visit-no-images')) return out;
  const aborted = has('aborted-visit');
  const dropped = has('dropped-snap');
  const delayed = has('delayed-image');
  const silent = has('detector-no-readout');
  const silentDetector = silent?.detector ?? detectors[detectors.length - 1];
  const corrupt = has('corrupt-file');
  const truncated = has('truncated-file');
  const delayMs = timing.faultDelayMs ?? 3 * visitDurationS(visit, timing.readoutS) * 1000 + 60_000;
  let openMs = visit.startMs;
  for (let snap = 0; snap < visit.snaps; snap++) {
    const seqNum = seqBase + snap + 1;
    const ocs = (atMs: number, name: OcsEventName): SummitAction => ({
      kind: 'ocs',
      atMs,
      visit,
      event: name,
      snap,
      seqNum,
      openMs,
    });
    out.push(ocs(openMs, 'startIntegration'));
    if (aborted) {
      out.push(ocs(openMs + 1000, 'visitAborted'));
      break;
    }
    const closeMs = openMs + visit.exposureTimeS * 1000;
    const readMs = closeMs + timing.readoutS * 1000;
    out.push(ocs(closeMs, 'startReadout'));
    out.push(ocs(readMs, 'endReadout'));
    const last = snap === visit.snaps - 1;
    for (const detector of detectors) {
      if (silent && detector === silentDetector) continue;
      if (dropped && last && (dropped.detector === undefined || dropped.detector === detector))
        continue;
      const late = delayed && (delayed.detector === undefined || delayed.detector === detector);
      const oneFile = (f: FaultSpec | undefined): boolean =>
        f !== undefined && snap === 0 && (f.detector ?? detectors[0]) === detector;
      const damage: RawDamage | undefined = oneFile(corrupt)
        ? 'corrupt'
        : oneFile(truncated)
          ? 'truncated'
          : undefined;
      out.push({
        kind: 'raw',
        atMs: readMs + timing.writeDelayMs + (late ? delayMs : 0),
        visit,
        detector,
        snap,
        openMs,
        seqNum,
        ...(damage ? { damage } : {}),
      });
    }
    openMs = readMs;
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** Applies a damage fault to a raw's bytes (a copy). */
export function damageRaw(bytes: Uint8Array, damage: RawDamage): Uint8Array {
  if (damage === 'truncated') return bytes.slice(0, Math.floor(bytes.length / 2));
  const out = bytes.slice();
  // Mangle the mandatory first card: no FITS reader accepts the file any more.
  out.set(new TextEncoder().encode('CORRUPT!'), 0);
  return out;
}
