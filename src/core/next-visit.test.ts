import { describe, expect, it } from 'vitest';
import { bandOf, parseFannedOutVisit, parseNextVisit } from './next-visit.js';

const valid = {
  salIndex: 1,
  scriptSalIndex: 42,
  groupId: '2026-11-21T03:04:05.678',
  coordinateSystem: 2,
  position: [150.1, -30.2],
  startTime: 1795000000.5,
  rotationSystem: 2,
  cameraAngle: 12.5,
  filters: 'r_03',
  dome: 2,
  duration: 34,
  nimages: 2,
  instrument: 'LSSTComCam',
  survey: 'BLOCK-T1',
  totalCheckpoints: 0,
  private_sndStamp: 1794999980.1,
};

describe('next_visit parsing', () => {
  it('accepts every field of Rubin nextVisit', () => {
    expect(parseNextVisit(valid)).toEqual(valid);
  });

  it('reports each bad field with its path', () => {
    try {
      parseNextVisit({ ...valid, nimages: 1.5, position: [Infinity, 0], dome: 9, bogus: 1 });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'PROMPTLY_E_NEXT_VISIT_INVALID' });
      const paths = (err as { details: { path: string }[] }).details.map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['nimages', 'position.0', 'dome', '(root)']));
    }
  });

  it('calls a non-object malformed', () => {
    for (const bad of [null, 3, 'x', [valid]]) {
      expect(() => parseNextVisit(bad)).toThrow(
        expect.objectContaining({ code: 'PROMPTLY_E_NEXT_VISIT_MALFORMED' }),
      );
    }
  });

  it('requires a detector in a fanned-out visit', () => {
    expect(parseFannedOutVisit({ ...valid, detector: 4 }).detector).toBe(4);
    expect(() => parseFannedOutVisit(valid)).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_WORK_ITEM_INVALID' }),
    );
  });

  it('finds the band of ComCam, LSSTCam and LATISS filter names', () => {
    expect(bandOf('r_03')).toBe('r');
    expect(bandOf('i_39')).toBe('i');
    expect(bandOf('SDSSg_65mm~empty')).toBe('g');
    expect(bandOf('empty~holo4_003')).toBe('empty');
  });
});
