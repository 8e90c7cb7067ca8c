import { TAI_MINUS_UTC_S } from './time.js';

/**
 * The header of a raw as far as this module reads it: a keyword lookup, as the FITS `Header`
 * (and `quickScan(bytes).primary`) offers it. Kept structural so the core imports no reader.
 */
export interface HeaderLookup {
  get(keyword: string): unknown;
}

/**
 * Keyword the simulated camera writes for the end of a snap's readout: ISO-8601 in the header's
 * TIMESYS (UTC with a trailing `Z` in promptly's raws). Not in Rubin's header specification
 * (LCA-10140), whose DATE-END is the end of integration; see {@link readoutEndMsOf}.
 */
export const READOUT_END_KEYWORD = 'READEND';

/** Keyword for the readout duration after DATE-END, seconds (promptly's raws write both). */
export const READOUT_TIME_KEYWORD = 'READTIME';

/** Readout time of Rubin's cameras when a header does not say, seconds. */
export const NOMINAL_READOUT_S = 2;

/**
 * ms since the Unix epoch (UTC) of a FITS date string: ISO-8601, with a zone (`Z`, `±hh:mm`)
 * taken as written, without one read in `timesys` (FITS: UTC when absent; TAI is shifted by
 * TAI − UTC). undefined when the value is not such a date.
 */
function fitsDateMs(value: unknown, timesys: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(text))
    return undefined;
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(text);
  const ms = Date.parse(zoned ? text : `${text}Z`);
  if (!Number.isFinite(ms)) return undefined;
  if (zoned) return ms;
  const scale = typeof timesys === 'string' ? timesys.trim().toUpperCase() : 'UTC';
  return scale === 'TAI' ? ms - TAI_MINUS_UTC_S * 1000 : ms;
}

/**
 * End of a raw's readout, summit-clock ms since the Unix epoch (UTC), read from its primary
 * header — the start of the latency budget ("alerts within 60 s of end of readout"), carried
 * by the raw itself, so it needs no channel besides the file. In order of preference:
 * 1. `READEND` (promptly's camera writes it);
 * 2. `DATE-END` (end of integration) + `READTIME` seconds;
 * 3. `DATE-END` + {@link NOMINAL_READOUT_S} (a real Rubin raw).
 * Dates without a zone are read in the header's `TIMESYS` (UTC or TAI). Returns undefined
 * when none of these is present and valid (non-date strings, non-finite or negative
 * READTIME are ignored), so a caller falls back to its own arrival time.
 */
export function readoutEndMsOf(header: HeaderLookup): number | undefined {
  const timesys = header.get('TIMESYS');
  const readEnd = fitsDateMs(header.get(READOUT_END_KEYWORD), timesys);
  if (readEnd !== undefined) return readEnd;
  const integrationEnd = fitsDateMs(header.get('DATE-END'), timesys);
  if (integrationEnd === undefined) return undefined;
  const readTime = header.get(READOUT_TIME_KEYWORD);
  const readoutS =
    typeof readTime === 'number' && Number.isFinite(readTime) && readTime >= 0
      ? readTime
      : NOMINAL_READOUT_S;
  return integrationEnd + readoutS * 1000;
}
