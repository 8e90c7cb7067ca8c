import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { batchScript, sbatchArgs, shellQuote, slurmTimeLimit } from './sbatch-script.js';

const run = promisify(execFile);

const launch = {
  jobId: 'job-1',
  argv: ['/bin/sh', '-c', 'for a in "$@"; do printf "<%s>\\n" "$a"; done', 'sh'],
  env: { PATH: '/usr/bin:/bin', TRICKY: `it's $HOME "and" \`cmd\` \\ * \n newline` },
  workDir: '/tmp/w',
  cores: 2,
  memoryMiB: 512,
  timeLimitS: 61,
};

describe('sbatch script', () => {
  it('quotes any word so that /bin/sh reads it back unchanged', async () => {
    const words = ["it's", '$(id)', '`id`', '"', '\\', '*', ' ', '\n', '', "''", 'ünï'];
    const { stdout } = await run('/bin/sh', [
      '-c',
      `for a in ${words.map(shellQuote).join(' ')}; do printf '<%s>' "$a"; done`,
    ]);
    expect(stdout).toBe(words.map((w) => `<${w}>`).join(''));
  });

  it('runs the job under /bin/sh with exactly its environment and arguments', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'promptly-sbatch-script-'));
    try {
      const args = ['two words', '$HOME', "it's", 'new\nline', ''];
      const script = path.join(dir, 'job.sh');
      const withEnvDump = { ...launch, argv: [...launch.argv, ...args] };
      await writeFile(script, batchScript(withEnvDump));
      const { stdout } = await run('/bin/sh', [script], { env: { LEAK: 'no', PATH: '/bin' } });
      expect(stdout).toBe(args.map((a) => `<${a}>\n`).join(''));
      await writeFile(script, batchScript({ ...launch, argv: ['/usr/bin/env'] }));
      const env = await run('/bin/sh', [script], { env: { LEAK: 'no', PATH: '/bin' } });
      expect(env.stdout).toBe(`PATH=/usr/bin:/bin\nTRICKY=${launch.env.TRICKY}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rounds the time limit up to whole minutes', () => {
    expect(slurmTimeLimit(1)).toBe('1');
    expect(slurmTimeLimit(60)).toBe('1');
    expect(slurmTimeLimit(61)).toBe('2');
    expect(slurmTimeLimit(604_800)).toBe('10080');
  });

  it('asks sbatch for the job name, work dir, logs, cores, memory, time and no exported environment', () => {
    const args = sbatchArgs(launch, '/tmp/w/.promptly-slurm.sh', 'main');
    expect(args).toEqual([
      '--parsable',
      '--job-name',
      'promptly-job-1',
      '--chdir',
      '/tmp/w',
      '--output',
      'stdout.log',
      '--error',
      'stderr.log',
      '--open-mode=append',
      '--nodes=1',
      '--ntasks=1',
      '--cpus-per-task',
      '2',
      '--mem',
      '512M',
      '--time',
      '2',
      '--no-requeue',
      '--export=NONE',
      '--partition',
      'main',
      '/tmp/w/.promptly-slurm.sh',
    ]);
  });
});
