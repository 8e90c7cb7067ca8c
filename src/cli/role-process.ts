import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PromptlyError } from '../core/errors.js';

/** A role running as a child process of `promptly up --distributed`. */
export interface RoleProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when it printed its `ready` line (rejects if it exits first). */
  readonly ready: Promise<{ health: string }>;
  /** Resolves when it printed `done` (its job ended: the summit's night). */
  readonly done: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  signal(sig: NodeJS.Signals): void;
}

/** `main.js` of this very build, so children run the same code as their parent. */
export function mainScript(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
}

/**
 * Starts `promptly <role> --config <file> --health-port 0` as a child process with `env`
 * added, its stderr prefixed and passed on to `log`, and its JSON status lines on stdout
 * turned into the `ready` and `done` events (no delay is ever guessed).
 */
export function spawnRole(options: {
  name: string;
  role: string;
  configFile: string;
  env?: Readonly<Record<string, string>>;
  log: (line: string) => void;
}): RoleProcess {
  const child = spawn(
    process.execPath,
    [
      mainScript(),
      options.role,
      '--config',
      options.configFile,
      '--health-port',
      '0',
      '--health-host',
      '127.0.0.1',
      '--exit-with-parent',
    ],
    // stdin: a pipe that closes when this process ends in any way, so the role drains then
    { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      child.stdin?.destroy();
      resolve({ code, signal });
    }),
  );
  let onReady: (v: { health: string }) => void = () => {};
  let onDone: () => void = () => {};
  const ready = new Promise<{ health: string }>((resolve, reject) => {
    onReady = resolve;
    void exited.then(({ code, signal }) =>
      reject(
        new PromptlyError(
          'PROMPTLY_E_INTERNAL',
          `${options.name} exited (${code ?? signal}) before it was ready`,
        ),
      ),
    );
  });
  ready.catch(() => undefined);
  const done = new Promise<void>((resolve) => (onDone = resolve));
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const line of lines) {
      let status: { state?: string; health?: string } = {};
      try {
        status = JSON.parse(line) as typeof status;
      } catch {
        options.log(`[${options.name}] ${line}`);
        continue;
      }
      if (status.state === 'ready') onReady({ health: status.health ?? '' });
      if (status.state === 'done') onDone();
    }
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    const lines = err.split('\n');
    err = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') options.log(`[${options.name}] ${line}`);
  });
  return {
    name: options.name,
    child,
    ready,
    done,
    exited,
    signal: (sig) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
  };
}
