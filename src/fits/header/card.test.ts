import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { makeValueCard, type Card } from './card.js';
import { formatCard, formatFloat } from './card-format.js';
import { parseCard, parseCards } from './card-parse.js';

const card = (text: string): string => text.padEnd(80);

function valueOf(c: Card): unknown {
  return c.kind === 'value' ? c.value : c.text;
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(isPromptlyError(err) && err.code).toBe(code);
    return;
  }
  throw new Error('expected an error');
}

describe('parseCard', () => {
  it('reads a string with escaped quotes, keeping leading and dropping trailing blanks', () => {
    const c = parseCard(card("OBJECT  = '  it''s  '  / the  comment  "));
    expect(c).toMatchObject({
      kind: 'value',
      keyword: 'OBJECT',
      value: "  it's",
      type: 'string',
      comment: 'the  comment',
    });
  });

  it('reads an empty string and a string of blanks as the empty string', () => {
    expect(valueOf(parseCard(card("A       = ''")))).toBe('');
    expect(valueOf(parseCard(card("A       = '     '")))).toBe('');
  });

  it('reads logicals, integers, floats with D or lower-case exponents', () => {
    expect(parseCard(card('L       =                    T'))).toMatchObject({
      value: true,
      type: 'logical',
    });
    expect(parseCard(card('I       =                  -17 / c'))).toMatchObject({
      value: -17,
      type: 'integer',
    });
    expect(parseCard(card('P       =                  +42'))).toMatchObject({
      value: 42,
      type: 'integer',
    });
    expect(parseCard(card('D       =              1.5D+03'))).toMatchObject({
      value: 1500,
      type: 'float',
    });
    expect(parseCard(card('E       =               2.5e-2'))).toMatchObject({
      value: 0.025,
      type: 'float',
    });
    expect(parseCard(card('F       =                   1.'))).toMatchObject({
      value: 1,
      type: 'float',
    });
    expect(parseCard(card('G       =                  .5'))).toMatchObject({
      value: 0.5,
      type: 'float',
    });
  });

  it('reads integers beyond 2^53 as bigint and safe ones as numbers', () => {
    expect(valueOf(parseCard(card('B       = 9007199254740993')))).toBe(9007199254740993n);
    expect(valueOf(parseCard(card('B       = -9223372036854775808')))).toBe(-9223372036854775808n);
    expect(valueOf(parseCard(card('B       = 9007199254740991')))).toBe(9007199254740991);
  });

  it('reads complex values and the undefined value', () => {
    expect(valueOf(parseCard(card('C       = (1.5, -2D1)')))).toEqual({ re: 1.5, im: -20 });
    expect(parseCard(card('U       =            / nothing'))).toMatchObject({
      value: null,
      type: 'undefined',
      comment: 'nothing',
    });
    expect(parseCard(card('U       ='))).toMatchObject({
      value: null,
      type: 'undefined',
      comment: '',
    });
  });

  it('reads HIERARCH keywords with their case and inner blanks kept', () => {
    const c = parseCard(card('HIERARCH ESO Det  Chip = 5 / x'));
    expect(c).toMatchObject({ kind: 'value', keyword: 'ESO Det  Chip', value: 5, hierarch: true });
  });

  it('treats COMMENT, HISTORY, blank keywords and value-less keywords as commentary', () => {
    expect(parseCard(card('COMMENT  = not a value'))).toMatchObject({
      kind: 'commentary',
      keyword: 'COMMENT',
      text: ' = not a value',
    });
    expect(parseCard(card('HISTORY did it'))).toMatchObject({ kind: 'commentary', text: 'did it' });
    expect(parseCard(card('        blank text'))).toMatchObject({
      kind: 'commentary',
      keyword: '',
      text: 'blank text',
    });
    expect(parseCard(card('NOVALUE some text'))).toMatchObject({
      kind: 'commentary',
      keyword: 'NOVALUE',
    });
  });

  it('rejects unterminated strings, junk values and junk after a value with FITS_HEADER', () => {
    expectCode(() => parseCard(card("S       = 'open")), 'PROMPTLY_E_FITS_HEADER');
    expectCode(() => parseCard(card('S       = 12abc')), 'PROMPTLY_E_FITS_HEADER');
    expectCode(() => parseCard(card('S       = 12 junk')), 'PROMPTLY_E_FITS_HEADER');
    expectCode(() => parseCard(card('S       = (1, )')), 'PROMPTLY_E_FITS_HEADER');
    expectCode(() => parseCard('SHORT   = 1'), 'PROMPTLY_E_FITS_HEADER');
  });
});

describe('parseCards and CONTINUE', () => {
  it('joins CONTINUE pieces ending in & and their comments', () => {
    const text =
      card("LONG    = 'abc&'  / one") +
      card("CONTINUE  'def&' / two") +
      card("CONTINUE  'ghi'") +
      card('NEXT    = 1');
    const cards = parseCards(text);
    expect(cards).toHaveLength(2);
    expect(cards[0]).toMatchObject({ value: 'abcdefghi', comment: 'one two' });
    expect(cards[0]?.image).toHaveLength(240);
  });

  it('keeps a lone string ending in & and an orphan CONTINUE as they are', () => {
    const cards = parseCards(card("A       = 'x&'") + card('B       = 2') + card("CONTINUE  'y'"));
    expect(cards.map(valueOf)).toEqual(['x&', 2, "  'y'"]);
  });
});

describe('formatCard', () => {
  it('writes fixed-format values right-justified to column 30 and strings padded to 8', () => {
    expect(formatCard(makeValueCard('naxis1', 2048, 'len'))).toBe(
      card('NAXIS1  =                 2048 / len'),
    );
    expect(formatCard(makeValueCard('S', 'ab'))).toBe(card("S       = 'ab      '"));
    expect(formatCard(makeValueCard('L', true))).toBe(card('L       =                    T'));
  });

  it('writes floats so they read back identical, with E exponents', () => {
    for (const v of [
      0.1,
      1 / 3,
      1e-10,
      1.5e20,
      -6.02e23,
      5e-324,
      1.7976931348623157e308,
      12345.678,
      1e16,
    ]) {
      const c = parseCard(formatCard(makeValueCard('X', v)));
      expect(c).toMatchObject({ value: v, type: 'float' });
    }
    expect(formatFloat(1)).toBe('1.0');
    expect(formatFloat(1e-10)).toBe('1E-10');
    expect(formatFloat(1.5e20)).toBe('1.5E+20');
  });

  it('keeps a float type for integral values when asked', () => {
    expect(formatCard(makeValueCard('F', 3, '', { type: 'float' }))).toBe(
      card('F       =                  3.0'),
    );
  });

  it('writes long strings with CONTINUE that read back equal, quotes included', () => {
    const value = "a'b ".repeat(60);
    const c = makeValueCard('LONG', value, 'comment '.repeat(20));
    const text = formatCard(c);
    expect(text.length % 80).toBe(0);
    expect(text.length).toBeGreaterThan(160);
    const back = parseCards(text);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({
      value: value.trimEnd(),
      comment: 'comment '.repeat(20).trim(),
    });
  });

  it('rejects non-printable text, non-finite numbers, values on COMMENT, and oversize HIERARCH', () => {
    expectCode(() => makeValueCard('S', 'tab\there'), 'PROMPTLY_E_FITS_HEADER');
    expectCode(() => makeValueCard('N', Number.NaN), 'PROMPTLY_E_FITS_HEADER');
    expectCode(() => makeValueCard('COMMENT', 1), 'PROMPTLY_E_FITS_HEADER');
    expectCode(() => makeValueCard('END', 1), 'PROMPTLY_E_FITS_HEADER');
    expectCode(
      () => formatCard(makeValueCard('HIERARCH ' + 'K'.repeat(60), 'v'.repeat(30))),
      'PROMPTLY_E_FITS_HEADER',
    );
  });

  it('uses HIERARCH for long or lower-case-with-blank keywords', () => {
    const c = makeValueCard('Camera Temperature', -100);
    expect(c.hierarch).toBe(true);
    expect(formatCard(c).startsWith('HIERARCH Camera Temperature = ')).toBe(true);
  });

  it('truncates a comment that does not fit rather than spilling', () => {
    const text = formatCard(makeValueCard('K', 1, 'x'.repeat(100)));
    expect(text).toHaveLength(80);
  });
});
