import { describe, expect, it } from 'vitest';
import {
  NEXT_VISIT_LIMITS,
  SAL_ENVELOPE_FIELDS,
  bandOf,
  parseFannedOutVisit,
  parseNextVisit,
} from './next-visit.js';

const envelope = {
  private_efdStamp: 1794999943.1,
  private_kafkaStamp: 1794999980.108,
  private_revCode: 'c9aab3df',
  private_rcvStamp: 1794999980.1001,
  private_seqNum: 22,
  private_identity: 'ScriptQueue:1',
  private_origin: 2786567,
};

/** The details of the PromptlyError `fn` throws, as path → message. */
function detailsOf(fn: () => unknown): Map<string, string> {
  try {
    fn();
  } catch (err) {
    const details = (err as { details: { path: string; message: string }[] }).details;
    return new Map(details.map((d) => [d.path, d.message]));
  }
  throw new Error('expected a throw');
}

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
      expect(paths).toEqual(expect.arrayContaining(['nimages', 'position.0', 'dome', 'bogus']));
    }
  });

  it('accepts and keeps the full SAL envelope', () => {
    const visit = parseNextVisit({ ...valid, ...envelope });
    expect(visit).toEqual({ ...valid, ...envelope });
    expect(Object.keys(envelope).sort()).toEqual([...SAL_ENVELOPE_FIELDS].sort());
  });

  it('takes 0 in an envelope stamp as "not set", as the Avro defaults of SAL write it', () => {
    const visit = parseNextVisit({
      ...valid,
      private_efdStamp: 0,
      private_kafkaStamp: 0,
      private_rcvStamp: 0,
    });
    expect(visit.private_kafkaStamp).toBe(0);
  });

  it('refuses envelope fields of the wrong type or out of bounds, naming each', () => {
    const details = detailsOf(() =>
      parseNextVisit({
        ...valid,
        private_efdStamp: 'yesterday',
        private_kafkaStamp: 1.7e12, // ms, not s
        private_rcvStamp: -5,
        private_seqNum: 1.5,
        private_identity: 'x'.repeat(NEXT_VISIT_LIMITS.identityMaxChars + 1),
        private_revCode: 7,
        private_origin: -1,
      }),
    );
    expect([...details.keys()].sort()).toEqual([...SAL_ENVELOPE_FIELDS].sort());
  });

  it('still refuses a field that is neither nextVisit nor envelope, naming it', () => {
    const details = detailsOf(() => parseNextVisit({ ...valid, ...envelope, private_bogus: 1 }));
    expect([...details.keys()]).toEqual(['private_bogus']);
    expect(details.get('private_bogus')).toContain('unknown field "private_bogus"');
  });

  it('refuses a group id of 128 "%" characters, naming groupId', () => {
    const details = detailsOf(() => parseNextVisit({ ...valid, groupId: '%'.repeat(128) }));
    expect([...details.keys()]).toEqual(['groupId']);
    expect(details.get('groupId')).toMatch(/letters, digits/);
  });

  it('accepts the group id forms Rubin uses, up to 128 characters', () => {
    for (const groupId of ['2024-06-12T03:04:05.678', '20240612-000123', 'g'.repeat(128)]) {
      expect(parseNextVisit({ ...valid, groupId }).groupId).toBe(groupId);
    }
    expect(
      detailsOf(() => parseNextVisit({ ...valid, groupId: 'g'.repeat(129) })).has('groupId'),
    ).toBe(true);
    expect(detailsOf(() => parseNextVisit({ ...valid, groupId: 'a/b' })).has('groupId')).toBe(true);
  });

  it('bounds duration, nimages, instrument, survey and filters', () => {
    const details = detailsOf(() =>
      parseNextVisit({
        ...valid,
        duration: NEXT_VISIT_LIMITS.durationMaxS + 1,
        nimages: NEXT_VISIT_LIMITS.nimagesMax + 1,
        instrument: 'I'.repeat(NEXT_VISIT_LIMITS.instrumentMaxChars + 1),
        survey: 's'.repeat(NEXT_VISIT_LIMITS.surveyMaxChars + 1),
        filters: 'f'.repeat(NEXT_VISIT_LIMITS.filtersMaxChars + 1),
      }),
    );
    expect([...details.keys()].sort()).toEqual(
      ['duration', 'filters', 'instrument', 'nimages', 'survey'].sort(),
    );
  });

  it('holds an ICRS position to ra in [0, 360) and dec in [-90, 90]', () => {
    expect(
      detailsOf(() => parseNextVisit({ ...valid, position: [360, 0] })).has('position.0'),
    ).toBe(true);
    expect(
      detailsOf(() => parseNextVisit({ ...valid, position: [-0.5, 0] })).has('position.0'),
    ).toBe(true);
    expect(
      detailsOf(() => parseNextVisit({ ...valid, position: [10, 90.5] })).has('position.1'),
    ).toBe(true);
    expect(parseNextVisit({ ...valid, position: [0, -90] }).position).toEqual([0, -90]);
  });

  it('lets a mount azimuth wrap below 0 when the position is not ICRS', () => {
    const visit = parseNextVisit({ ...valid, coordinateSystem: 4, position: [-200, 45] });
    expect(visit.position).toEqual([-200, 45]);
  });

  it('holds startTime and private_sndStamp to years 2000..2100 in seconds', () => {
    for (const bad of [0, 1.795e12, 4_102_444_800, Number.NaN]) {
      const details = detailsOf(() =>
        parseNextVisit({ ...valid, startTime: bad, private_sndStamp: bad }),
      );
      expect([...details.keys()].sort()).toEqual(['private_sndStamp', 'startTime']);
    }
  });

  it('calls a non-object malformed', () => {
    for (const bad of [null, 3, 'x', [valid]]) {
      expect(() => parseNextVisit(bad)).toThrow(
        expect.objectContaining({ code: 'PROMPTLY_E_NEXT_VISIT_MALFORMED' }),
      );
    }
  });

  it('requires a detector in a fanned-out visit, and keeps its envelope', () => {
    expect(parseFannedOutVisit({ ...valid, detector: 4 }).detector).toBe(4);
    expect(parseFannedOutVisit({ ...valid, ...envelope, detector: 4 })).toMatchObject(envelope);
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
