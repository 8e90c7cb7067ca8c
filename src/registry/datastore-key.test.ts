import { describe, expect, it } from 'vitest';
import { MAX_SEGMENT_BYTES, datastoreKey } from './datastore-key.js';
import type { DatasetType } from './registry.js';

const outcome: DatasetType = {
  name: 'outcome',
  dimensions: ['instrument', 'detector', 'group'],
  storageClass: 'Json',
  isCalibration: false,
};

describe('datastoreKey', () => {
  it('keeps every path segment within what a file system accepts, even for a group of 128 % characters', () => {
    const group = '%'.repeat(128);
    const key = datastoreKey(
      outcome,
      { instrument: 'LATISS', detector: 0, group },
      `LATISS/runs/${group}`,
    );
    for (const segment of key.split('/'))
      expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    expect(key.endsWith('.json')).toBe(true);
  });

  it('gives different long data IDs different keys, and leaves short ones as they were', () => {
    const a = datastoreKey(
      outcome,
      { instrument: 'LATISS', detector: 0, group: '%'.repeat(128) },
      'r',
    );
    const b = datastoreKey(
      outcome,
      { instrument: 'LATISS', detector: 0, group: `${'%'.repeat(127)}&` },
      'r',
    );
    expect(a).not.toBe(b);
    expect(datastoreKey(outcome, { instrument: 'LATISS', detector: 3, group: 'g1' }, 'u/me')).toBe(
      'u/me/outcome/outcome_LATISS_3_g1.json',
    );
  });
});
