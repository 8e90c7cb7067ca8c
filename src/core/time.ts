/**
 * Time scales. Summit events carry TAI seconds since the Unix epoch; promptly's clocks are
 * UTC ms since the Unix epoch. TAI − UTC has been 37 s since 2017-01-01 (no leap second is
 * scheduled); the offset lives here only.
 */
export const TAI_MINUS_UTC_S = 37;

/** UTC ms since the epoch → TAI seconds since the epoch. */
export function utcMsToTaiSeconds(utcMs: number): number {
  return utcMs / 1000 + TAI_MINUS_UTC_S;
}

/** TAI seconds since the epoch → UTC ms since the epoch. */
export function taiSecondsToUtcMs(taiSeconds: number): number {
  return (taiSeconds - TAI_MINUS_UTC_S) * 1000;
}

/** Rubin's observing night: the calendar date at UTC−12 h, as the integer YYYYMMDD. */
export function dayObsOf(utcMs: number): number {
  const d = new Date(utcMs - 12 * 3600 * 1000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Modified Julian Date (UTC) of a time in UTC ms. */
export function mjdOf(utcMs: number): number {
  return utcMs / 86_400_000 + 40587;
}

/** ISO-8601 UTC with milliseconds and no zone letter, as Rubin group ids are written. */
export function isoNoZone(utcMs: number): string {
  return new Date(utcMs).toISOString().replace('Z', '');
}
