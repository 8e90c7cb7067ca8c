import { describe, expect, it } from 'vitest';
import {
  batchStateOf,
  parseSacct,
  parseScontrolJob,
  parseSqueue,
  slurmEvent,
} from './slurm-state.js';

// Output captured from slurm-wlm 22.05 (Debian bookworm) on a single-node cluster.
const SCONTROL_FAILED =
  'JobId=5 JobName=promptly-j5 UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901755 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=0 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:04 TimeLimit=00:01:00\n';
const SCONTROL_KILLED =
  'JobId=6 JobName=promptly-j6 UserId=root(0) JobState=FAILED Reason=JobLaunchFailure Dependency=(null) ExitCode=0:9 RunTime=00:00:00\n';

describe('Slurm state', () => {
  it('maps every Slurm job state the backend can meet', () => {
    expect(batchStateOf('PENDING')).toBe('queued');
    expect(batchStateOf('RUNNING')).toBe('running');
    expect(batchStateOf('COMPLETING')).toBe('running');
    expect(batchStateOf('COMPLETED')).toBe('completed');
    expect(batchStateOf('FAILED')).toBe('failed');
    expect(batchStateOf('NODE_FAIL')).toBe('failed');
    expect(batchStateOf('OUT_OF_MEMORY')).toBe('failed');
    expect(batchStateOf('CANCELLED')).toBe('cancelled');
    expect(batchStateOf('CANCELLED by 0')).toBe('cancelled');
    expect(batchStateOf('TIMEOUT')).toBe('timeout');
    expect(batchStateOf('SOMETHING_NEW')).toBeUndefined();
  });

  it('reads squeue rows by job id, names with "|" included', () => {
    const rows = parseSqueue('4|CANCELLED|promptly-a|None\n7|RUNNING|odd|name|None\n\n');
    expect(rows.get('4')).toEqual({
      id: '4',
      state: 'CANCELLED',
      name: 'promptly-a',
      reason: 'None',
    });
    expect(rows.get('7')?.name).toBe('odd|name');
    expect(rows.size).toBe(2);
  });

  it('reads exit status and signal from scontrol show job -o', () => {
    expect(parseScontrolJob(SCONTROL_FAILED)).toMatchObject({
      id: '5',
      name: 'promptly-j5',
      state: 'FAILED',
      exitCode: 3,
      signal: 0,
    });
    expect(parseScontrolJob('slurm_load_jobs error: Invalid job id specified\n')).toBeUndefined();
  });

  it('reads the job line, not its steps, from sacct', () => {
    const out = '5|promptly-j5|FAILED|3:0\n5.batch|batch|FAILED|3:0\n';
    expect(parseSacct(out, '5')).toEqual({
      id: '5',
      name: 'promptly-j5',
      state: 'FAILED',
      exitCode: 3,
      signal: 0,
    });
    expect(parseSacct('9|x|CANCELLED by 0|0:15\n', '9')?.state).toBe('CANCELLED by 0');
    expect(parseSacct(out, '6')).toBeUndefined();
  });

  it('turns an exit status into failed with its code, and a signal into failed without one', () => {
    const failed = slurmEvent('j5', parseScontrolJob(SCONTROL_FAILED)!, 1);
    expect(failed).toEqual({
      jobId: 'j5',
      batchId: '5',
      state: 'failed',
      exitCode: 3,
      reason: 'exit status 3',
      atMs: 1,
    });
    const killed = slurmEvent('j6', parseScontrolJob(SCONTROL_KILLED)!, 1);
    expect(killed).toMatchObject({ state: 'failed', reason: 'killed by signal 9' });
    expect(killed?.exitCode).toBeUndefined();
    expect(slurmEvent('j', { id: '1', state: 'OUT_OF_MEMORY', name: '' }, 1)?.reason).toBe(
      'OUT_OF_MEMORY',
    );
  });
});
