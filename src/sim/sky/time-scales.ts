import { TAI_MINUS_UTC_S } from '../../core/time.js';
import { finiteOrThrow } from './sky-input.js';

/** TT − TAI, seconds (exact by definition). */
export const TT_MINUS_TAI_S = 32.184;

/** Julian Date of J2000.0 (2000-01-01T12:00 TT). */
export const J2000_JD = 2451545.0;

/** Julian Date of the Unix epoch. */
const UNIX_EPOCH_JD = 2440587.5;

/**
 * Julian Date in UTC of a time in UTC ms since the Unix epoch. Earth-rotation quantities
 * (sidereal time) take it as UT1: |UT1 − UTC| < 0.9 s, i.e. under 14″ of hour angle.
 */
export function julianDateUtc(utcMs: number): number {
  return finiteOrThrow('time', utcMs) / 86_400_000 + UNIX_EPOCH_JD;
}

/**
 * Julian Date in TT (Terrestrial Time) of a UTC time: UTC + (TAI − UTC) + 32.184 s, with
 * TAI − UTC from `src/core/time.ts` (37 s since 2017). TT drives the Sun, Moon, precession
 * and nutation.
 */
export function julianDateTt(utcMs: number): number {
  return julianDateUtc(utcMs) + (TAI_MINUS_UTC_S + TT_MINUS_TAI_S) / 86_400;
}

/** Julian centuries of TT since J2000.0. */
export function centuriesTt(utcMs: number): number {
  return (julianDateTt(utcMs) - J2000_JD) / 36_525;
}
