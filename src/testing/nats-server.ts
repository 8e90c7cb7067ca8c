import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's nats-server binary. */
export const NATS_SERVER_BIN = '/usr/sbin/nats-server';

/** A failure bound only (benchmarks have no test timeout to stop a hung start). */
const START_TIMEOUT_MS = 30_000;

/**
 * A nats-server with JetStream of a test's or benchmark's own, on a free loopback port: the
 * deployment's stream names are fixed (and `up --distributed` deletes them), so nothing that
 * resets or restarts the bus may touch the machine's shared server.
 */
export interface PrivateNatsServer {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM) and waits for the exit; the store stays, so `start()` resumes it. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store directory. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  dispose(): Promise<void>;
}

/** Why a private nats-server cannot be started here, or undefined. */
export function privateNatsSkipReason(): string | undefined {
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
 * Starts a nats-server with JetStream on a free port and a temp store, so tests that reset or
 * restart the bus never touch the machine's shared server or each other. Resolves once it
 * accepts connections (it is polled every 50 ms: the server has no readiness event we can
 * wait on; it gives up after 30 s).
 */
export async function startPrivateNatsServer(): Promise<PrivateNatsServer> {
  const port = await freePort();
  const store = mkdtempSync(path.join(os.tmpdir(), 'promptly-nats-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
      stdio: 'ignore',
    });
    const giveUpMs = Date.now() + START_TIMEOUT_MS;
    while (!(await listening(port))) {
      if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}`);
      if (Date.now() > giveUpMs) {
        child.kill('SIGKILL');
        throw new Error(`nats-server did not listen on ${port} within ${START_TIMEOUT_MS} ms`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
