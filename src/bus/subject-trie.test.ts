import { describe, expect, it } from 'vitest';
import { subjectMatches } from './subject-filter.js';
import { SubjectTrie } from './subject-trie.js';
import { seededRandom } from '../core/seeded-random.js';

describe('SubjectTrie', () => {
  it('returns the values of exact, `*` and `>` filters that match a subject', () => {
    const trie = new SubjectTrie<string>();
    trie.insert('a.b.c', 'exact');
    trie.insert('a.*.c', 'star');
    trie.insert('a.>', 'tail');
    trie.insert('>', 'all');
    trie.insert('a.b', 'short');
    expect(trie.match('a.b.c'.split('.')).sort()).toEqual(['all', 'exact', 'star', 'tail']);
    expect(trie.match('a.b'.split('.')).sort()).toEqual(['all', 'short', 'tail']);
    expect(trie.match(['a']).sort()).toEqual(['all']);
    expect(trie.match(['z', 'q'])).toEqual(['all']);
  });

  it('reports a value stored under two matching filters once from match()', () => {
    const trie = new SubjectTrie<number>();
    trie.insert('a.*', 1);
    trie.insert('a.>', 1);
    expect(trie.match(['a', 'b'])).toEqual([1]);
    let visits = 0;
    trie.visit(['a', 'b'], () => visits++);
    expect(visits).toBe(2);
  });

  it('removes entries, prunes emptied branches, and ignores removal of absent entries', () => {
    const trie = new SubjectTrie<string>();
    trie.insert('a.b.c', 'x');
    trie.insert('a.*.>', 'y');
    trie.insert('a.b.c', 'x'); // duplicate: stored once
    expect(trie.size).toBe(2);
    expect(trie.remove('a.b.c', 'nope')).toBe(false);
    expect(trie.remove('a.b.c', 'x')).toBe(true);
    expect(trie.remove('a.b.c', 'x')).toBe(false);
    expect(trie.match(['a', 'b', 'c'])).toEqual(['y']);
    expect(trie.remove('a.*.>', 'y')).toBe(true);
    expect(trie.size).toBe(0);
    expect(trie.empty).toBe(true);
    expect(trie.match(['a', 'b', 'c'])).toEqual([]);
  });

  it('rejects invalid filters with PROMPTLY_E_BUS_SUBJECT_INVALID', () => {
    const trie = new SubjectTrie<number>();
    expect(() => trie.insert('a.>.b', 1)).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_BUS_SUBJECT_INVALID' }),
    );
  });

  it('agrees with subjectMatches on random filters and subjects, through inserts and removals', () => {
    const rnd = seededRandom(20261121);
    const alphabet = ['a', 'b', 'c'];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const randomFilter = (): string => {
      const n = 1 + Math.floor(rnd() * 4);
      const t: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = rnd();
        if (i === n - 1 && r < 0.15) t.push('>');
        else t.push(r < 0.35 ? '*' : pick(alphabet));
      }
      return t.join('.');
    };
    const randomSubject = (): string[] =>
      Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pick(alphabet));
    const trie = new SubjectTrie<number>();
    const stored = new Map<number, string>();
    for (let i = 0; i < 300; i++) {
      const f = randomFilter();
      trie.insert(f, i);
      stored.set(i, f);
    }
    for (let i = 0; i < 300; i += 3) {
      trie.remove(stored.get(i)!, i);
      stored.delete(i);
    }
    for (let k = 0; k < 500; k++) {
      const s = randomSubject();
      const expected = [...stored]
        .filter(([, f]) => subjectMatches(f, s.join('.')))
        .map(([v]) => v);
      expect(
        trie.match(s).sort((x, y) => x - y),
        s.join('.'),
      ).toEqual(expected);
    }
  });
});
