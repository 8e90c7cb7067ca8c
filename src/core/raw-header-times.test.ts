import { describe, expect, it } from 'vitest';
import { readoutEndMsOf, type HeaderLookup } from './raw-header-times.js';

function header(cards: Record<string, unknown>): HeaderLookup {
  return { get: (k) => cards[k] };
}

const closeMs = Date.UTC(2026, 10, 21, 3, 0, 15, 250);

describe('readoutEndMsOf', () => {
  it('reads READEND when the camera wrote it, whatever DATE-END says', () => {
    expect(
      readoutEndMsOf(
        header({
          'DATE-END': new Date(closeMs).toISOString(),
          READTIME: 9,
          READEND: new Date(closeMs + 2100).toISOString(),
        }),
      ),
    ).toBe(closeMs + 2100);
  });

  it('adds READTIME seconds to DATE-END when READEND is absent', () => {
    expect(
      readoutEndMsOf(header({ 'DATE-END': new Date(closeMs).toISOString(), READTIME: 3.5 })),
    ).toBe(closeMs + 3500);
  });

  it("adds Rubin's nominal 2 s readout to DATE-END for a raw that names no readout", () => {
    expect(readoutEndMsOf(header({ 'DATE-END': new Date(closeMs).toISOString() }))).toBe(
      closeMs + 2000,
    );
  });

  it('reads zone-less dates in the TIMESYS of the header: UTC by default, TAI 37 s ahead', () => {
    const noZone = new Date(closeMs).toISOString().replace('Z', '');
    expect(readoutEndMsOf(header({ 'DATE-END': noZone }))).toBe(closeMs + 2000);
    expect(readoutEndMsOf(header({ 'DATE-END': noZone, TIMESYS: 'UTC' }))).toBe(closeMs + 2000);
    expect(readoutEndMsOf(header({ 'DATE-END': noZone, TIMESYS: 'TAI' }))).toBe(
      closeMs + 2000 - 37_000,
    );
    // An explicit zone wins over TIMESYS.
    expect(
      readoutEndMsOf(header({ 'DATE-END': new Date(closeMs).toISOString(), TIMESYS: 'TAI' })),
    ).toBe(closeMs + 2000);
  });

  it('ignores malformed values and returns undefined when no end of integration is known', () => {
    const end = new Date(closeMs).toISOString();
    expect(readoutEndMsOf(header({ 'DATE-END': end, READEND: 'soon', READTIME: -1 }))).toBe(
      closeMs + 2000,
    );
    expect(readoutEndMsOf(header({ 'DATE-END': end, READTIME: Number.NaN }))).toBe(closeMs + 2000);
    expect(readoutEndMsOf(header({}))).toBeUndefined();
    expect(readoutEndMsOf(header({ 'DATE-END': 12345 }))).toBeUndefined();
    expect(readoutEndMsOf(header({ 'DATE-END': '2026-13-45T99:00:00' }))).toBeUndefined();
  });
});
