import { PromptlyError } from '../../core/errors.js';
import { apparentToHorizontal } from './horizontal.js';
import type { Site } from './site.js';
import { sunPosition } from './sun.js';

/** Geometric altitude of the Sun's centre at a site, degrees (0.01° accuracy). */
export function sunAltitudeDeg(utcMs: number, site: Site): number {
  const s = sunPosition(utcMs);
  return apparentToHorizontal({ raDeg: s.raDeg, decDeg: s.decDeg }, utcMs, site).altDeg;
}

/** The dark part of one night: from the evening to the morning twilight, UTC ms. */
export interface NightWindow {
  /** Rubin's observing night (the date at UTC − 12 h), YYYY-MM-DD. */
  readonly dayObs: string;
  /** Sun altitude of both twilights, degrees (e.g. −12 nautical, −18 astronomical). */
  readonly sunAltDeg: number;
  /** The Sun sinks through `sunAltDeg`, UTC ms. */
  readonly eveningMs: number;
  /** The Sun rises through `sunAltDeg`, UTC ms. */
  readonly morningMs: number;
}

const DAY_OBS = /^(\d{4})-(\d{2})-(\d{2})$/;

/** UTC ms of 00:00 UTC of a YYYY-MM-DD date (PROMPTLY_E_SIM_SKY_INVALID if malformed). */
export function dateStartMs(date: string): number {
  const m = DAY_OBS.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new PromptlyError(
      'PROMPTLY_E_SIM_SKY_INVALID',
      `night date must be YYYY-MM-DD, got "${date}"`,
    );
  }
  return ms;
}

/** The YYYY-MM-DD date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(dateStartMs(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Step of the coarse scan for twilight crossings, ms (the Sun moves < 2.5° in it). */
const SCAN_MS = 10 * 60_000;

function crossing(site: Site, altDeg: number, fromMs: number, toMs: number): number {
  let lo = fromMs;
  let hi = toMs;
  const below = sunAltitudeDeg(lo, site) < altDeg;
  while (hi - lo > 500) {
    const mid = (lo + hi) / 2;
    if (sunAltitudeDeg(mid, site) < altDeg === below) lo = mid;
    else hi = mid;
  }
  return Math.round((lo + hi) / 2);
}

/**
 * The night of `dayObs` at a site: the first time after local noon of that date that the
 * Sun sinks below `sunAltDeg`, and the next time it rises above it (to 1 s, limited by the
 * Sun's 0.01° → ~3 s). PROMPTLY_E_SIM_SKY_INVALID where the Sun never gets that low.
 */
export function nightWindow(dayObs: string, site: Site, sunAltDeg: number): NightWindow {
  const noonMs = dateStartMs(dayObs) + (12 - site.longitudeDeg / 15) * 3_600_000;
  let evening: number | undefined;
  let prev = sunAltitudeDeg(noonMs, site);
  for (let t = noonMs + SCAN_MS; t <= noonMs + 36 * 3_600_000; t += SCAN_MS) {
    const alt = sunAltitudeDeg(t, site);
    if (evening === undefined && prev >= sunAltDeg && alt < sunAltDeg) {
      evening = crossing(site, sunAltDeg, t - SCAN_MS, t);
    } else if (evening !== undefined && prev < sunAltDeg && alt >= sunAltDeg) {
      return {
        dayObs,
        sunAltDeg,
        eveningMs: evening,
        morningMs: crossing(site, sunAltDeg, t - SCAN_MS, t),
      };
    }
    prev = alt;
  }
  throw new PromptlyError(
    'PROMPTLY_E_SIM_SKY_INVALID',
    `the Sun does not reach ${sunAltDeg}° at ${site.name} in the night of ${dayObs}`,
  );
}
