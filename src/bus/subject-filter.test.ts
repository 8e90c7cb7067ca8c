import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  filtersOverlap,
  subjectMatches,
  tokenizeFilter,
  tokenizeSubject,
} from './subject-filter.js';

const INVALID = { code: 'PROMPTLY_E_BUS_SUBJECT_INVALID' };

describe('subject validation', () => {
  it.each(['a', 'a.b.c', 'raw.arrived.LSSTCam.94.2024-06-01T12:00:00', 'x-1.y_2.Z:3+4'])(
    'accepts the subject %j',
    (s) => {
      expect(tokenizeSubject(s)).toEqual(s.split('.'));
    },
  );

  it.each([
    '',
    '.',
    'a.',
    '.a',
    'a..b',
    'a.*',
    'a.>',
    '*',
    '>',
    'a.b*',
    'a.>b',
    'a b',
    'a.\tb',
    'a.b\n',
  ])('rejects the subject %j with PROMPTLY_E_BUS_SUBJECT_INVALID', (s) => {
    expect(() => tokenizeSubject(s)).toThrow(expect.objectContaining(INVALID));
  });
});

describe('filter validation', () => {
  it.each(['a', '*', '>', 'a.*', 'a.>', '*.*.>', 'a.*.c', 'ocs.next_visit.>'])(
    'accepts the filter %j',
    (f) => {
      expect(tokenizeFilter(f)).toEqual(f.split('.'));
    },
  );

  it.each(['', 'a..b', '.a', 'a.', '>.a', 'a.>.b', 'a.b*', 'a*.b', 'a.>>', 'a.**', 'a. b'])(
    'rejects the filter %j with PROMPTLY_E_BUS_SUBJECT_INVALID',
    (f) => {
      expect(() => tokenizeFilter(f)).toThrow(expect.objectContaining(INVALID));
    },
  );
});

const MATCH_CASES: [filter: string, subject: string, matches: boolean][] = [
  ['a.b', 'a.b', true],
  ['a.b', 'a.c', false],
  ['a.b', 'a.b.c', false],
  ['a.b.c', 'a.b', false],
  ['a.*', 'a.b', true],
  ['a.*', 'a', false],
  ['a.*', 'a.b.c', false],
  ['*.b', 'a.b', true],
  ['*', 'a', true],
  ['*', 'a.b', false],
  ['a.>', 'a', false],
  ['a.>', 'a.b', true],
  ['a.>', 'a.b.c.d', true],
  ['a.>', 'b.c', false],
  ['>', 'a', true],
  ['>', 'a.b.c', true],
  ['*.>', 'a', false],
  ['*.>', 'a.b', true],
  ['a.*.>', 'a.b', false],
  ['a.*.>', 'a.b.c', true],
  ['raw.arrived.LSSTCam.94.*', 'raw.arrived.LSSTCam.94.g1', true],
  ['raw.arrived.LSSTCam.94.*', 'raw.arrived.LSSTCam.95.g1', false],
];

describe('subject matching', () => {
  it.each(MATCH_CASES)(
    'matches filter %j against subject %j as %s',
    (filter, subject, expected) => {
      expect(subjectMatches(filter, subject)).toBe(expected);
      expect(compileFilter(filter)(subject)).toBe(expected);
    },
  );
});

const OVERLAP_CASES: [a: string, b: string, overlap: boolean][] = [
  ['a.b', 'a.b', true],
  ['a.b', 'a.c', false],
  ['a.*', 'a.b', true],
  ['a.*', 'b.*', false],
  ['a.>', 'a.b.c', true],
  ['a.>', 'a', false],
  ['a.>', 'a.*', true],
  ['*.b', 'a.*', true],
  ['*.b', 'a.c', false],
  ['>', 'x.y', true],
  ['a.*.c', 'a.b.>', true],
  ['a.*', 'a.*.*', false],
  ['work.visit.*', 'work.dead.*', false],
];

describe('filter overlap', () => {
  it.each(OVERLAP_CASES)('finds that %j and %j overlap: %s (in either order)', (a, b, expected) => {
    expect(filtersOverlap(a, b)).toBe(expected);
    expect(filtersOverlap(b, a)).toBe(expected);
  });

  it('agrees with brute force over every small subject of a tiny alphabet', () => {
    const tokens = ['a', 'b'];
    const subjects: string[] = [];
    const grow = (prefix: string[], depth: number): void => {
      if (prefix.length > 0) subjects.push(prefix.join('.'));
      if (depth === 0) return;
      for (const t of tokens) grow([...prefix, t], depth - 1);
    };
    grow([], 4);
    const filters: string[] = [];
    const growF = (prefix: string[], depth: number): void => {
      if (prefix.length > 0) filters.push(prefix.join('.'));
      if (prefix.length > 0) filters.push([...prefix, '>'].join('.'));
      if (depth === 0) return;
      for (const t of [...tokens, '*']) growF([...prefix, t], depth - 1);
    };
    growF([], 3);
    filters.push('>');
    for (const a of filters) {
      for (const b of filters) {
        const brute = subjects.some((s) => subjectMatches(a, s) && subjectMatches(b, s));
        expect(filtersOverlap(a, b), `${a} vs ${b}`).toBe(brute);
      }
    }
  });
});
