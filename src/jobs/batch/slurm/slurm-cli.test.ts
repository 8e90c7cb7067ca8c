import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlurmTool } from './slurm-cli.js';

/** Stand-ins for a Slurm tool: shell scripts that print and exit as told. */
describe('runSlurmTool', () => {
  let dir: string;
  const tool = async (name: string, body: string): Promise<string> => {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'promptly-slurm-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('passes arguments without a shell and resolves with output and exit code', async () => {
    const echo = await tool('echo-args', 'printf "%s|" "$@"; echo oops >&2; exit 3');
    await expect(runSlurmTool(echo, ['a b', '$X', '*'], { timeoutMs: 10_000 })).resolves.toEqual({
      stdout: 'a b|$X|*|',
      stderr: 'oops\n',
      exitCode: 3,
    });
  });

  it('reports a missing tool as PROMPTLY_E_BATCH_UNAVAILABLE naming the package', async () => {
    const err: unknown = await runSlurmTool(path.join(dir, 'absent'), [], {
      timeoutMs: 10_000,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PROMPTLY_E_BATCH_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/slurm-client/);
  });

  it('reports an unreachable controller as PROMPTLY_E_BATCH_UNAVAILABLE', async () => {
    const down = await tool(
      'down',
      'echo "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)" >&2; exit 1',
    );
    await expect(runSlurmTool(down, [], { timeoutMs: 10_000 })).rejects.toMatchObject({
      code: 'PROMPTLY_E_BATCH_UNAVAILABLE',
    });
  });

  it('kills a tool that does not answer in time (UNAVAILABLE) or whose signal fires (ABORTED)', async () => {
    const hang = await tool('hang', 'exec sleep 600');
    await expect(runSlurmTool(hang, [], { timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'PROMPTLY_E_BATCH_UNAVAILABLE',
    });
    const controller = new AbortController();
    const running = runSlurmTool(hang, [], { timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'PROMPTLY_E_ABORTED' });
  });
});
