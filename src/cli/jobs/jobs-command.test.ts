import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { packageRoot } from '../../core/package-root.js';
import { PhaseWatch } from '../../jobs/testing/job-harness.js';
import { parseParams } from './jobs-command.js';
import { startJobService } from './job-service.js';

const run = promisify(execFile);
const bin = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const skip = existsSync(bin)
  ? undefined
  : 'promptly jobs CLI test skipped: dist/ missing (run `npm run build`)';
if (skip) console.log(skip);

describe('promptly jobs', () => {
  it('reads name=value parameters as JSON scalars or text', () => {
    expect(parseParams(['a=1', 'b=true', 'c=hello', 'd="7"', 'e=x=y'])).toEqual({
      a: 1,
      b: true,
      c: 'hello',
      d: '7',
      e: 'x=y',
    });
    expect(() => parseParams(['novalue'])).toThrow(/name=value/);
  });

  it.skipIf(skip !== undefined)(
    'submits, lists, shows and prints the logs of a job through the API with the admin token the server wrote',
    async () => {
      const workDir = mkdtempSync(path.join(os.tmpdir(), 'promptly-jobs-cli-'));
      const config = loadConfig({
        overrides: { workDir, archive: { enabled: false }, jobs: { port: 0 } },
      });
      const watch = new PhaseWatch();
      const service = await startJobService(config, { env: {}, onChange: watch.onChange });
      try {
        const cli = async (...args: string[]): Promise<string> =>
          (
            await run(process.execPath, [
              bin,
              'jobs',
              ...args,
              '--url',
              service.url,
              '--work-dir',
              workDir,
            ])
          ).stdout;
        const jobId = (await cli('submit', 'echo', 'message=from the CLI')).trim();
        expect(jobId).toMatch(/^j[0-9a-z]+$/);
        expect((await watch.until(jobId, 'ended')).phase).toBe('COMPLETED');
        expect(await cli('logs', jobId)).toBe('from the CLI\n');
        expect(await cli('list')).toContain(`${jobId}  COMPLETED  echo  admin`);
        expect(JSON.parse(await cli('get', jobId))).toMatchObject({
          jobId,
          phase: 'COMPLETED',
          exitCode: 0,
        });
        const bad = await run(process.execPath, [
          bin,
          'jobs',
          'submit',
          'echo',
          'nope=1',
          '--url',
          service.url,
          '--work-dir',
          workDir,
        ]).catch((err: { code: number; stderr: string }) => err);
        expect(bad).toMatchObject({ code: 1 });
        expect((bad as { stderr: string }).stderr).toContain('PROMPTLY_E_JOB_INVALID');
        expect((bad as { stderr: string }).stderr).toContain('parameters.nope');
      } finally {
        await service.close();
        rmSync(workDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
