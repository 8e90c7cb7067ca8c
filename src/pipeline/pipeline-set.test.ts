import { describe, expect, it } from 'vitest';
import { CoordSys, Dome, RotSys, type NextVisit } from '../core/next-visit.js';
import { defaultPipelinesFile } from './default-pipelines.js';
import { loadPipelineSet, parsePipelineSet } from './pipeline-set.js';
import { candidatePipelines, chooseRunnable } from './selection.js';
import { builtinTaskRegistry } from './tasks/builtin-tasks.js';

const tasks = builtinTaskRegistry();

const visit = (o: Partial<NextVisit> = {}): NextVisit => ({
  salIndex: 1,
  scriptSalIndex: 1,
  groupId: 'g',
  coordinateSystem: CoordSys.ICRS,
  position: [10, -20],
  startTime: 0,
  rotationSystem: RotSys.SKY,
  cameraAngle: 0,
  filters: 'r_03',
  dome: Dome.OPEN,
  duration: 30,
  nimages: 2,
  instrument: 'LSSTComCam',
  survey: 'WIDE',
  totalCheckpoints: 0,
  private_sndStamp: 0,
  ...o,
});

const RULES = `
pipelines:
  Full:
    tasks:
      - task: isr
      - task: detect
  NoFlat:
    tasks:
      - task: isr
        config: { doFlat: false }
      - task: detect
  Quick:
    tasks:
      - task: noop
selection:
  - when: { survey: [CALIB] }
    pipelines: []
  - when: { band: [u] }
    pipelines: [Quick]
  - when: { region: { ra: [350, 20], dec: [-30, -10] } }
    pipelines: [Full, NoFlat]
  - when: { instrument: [LSSTCam] }
    pipelines: [Quick]
`;

describe('pipeline selection', () => {
  const set = parsePipelineSet(RULES, 'rules.yaml', tasks);

  it('takes the first rule that matches, and an empty list means skip', () => {
    expect(candidatePipelines(set, visit({ survey: 'CALIB', filters: 'u_01' }))).toEqual([]);
    expect(candidatePipelines(set, visit({ filters: 'u_01' })).map((p) => p.name)).toEqual([
      'Quick',
    ]);
  });

  it('matches an RA box that wraps through 0', () => {
    expect(candidatePipelines(set, visit({ position: [355, -20] })).map((p) => p.name)).toEqual([
      'Full',
      'NoFlat',
    ]);
    expect(candidatePipelines(set, visit({ position: [30, -20] }))).toEqual([]);
  });

  it('falls back to the next pipeline whose inputs are present', () => {
    const candidates = candidatePipelines(set, visit());
    expect(candidates.map((p) => p.requires)).toEqual([
      ['bias', 'dark', 'flat'],
      ['bias', 'dark'],
    ]);
    expect(chooseRunnable(candidates, new Set(['bias', 'dark', 'flat']))?.name).toBe('Full');
    expect(chooseRunnable(candidates, new Set(['bias', 'dark']))?.name).toBe('NoFlat');
    expect(chooseRunnable(candidates, new Set(['bias', 'flat']))).toBeUndefined();
    expect(chooseRunnable(candidates, new Set())).toBeUndefined();
  });

  it('loads the shipped pipelines file', () => {
    const shipped = loadPipelineSet(defaultPipelinesFile(), tasks);
    expect([...shipped.pipelines.keys()]).toContain('ApPipe-lite');
    expect(candidatePipelines(shipped, visit({ survey: 'BENCH' })).map((p) => p.name)).toEqual([
      'Noop',
    ]);
  });
});

describe('invalid pipeline configuration', () => {
  const expectRejected = (yaml: string, ...fragments: string[]): void => {
    try {
      parsePipelineSet(yaml, 'bad.yaml', tasks);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'PROMPTLY_E_PIPELINE_CONFIG' });
      for (const f of fragments) expect((err as Error).message).toContain(f);
    }
  };

  it('names the line of an unknown task kind', () => {
    expectRejected(
      'pipelines:\n  A:\n    tasks:\n      - task: isr\n      - task: warp\nselection:\n  - pipelines: [A]\n',
      'warp',
      'bad.yaml:5',
    );
  });

  it('names the line of a bad task config key', () => {
    expectRejected(
      'pipelines:\n  A:\n    tasks:\n      - task: isr\n        config:\n          doFlatt: true\nselection:\n  - pipelines: [A]\n',
      'doFlatt',
      'bad.yaml:6',
    );
  });

  it('names the line of a rule naming a missing pipeline', () => {
    expectRejected(
      'pipelines:\n  A:\n    tasks:\n      - task: noop\nselection:\n  - pipelines: [A, B]\n',
      '"B"',
      'bad.yaml:6',
    );
  });

  it('reports YAML syntax errors with their line', () => {
    expectRejected('pipelines:\n  A: [\n', 'bad.yaml:');
  });
});
