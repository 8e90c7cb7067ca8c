import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { formatSection, parseSection } from './section.js';

describe('parseSection', () => {
  it('turns a 1-based inclusive FITS section into a 0-based box', () => {
    expect(parseSection('[4:512,1:2000]')).toEqual({
      box: { x0: 3, y0: 0, width: 509, height: 2000 },
      flipX: false,
      flipY: false,
    });
  });

  it('marks reversed ranges as flips, as LSST DETSECs use them', () => {
    expect(parseSection('[509:1,1:2000]')).toEqual({
      box: { x0: 0, y0: 0, width: 509, height: 2000 },
      flipX: true,
      flipY: false,
    });
    expect(parseSection('[1018:510,4000:2001]')).toEqual({
      box: { x0: 509, y0: 2000, width: 509, height: 2000 },
      flipX: true,
      flipY: true,
    });
  });

  it('accepts blanks around the numbers', () => {
    expect(parseSection(' [ 1 : 2 , 3 : 4 ] ').box).toEqual({ x0: 0, y0: 2, width: 2, height: 2 });
  });

  it.each(['', '[1:2]', '1:2,3:4', '[0:5,1:2]', '[a:2,1:2]', '[1:2,1:2', '[-1:2,1:2]'])(
    'rejects %j with PROMPTLY_E_SECTION_INVALID',
    (text) => {
      let err: unknown;
      try {
        parseSection(text);
      } catch (e) {
        err = e;
      }
      expect(isPromptlyError(err, 'PROMPTLY_E_SECTION_INVALID')).toBe(true);
    },
  );

  it('formats back to the same string it parsed, flips included', () => {
    for (const s of ['[4:512,1:2000]', '[509:1,1:2000]', '[1018:510,4000:2001]', '[1:1,7:3]']) {
      expect(formatSection(parseSection(s))).toBe(s);
    }
  });
});
