import type { HeaderLookup } from './raw-header-times.js';

/** Largest sequence number of an observing day (Rubin's exposure ids leave 5 digits). */
export const MAX_SEQ_NUM = 99_999;

/**
 * The exposure id of a raw as Rubin's obs_lsst forms it, `dayObs · 100000 + seqNum`, from its
 * primary header's DAYOBS (YYYYMMDD, a string or integer, a real date from 2020 to 2099) and
 * SEQNUM (0..99 999). A visit is known by the exposure id of its first snap. undefined when
 * either is missing or out of bounds.
 */
export function exposureIdOf(header: HeaderLookup): number | undefined {
  const rawDay = header.get('DAYOBS');
  const seq = header.get('SEQNUM');
  const day = typeof rawDay === 'string' && /^\d{8}$/.test(rawDay.trim()) ? Number(rawDay) : rawDay;
  if (typeof day !== 'number' || !Number.isInteger(day)) return undefined;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ_NUM)
    return undefined;
  const y = Math.floor(day / 10_000);
  const m = Math.floor(day / 100) % 100;
  const d = day % 100;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 2020 || y > 2099 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  return day * 100_000 + seq;
}

/**
 * The middle of a raw's integration, MJD TAI, from MJD-BEG and MJD-END (TIMESYS TAI, as the
 * camera writes them); undefined unless both are finite, in 50 000..100 000, and ordered.
 */
export function midpointMjdTaiOf(header: HeaderLookup): number | undefined {
  const timesys = header.get('TIMESYS');
  if (typeof timesys === 'string' && timesys.trim().toUpperCase() !== 'TAI') return undefined;
  const beg = header.get('MJD-BEG');
  const end = header.get('MJD-END');
  const ok = (v: unknown): v is number =>
    typeof v === 'number' && Number.isFinite(v) && v > 50_000 && v < 100_000;
  if (!ok(beg) || !ok(end) || end < beg) return undefined;
  return (beg + end) / 2;
}
