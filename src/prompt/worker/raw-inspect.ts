import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import { getDetector, getInstrument } from '../../core/instruments.js';
import { exposureIdOf, midpointMjdTaiOf } from '../../core/exposure-id.js';
import { readoutEndMsOf } from '../../core/raw-header-times.js';
import { quickScan, type QuickScan } from '../../fits/index.js';
import type { RawKey } from '../../core/raw-key.js';

/** What ingest learns from a raw's headers. */
export interface RawSummary {
  /** Image HDUs (amplifiers) with data. */
  readonly amplifiers: number;
  readonly exposureTimeS: number | undefined;
  /** End of the snap's readout per its header (summit ms since the Unix epoch), if it says. */
  readonly readoutEndMs: number | undefined;
  /** Rubin exposure id (DAYOBS · 100000 + SEQNUM), if the header has both. */
  readonly exposureId: number | undefined;
  /** Middle of the integration, MJD TAI (MJD-BEG, MJD-END), if the header says. */
  readonly midpointMjdTai: number | undefined;
}

function mismatch(what: string, got: unknown, want: unknown): PromptlyError {
  return new PromptlyError(
    'PROMPTLY_E_RAW_CORRUPT',
    `raw header ${what} is ${JSON.stringify(got)} but its key says ${JSON.stringify(want)}`,
  );
}

/**
 * Checks that a raw is a readable FITS file whose headers agree with its key: every HDU
 * complete (structure checked with quickScan), at least one image extension, and INSTRUME, RAFTBAY/CCDSLOT, GROUPID, CURINDEX
 * (when present) matching instrument, detector, group and snap + 1. Anything else is
 * PROMPTLY_E_RAW_CORRUPT with the FITS error as its cause. Reads headers only.
 */
export function inspectRaw(bytes: Uint8Array, key: RawKey): RawSummary {
  let scan: QuickScan;
  try {
    scan = quickScan(bytes);
  } catch (err) {
    if (!isPromptlyError(err)) throw err;
    throw new PromptlyError(
      'PROMPTLY_E_RAW_CORRUPT',
      `raw ${key.file} is not valid FITS: ${err.message}`,
      {
        cause: err,
      },
    );
  }
  const primary = scan.primary;
  const instrument = primary.get('INSTRUME');
  if (instrument !== undefined && instrument !== key.instrument)
    throw mismatch('INSTRUME', instrument, key.instrument);
  const raft = primary.get('RAFTBAY');
  const slot = primary.get('CCDSLOT');
  if (typeof raft === 'string' && typeof slot === 'string') {
    const detector = getDetector(getInstrument(key.instrument), key.detector);
    if (`${raft}_${slot}` !== detector.name)
      throw mismatch('RAFTBAY_CCDSLOT', `${raft}_${slot}`, detector.name);
  }
  const group = primary.get('GROUPID');
  if (group !== undefined && group !== key.group) throw mismatch('GROUPID', group, key.group);
  const index = primary.get('CURINDEX');
  if (index !== undefined && index !== key.snap + 1)
    throw mismatch('CURINDEX', index, key.snap + 1);
  const amplifiers = scan.hdus.filter(
    (h) => h.index > 0 && (h.kind === 'image' || h.kind === 'compressed-image') && h.dataSize > 0,
  ).length;
  if (amplifiers === 0)
    throw new PromptlyError('PROMPTLY_E_RAW_CORRUPT', `raw ${key.file} has no image extension`);
  const exptime = primary.get('EXPTIME');
  return {
    amplifiers,
    exposureTimeS: typeof exptime === 'number' ? exptime : undefined,
    readoutEndMs: readoutEndMsOf(primary),
    exposureId: exposureIdOf(primary),
    midpointMjdTai: midpointMjdTaiOf(primary),
  };
}
