import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { packageRoot } from '../core/package-root.js';
import { dropPromptlySchema } from '../db/postgres/reset-schema.js';
import type { NightSummary } from '../observe/night-summary.js';
import { startS3TestServer } from '../store/s3/testing/s3-test-server.js';
import { privateNatsSkipReason, startPrivateNatsServer } from '../testing/nats-server.js';
import { TEST_POSTGRES_URL, postgresSkipReason } from '../testing/servers.js';
import { frameworkEnv } from '../testing/framework-night.js';

/**
 * Runs a command to its end, keeping the tail of what it prints (stdout and stderr, no size
 * limit: `execFile`'s 1 MiB buffer would kill a chatty night); when the test ends first (a
 * timeout), prints that tail and interrupts the command twice as a person would with Ctrl-C,
 * so `up --distributed` stops every role it started and none outlives the test. stdin stays a
 * pipe, as a terminal's would be.
 */
function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let bytes = 0;
    const keep = (chunk: Buffer): void => {
      bytes += chunk.length;
      tail.push(chunk.toString('utf8'));
      if (tail.length > 400) tail.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${path.basename(file)} ${args.slice(0, 3).join(' ')} ended with ${code ?? signal} after printing ${bytes} bytes; its last lines:\n${tail.join('').slice(-20_000)}`,
          ),
        );
    });
    onTestFinished(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      console.log(
        `still running when the test ended, after printing ${bytes} bytes; its last lines:\n${tail.join('').slice(-20_000)}`,
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
      child.kill('SIGINT');
      // its roles exit by themselves once it is gone (their stdin closes)
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    });
  });
}
const bin = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const skip =
  (existsSync(bin)
    ? undefined
    : 'promptly up --distributed test skipped: dist/ missing (run `npm run build`)') ??
  privateNatsSkipReason() ??
  (await postgresSkipReason());
if (skip) console.log(skip);

describe.skipIf(skip !== undefined)('promptly up --distributed', () => {
  it('runs a ComCam night with every role in its own process on NATS, PostgreSQL and S3 (raws, the central datastore, the DBB), 27 of 27 processed and 54 of 54 archived', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-up-dist-'));
    const schema = `promptly_t${Date.now().toString(16)}`;
    // A bus of its own: up --distributed starts by deleting the deployment's streams.
    const nats = await startPrivateNatsServer();
    // Raws in S3: the in-process S3-compatible test server, one bucket for the night.
    const s3 = await startS3TestServer();
    try {
      const bucket = await s3.bucket();
      const repoBucket = await s3.bucket();
      const dbbBucket = await s3.bucket();
      const summaryFile = path.join(dir, 's.json');
      await run(
        process.execPath,
        [
          bin,
          'up',
          '--distributed',
          '--instrument',
          'LSSTComCam',
          '--visits',
          '3',
          '--summary',
          summaryFile,
          '--no-display',
        ],
        {
          cwd: dir,
          env: {
            ...process.env,
            ...frameworkEnv(),
            ...frameworkEnv(),
            PROMPTLY_BUS__KIND: 'nats',
            PROMPTLY_BUS__SERVERS: JSON.stringify([nats.url]),
            PROMPTLY_STORE__KIND: 's3',
            PROMPTLY_STORE__BUCKET: bucket,
            PROMPTLY_STORE__ENDPOINT: s3.endpoint,
            PROMPTLY_STORE__ACCESS_KEY_ID_ENV: 'S3_TEST_KEY_ID',
            PROMPTLY_STORE__SECRET_ACCESS_KEY_ENV: 'S3_TEST_SECRET',
            S3_TEST_KEY_ID: s3.credentials.accessKeyId,
            S3_TEST_SECRET: s3.credentials.secretAccessKey,
            PROMPTLY_CENTRAL_REPO__DATASTORE__KIND: 's3',
            PROMPTLY_CENTRAL_REPO__DATASTORE__BUCKET: repoBucket,
            PROMPTLY_CENTRAL_REPO__DATASTORE__ENDPOINT: s3.endpoint,
            PROMPTLY_CENTRAL_REPO__DATASTORE__ACCESS_KEY_ID_ENV: 'S3_TEST_KEY_ID',
            PROMPTLY_CENTRAL_REPO__DATASTORE__SECRET_ACCESS_KEY_ENV: 'S3_TEST_SECRET',
            // the archive path's long-term storage on S3 and the OODS's registry on PostgreSQL
            PROMPTLY_ARCHIVE__DBB_STORE__KIND: 's3',
            PROMPTLY_ARCHIVE__DBB_STORE__BUCKET: dbbBucket,
            PROMPTLY_ARCHIVE__DBB_STORE__ENDPOINT: s3.endpoint,
            PROMPTLY_ARCHIVE__DBB_STORE__ACCESS_KEY_ID_ENV: 'S3_TEST_KEY_ID',
            PROMPTLY_ARCHIVE__DBB_STORE__SECRET_ACCESS_KEY_ENV: 'S3_TEST_SECRET',
            PROMPTLY_ARCHIVE__OODS_REGISTRY__KIND: 'postgres',
            PROMPTLY_ARCHIVE__OODS_REGISTRY__URL: TEST_POSTGRES_URL,
            PROMPTLY_ARCHIVE__OODS_REGISTRY__SCHEMA: `${schema}_oods`,
            PROMPTLY_CENTRAL_REPO__REGISTRY__KIND: 'postgres',
            PROMPTLY_CENTRAL_REPO__REGISTRY__URL: TEST_POSTGRES_URL,
            PROMPTLY_CENTRAL_REPO__REGISTRY__SCHEMA: schema,
            // Raws may land late on a loaded machine: the deadline must not decide this test.
            PROMPTLY_WORKER__IMAGE_TIMEOUT_MS: '600000',
          },
        },
      );
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as NightSummary;
      expect(summary.visits).toHaveLength(3);
      for (const v of summary.visits)
        expect(v).toMatchObject({ detectorsExpected: 9, processed: 9, failed: 0, timedOut: 0 });
      // the archive path ran as roles of its own (summit half, header service, archive role):
      // every raw of the night (3 visits × 9 detectors × 2 snaps) written with its metadata,
      // in the OODS (registry on PostgreSQL) and in the DBB (on S3)
      expect(summary.archive).toMatchObject({
        images: 54,
        written: 54,
        metadataIncomplete: 0,
        inOods: 54,
        inDbb: 54,
        notInDbb: 0,
        notInOods: 0,
      });
    } finally {
      await s3.close();
      await nats.dispose();
      await dropPromptlySchema(TEST_POSTGRES_URL, schema).catch(() => undefined);
      await dropPromptlySchema(TEST_POSTGRES_URL, `${schema}_oods`).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  it('leaves no role running when it is killed outright (SIGKILL): each role sees its parent gone and exits', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-up-kill-'));
    const schema = `promptly_k${Date.now().toString(16)}`;
    const nats = await startPrivateNatsServer();
    const up = spawn(
      process.execPath,
      [bin, 'up', '--distributed', '--instrument', 'LSSTComCam', '--visits', '3', '--no-display'],
      {
        cwd: dir,
        env: {
          ...process.env,
          ...frameworkEnv(),
          PROMPTLY_BUS__KIND: 'nats',
          PROMPTLY_BUS__SERVERS: JSON.stringify([nats.url]),
          PROMPTLY_ARCHIVE__ENABLED: 'false',
          PROMPTLY_CENTRAL_REPO__REGISTRY__KIND: 'postgres',
          PROMPTLY_CENTRAL_REPO__REGISTRY__URL: TEST_POSTGRES_URL,
          PROMPTLY_CENTRAL_REPO__REGISTRY__SCHEMA: schema,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const upExited = new Promise<void>((resolve) => up.on('exit', () => resolve()));
    let roles: number[] = [];
    try {
      // every role is up once it says so
      await new Promise<void>((resolve, reject) => {
        let text = '';
        up.stderr.setEncoding('utf8');
        up.stderr.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('roles ready:')) resolve();
        });
        void upExited.then(() =>
          reject(new Error(`up exited before its roles were ready:\n${text}`)),
        );
      });
      roles = childrenOf(up.pid ?? -1);
      expect(roles.length).toBeGreaterThanOrEqual(5);
      up.kill('SIGKILL');
      await upExited;
      // no event tells this test that a process it did not start has exited: look again, at
      // most every 200 ms, until none is left (the test's timeout is the safety net)
      while (roles.some(alive)) await new Promise((r) => setTimeout(r, 200));
      expect(roles.filter(alive)).toEqual([]);
    } finally {
      up.kill('SIGKILL');
      for (const pid of [...roles, ...childrenOf(up.pid ?? -1)].filter(alive))
        process.kill(pid, 'SIGKILL');
      await nats.dispose();
      await dropPromptlySchema(TEST_POSTGRES_URL, schema).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** Pids of the running processes whose parent is `ppid` (from /proc). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // fields after the command (which may hold spaces) in parentheses: state, ppid, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(entry));
    } catch {
      // it ended while being read
    }
  }
  return out;
}

/** Whether `pid` is a live process (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
