import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoordSys, Dome, RotSys } from '../../core/next-visit.js';
import type { TaskContext } from '../task.js';
import { externalTask } from './external-task.js';
import { HandOffs } from '../hand-off.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-external-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function context(signal = new AbortController().signal) {
  const logs: string[] = [];
  const outputs = new Map<string, Uint8Array>();
  const workDir = mkdtempSync(path.join(dir, 'work-'));
  const ctx: TaskContext = {
    visit: {
      salIndex: 1,
      scriptSalIndex: 1,
      groupId: 'G1',
      coordinateSystem: CoordSys.ICRS,
      position: [1, 2],
      startTime: 0,
      rotationSystem: RotSys.SKY,
      cameraAngle: 0,
      filters: 'r_03',
      dome: Dome.OPEN,
      duration: 1,
      nimages: 1,
      instrument: 'LATISS',
      survey: 'S',
      totalCheckpoints: 0,
      private_sndStamp: 0,
      detector: 0,
    },
    dataId: { instrument: 'LATISS', detector: 0, group: 'G1' },
    snaps: [{ snap: 0, read: () => Promise.resolve(new TextEncoder().encode('RAW0')) }],
    readInput: () => Promise.resolve(undefined),
    writeOutput: (t, b) => {
      outputs.set(t, b);
      return Promise.resolve();
    },
    handOffs: new HandOffs(),
    workDir: () => Promise.resolve(workDir),
    signal,
    log: (l) => logs.push(l),
  };
  return { ctx, logs, outputs };
}

const parse = (c: unknown) => externalTask.configSchema.parse(c);

describe('external-command task', () => {
  it('passes only declared environment variables and captures the log', async () => {
    process.env.PROMPTLY_TEST_SECRET = 'leak';
    process.env.PROMPTLY_TEST_ALLOWED = 'yes';
    const cmd = script(
      'env.sh',
      'echo "allowed=$PROMPTLY_TEST_ALLOWED secret=$PROMPTLY_TEST_SECRET det=$PROMPTLY_DETECTOR"; cat "$PROMPTLY_RAWS"; echo oops >&2',
    );
    const { ctx, logs } = context();
    await externalTask.run(ctx, parse({ command: cmd, env: ['PROMPTLY_TEST_ALLOWED'] }));
    expect(logs).toContain('[stdout] allowed=yes secret= det=0');
    expect(logs).toContain('[stdout] RAW0');
    expect(logs).toContain('[stderr] oops');
  });

  it('ingests the files it declares as outputs', async () => {
    const cmd = script('out.sh', 'echo "catalog for {group}" > "$PROMPTLY_WORK_DIR/out.txt"');
    const { ctx, outputs } = context();
    await externalTask.run(
      ctx,
      parse({ command: cmd, outputs: [{ datasetType: 'src', file: 'out.txt' }] }),
    );
    expect(new TextDecoder().decode(outputs.get('src'))).toContain('catalog for');
  });

  it('kills a command that runs past its timeout', async () => {
    const cmd = script('slow.sh', 'echo $$ > "$0.pid"\nsleep 600');
    const { ctx } = context();
    await expect(
      externalTask.run(ctx, parse({ command: cmd, timeoutMs: 200 })),
    ).rejects.toMatchObject({
      code: 'PROMPTLY_E_EXTERNAL_TIMEOUT',
    });
    // the task settles once the command has exited: its process is gone, not left running
    const pid = Number(readFileSync(`${cmd}.pid`, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('reports a non-zero exit, and a command that does not exist', async () => {
    const { ctx } = context();
    await expect(
      externalTask.run(ctx, parse({ command: script('fail.sh', 'exit 3') })),
    ).rejects.toMatchObject({
      code: 'PROMPTLY_E_EXTERNAL_EXIT',
      message: expect.stringContaining('status 3'),
    });
    await expect(
      externalTask.run(ctx, parse({ command: path.join(dir, 'nope') })),
    ).rejects.toMatchObject({
      code: 'PROMPTLY_E_EXTERNAL_EXIT',
    });
  });

  it('rejects undeclared config keys', () => {
    expect(externalTask.configSchema.safeParse({ command: 'x', shell: true }).success).toBe(false);
  });
});
