import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import type { JobRecord } from '../job.js';
import { parseJobSpecs } from '../spec/job-spec.js';
import { jobLaunch } from './job-launch.js';

const specs = parseJobSpecs(`
jobTypes:
  own:
    command: ['{$node}', '{$promptly}', reprocess, --group, '{group}', --config, '{$config}']
    parameters: { group: { type: string } }
    env: [DECLARED]
  plain:
    command: [/bin/echo, '{group}']
    parameters: { group: { type: string } }
`);

const job = (type: string): JobRecord => ({
  jobId: 'j1',
  owner: 'o',
  type,
  phase: 'PENDING',
  parameters: { group: 'g1' },
  resources: { cores: 1, memoryMiB: 64, timeLimitS: 60 },
  dependencies: [],
  gateTimeoutMs: 1000,
  createdMs: 0,
  results: [],
});

const runtime = {
  node: '/usr/bin/node',
  promptly: '/opt/promptly/main.js',
  config: '/w/jobs/deployment.yaml',
  configEnv: ['S3_KEY', 'S3_SECRET', 'UNSET_ONE'],
};
const serverEnv = { DECLARED: 'd', S3_KEY: 'k', S3_SECRET: 's', HOME: '/root', SECRET: 'x' };

describe('job launch', () => {
  it('fills promptly runtime tokens and gives a job that runs against the deployment its credential variables', () => {
    const l = jobLaunch(job('own'), specs.get('own')!, '/w/jobs/j1', serverEnv, runtime);
    expect(l.argv).toEqual([
      '/usr/bin/node',
      '/opt/promptly/main.js',
      'reprocess',
      '--group',
      'g1',
      '--config',
      '/w/jobs/deployment.yaml',
    ]);
    expect(l.env).toEqual({
      DECLARED: 'd',
      S3_KEY: 'k',
      S3_SECRET: 's',
      JOB_ID: 'j1',
      JOB_RESULTS_DIR: '/w/jobs/j1/results',
    });
  });

  it('gives any other job only what its type declares', () => {
    const l = jobLaunch(job('plain'), specs.get('plain')!, '/w/jobs/j1', serverEnv, runtime);
    expect(l.argv).toEqual(['/bin/echo', 'g1']);
    expect(l.env).toEqual({ JOB_ID: 'j1', JOB_RESULTS_DIR: '/w/jobs/j1/results' });
  });

  it('refuses to run a job that needs a runtime value the manager does not have', () => {
    let err: unknown;
    try {
      jobLaunch(job('own'), specs.get('own')!, '/w/jobs/j1', serverEnv, {
        node: 'n',
        promptly: 'p',
      });
    } catch (e) {
      err = e;
    }
    expect(isPromptlyError(err, 'PROMPTLY_E_JOB_ENV_MISSING')).toBe(true);
  });
});
