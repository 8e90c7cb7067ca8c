import { describe, expect, it } from 'vitest';
import { subjectToken, subjects } from './subjects.js';

describe('subjects', () => {
  it('encodes group ids into one safe token, reversibly distinct', () => {
    const a = subjectToken('2026-11-21T03:04:05.678');
    expect(a).not.toMatch(/[.*> ]/);
    expect(a).not.toBe(subjectToken('2026-11-21T03:04:05_678'));
    expect(subjects.rawArrived('LSSTCam', 94, '2026-11-21T03:04:05.678').split('.')).toHaveLength(
      5,
    );
  });
});
