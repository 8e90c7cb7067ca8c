import { seededRandom } from '../core/seeded-random.js';
import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { keywordSourceFrom, type KeywordValue } from './keyword-source.js';
import { readWcs } from './read-wcs.js';
import { sipCoefficient } from './sip-polynomial.js';
import { randomHeader } from './testing/random-headers.js';
import { toKeywords } from './to-keywords.js';

const base: Record<string, KeywordValue> = {
  CTYPE1: 'RA---TAN',
  CTYPE2: 'DEC--TAN',
  CRPIX1: 100.5,
  CRPIX2: 200.5,
  CRVAL1: 10,
  CRVAL2: 20,
  CD1_1: -1e-4,
  CD1_2: 0,
  CD2_1: 0,
  CD2_2: 1e-4,
};

function read(extra: Record<string, KeywordValue | undefined>, alt?: string) {
  const rec: Record<string, KeywordValue> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete rec[k];
    else rec[k] = v;
  }
  return readWcs(keywordSourceFrom(rec), alt === undefined ? {} : { alt });
}

function invalid(fn: () => unknown): boolean {
  try {
    fn();
  } catch (err) {
    return isPromptlyError(err, 'PROMPTLY_E_WCS_INVALID');
  }
  return false;
}

describe('readWcs', () => {
  it('reads a CD-matrix TAN header with FITS defaults filled in', () => {
    const w = read({});
    expect(w.crpix).toEqual([100.5, 200.5]);
    expect(w.crval).toEqual([10, 20]);
    expect(w.linear).toEqual({ kind: 'cd', cd: [-1e-4, 0, 0, 1e-4] });
    expect(w.lonpole).toBe(180);
    expect(w.latpole).toBe(20);
    expect(w.radesys).toBe('ICRS');
    expect(w.equinox).toBeUndefined();
    expect(w.sip).toBeUndefined();
  });

  it('defaults LONPOLE to 0 when the reference point is the north pole', () => {
    expect(read({ CRVAL2: 90 }).lonpole).toBe(0);
    expect(read({ CRVAL2: 90, LONPOLE: 45 }).lonpole).toBe(45);
  });

  it('prefers PC over CD, as wcslib does, and defaults PC to identity and CDELT to 1', () => {
    const w = read({
      CD1_1: undefined,
      CD1_2: undefined,
      CD2_1: undefined,
      CD2_2: undefined,
      CDELT1: -2e-4,
    });
    expect(w.linear).toEqual({ kind: 'pc', pc: [1, 0, 0, 1], cdelt: [-2e-4, 1] });
    const both = read({ PC1_1: 1, CDELT1: -1e-4, CDELT2: 1e-4 });
    expect(both.linear.kind).toBe('pc');
  });

  it('derives RADESYS and EQUINOX defaults from each other', () => {
    expect(read({ EQUINOX: 2000 }).radesys).toBe('FK5');
    expect(read({ EQUINOX: 1950 }).radesys).toBe('FK4');
    expect(read({ RADESYS: 'FK5' }).equinox).toBe(2000);
    expect(read({ RADECSYS: 'fk5 ' }).radesys).toBe('FK5');
    expect(read({ RADESYS: 'ICRS', EQUINOX: 2000 }).equinox).toBe(2000);
  });

  it('reads an alternate WCS by its letter', () => {
    const w = read(
      {
        CTYPE1A: 'RA---TAN',
        CTYPE2A: 'DEC--TAN',
        CRVAL1A: 5,
        CRVAL2A: 6,
        CDELT1A: 1e-3,
        CDELT2A: 1e-3,
      },
      'a',
    );
    expect(w.crval).toEqual([5, 6]);
    expect(w.linear).toEqual({ kind: 'pc', pc: [1, 0, 0, 1], cdelt: [1e-3, 1e-3] });
  });

  it('reads SIP A/B and AP/BP and accepts bigint values', () => {
    const w = read({
      CTYPE1: 'RA---TAN-SIP',
      CTYPE2: 'DEC--TAN-SIP',
      A_ORDER: 2n,
      B_ORDER: 3,
      A_2_0: 1e-6,
      B_0_3: -2e-9,
      B_4_0: 1, // p + q > order: ignored, as astropy does
      AP_ORDER: 2,
      BP_ORDER: 2,
      AP_1_1: 3e-7,
    });
    expect(w.sip?.a.order).toBe(2);
    expect(sipCoefficient(w.sip!.a, 2, 0)).toBe(1e-6);
    expect(sipCoefficient(w.sip!.b, 0, 3)).toBe(-2e-9);
    expect(sipCoefficient(w.sip!.b, 4, 0)).toBe(0);
    expect(sipCoefficient(w.sip!.ap!, 1, 1)).toBe(3e-7);
  });

  it('ignores SIP keywords when CTYPE lacks -SIP, as astropy does', () => {
    expect(read({ A_ORDER: 2, B_ORDER: 2, A_2_0: 1e-5 }).sip).toBeUndefined();
  });

  it('rejects headers it cannot describe with PROMPTLY_E_WCS_INVALID', () => {
    expect(invalid(() => read({ CTYPE1: undefined }))).toBe(true);
    expect(invalid(() => read({ CTYPE1: 'RA---SIN' }))).toBe(true);
    expect(invalid(() => read({ CTYPE1: 'DEC--TAN', CTYPE2: 'RA---TAN' }))).toBe(true);
    expect(invalid(() => read({ CTYPE1: 'RA---TAN-SIP' }))).toBe(true);
    expect(invalid(() => read({ CTYPE1: 'RA---TAN-SIP', CTYPE2: 'DEC--TAN-SIP' }))).toBe(true);
    expect(
      invalid(() =>
        read({
          CTYPE1: 'RA---TAN-SIP',
          CTYPE2: 'DEC--TAN-SIP',
          A_ORDER: 2,
          B_ORDER: 2,
          AP_ORDER: 2,
        }),
      ),
    ).toBe(true);
    expect(
      invalid(() =>
        read({ CTYPE1: 'RA---TAN-SIP', CTYPE2: 'DEC--TAN-SIP', A_ORDER: 2.5, B_ORDER: 2 }),
      ),
    ).toBe(true);
    expect(
      invalid(() =>
        read({ CTYPE1: 'RA---TAN-SIP', CTYPE2: 'DEC--TAN-SIP', A_ORDER: 12, B_ORDER: 2 }),
      ),
    ).toBe(true);
    expect(invalid(() => read({ CUNIT1: 'arcsec' }))).toBe(true);
    expect(invalid(() => read({ CRVAL2: 91 }))).toBe(true);
    expect(invalid(() => read({ CRPIX1: 'ten' }))).toBe(true);
    expect(invalid(() => read({ CRPIX1: Number.NaN }))).toBe(true);
    expect(invalid(() => read({ CD1_1: 0, CD2_2: 0 }))).toBe(true);
    expect(invalid(() => read({}, 'AB'))).toBe(true);
  });
});

describe('toKeywords', () => {
  it('writes keywords that read back to an identical WCS, for every form', () => {
    const rand = seededRandom(3);
    for (const form of ['cd', 'pc'] as const) {
      for (const sipOrder of [undefined, 3]) {
        const header = randomHeader(rand, {
          crval: [12, -34],
          form,
          sipOrder,
          inverse: sipOrder !== undefined,
        });
        const w = readWcs(keywordSourceFrom(header));
        const again = readWcs(
          keywordSourceFrom(Object.fromEntries(toKeywords(w).map(([k, v]) => [k, v]))),
        );
        expect(again).toEqual(w);
      }
    }
  });

  it('writes CTYPE first and SIP last, with -SIP only when there is SIP', () => {
    const w = read({ RADESYS: 'FK5' });
    const keys = toKeywords(w).map(([k]) => k);
    expect(keys.slice(0, 2)).toEqual(['CTYPE1', 'CTYPE2']);
    expect(keys).toContain('EQUINOX');
    expect(toKeywords(w)[0]?.[1]).toBe('RA---TAN');
  });
});
