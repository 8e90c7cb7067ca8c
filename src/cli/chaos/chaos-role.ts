import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../core/package-root.js';

/** `main.js` of the built package: chaos tests run the roles exactly as a deployment would. */
export const CHAOS_BIN = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

/** Why the chaos tests cannot run the built roles, or undefined. */
export function distSkipReason(): string | undefined {
  return existsSync(CHAOS_BIN)
    ? undefined
    : 'chaos tests skipped: dist/ missing (run `npx tsc -p tsconfig.build.json`)';
}

/** One role process of a chaos night. */
export interface ChaosRole {
  readonly name: string;
  readonly pid: number;
  /** Resolves on its `ready` line (rejects if it exits first). */
  readonly ready: Promise<{ health: string }>;
  /** Resolves on its `done` line (the summit's night ended). */
  readonly done: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it is still running. */
  running(): boolean;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `node dist/src/cli/main.js <role> --config <file> --health-port 0`, with `env` added
 * to an environment stripped of inherited `PROMPTLY_*` variables (so the test runner's own
 * settings never leak into a role's config). Every line it prints goes to `log`.
 */
export function spawnChaosRole(options: {
  name: string;
  role: string;
  configFile: string;
  env?: Readonly<Record<string, string>>;
  log: (line: string) => void;
}): ChaosRole {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('PROMPTLY_')),
  );
  const child = spawn(
    process.execPath,
    [
      CHAOS_BIN,
      options.role,
      '--config',
      options.configFile,
      '--health-port',
      '0',
      '--health-host',
      '127.0.0.1',
    ],
    { env: { ...inherited, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      options.log(`[${options.name}] exited (${code ?? signal})`);
      resolve({ code, signal });
    }),
  );
  let onReady: (v: { health: string }) => void = () => {};
  let onDone: () => void = () => {};
  const ready = new Promise<{ health: string }>((resolve, reject) => {
    onReady = resolve;
    void exited.then(({ code, signal }) =>
      reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready`)),
    );
  });
  ready.catch(() => undefined);
  const done = new Promise<void>((resolve) => (onDone = resolve));
  const lines = (stream: NodeJS.ReadableStream | null, json: boolean): void => {
    let buffered = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        options.log(`[${options.name}] ${line}`);
        if (!json) continue;
        let status: { state?: string; health?: string } = {};
        try {
          status = JSON.parse(line) as typeof status;
        } catch {
          continue;
        }
        if (status.state === 'ready') onReady({ health: status.health ?? '' });
        if (status.state === 'done') onDone();
      }
    });
  };
  lines(child.stdout, true);
  lines(child.stderr, false);
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    name: options.name,
    pid: child.pid ?? -1,
    ready,
    done,
    exited,
    running,
    kill(signal) {
      if (running()) child.kill(signal);
    },
  };
}
