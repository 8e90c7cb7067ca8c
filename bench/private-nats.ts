import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sleepReal } from '../src/core/clock.js';

/** Debian's nats-server binary (package `nats-server`). */
export const NATS_SERVER_BIN = '/usr/sbin/nats-server';

/**
 * A nats-server with JetStream of the bench's own, on a free loopback port and a temp store:
 * the distributed groups create the deployment's fixed stream names (and `up --distributed`
 * deletes them), which must never touch the machine's shared server other people test on.
 */
export interface BenchNatsServer {
  readonly url: string;
  /** Stops it and removes its store. */
  dispose(): Promise<void>;
}

/** Why the bench cannot start its own nats-server here, or undefined. */
export function benchNatsSkipReason(): string | undefined {
  return existsSync(NATS_SERVER_BIN)
    ? undefined
    : `${NATS_SERVER_BIN} not installed (Debian package nats-server)`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts it; resolves once it accepts connections (polled every 50 ms: the server has no
 * readiness event; gives up after 30 s).
 */
export async function startBenchNats(): Promise<BenchNatsServer> {
  const port = await freePort();
  const store = mkdtempSync(path.join(os.tmpdir(), 'promptly-bench-nats-'));
  const child: ChildProcess = spawn(
    NATS_SERVER_BIN,
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(store, { recursive: true, force: true });
  };
  const deadline = performance.now() + 30_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || performance.now() > deadline) {
      await dispose();
      throw new Error(`nats-server did not start (exit ${child.exitCode})`);
    }
    await sleepReal(50);
  }
  return { url: `nats://127.0.0.1:${port}`, dispose };
}
