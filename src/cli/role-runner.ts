import os from 'node:os';
import { loadConfig, type Config } from '../core/config.js';
import { PromptlyError, toPromptlyError } from '../core/errors.js';
import { DEFAULT_HEALTH_PORT, startHealthServer } from '../observe/health-server.js';
import { startRoleHeartbeat, type RoleHeartbeat } from '../observe/role-heartbeat.js';
import { HEALTH_STREAM } from '../prompt/topology.js';
import { openBus } from './backends.js';

/** A role started in this process. */
export interface RunningRole {
  /** e.g. `RUNNING`, `STANDBY`. */
  state(): string;
  /** Undefined when ready to serve, else why not (readiness probe). */
  notReadyReason(): string | undefined;
  detail?(): Record<string, unknown>;
  /** Stops taking new work and finishes what is in hand (SIGTERM). */
  drain(): Promise<void>;
  /**
   * Settles if the role stops on its own: resolved when its job is done (the summit's
   * night is over; the process exits 0), rejected when it cannot go on (e.g. its lease
   * backend's connection died; the process exits 1 so that its supervisor restarts it).
   */
  readonly ended?: Promise<void>;
}

/**
 * Longest a role may take to start (connect, migrate, create its topology), real ms. Past it
 * the process exits 1, so that its supervisor starts it again, rather than stay unready with
 * a connection that never answers.
 */
export const ROLE_START_TIMEOUT_MS = 120_000;

async function withinStartDeadline<T>(role: string, starting: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PromptlyError(
            'PROMPTLY_E_ROLE_START_TIMEOUT',
            `${role} did not start within ${ROLE_START_TIMEOUT_MS} ms`,
          ),
        ),
      ROLE_START_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([starting, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Options every role command takes. */
export interface RoleCommandOptions {
  config?: string;
  healthPort?: string;
  healthHost?: string;
  /** Stdin is a pipe from the parent: its end (the parent exited, even by SIGKILL) drains. */
  exitWithParent?: boolean;
}

/** The id a role campaigns and reports with: `<role>@<host>:<pid>`. */
export function holderId(role: string): string {
  return `${role}@${os.hostname()}:${process.pid}`;
}

function portOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_HEALTH_PORT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`--health-port must be an integer in 0..65535, got "${value}"`);
  return n;
}

/** After its parent is gone, a role that has not drained within this exits anyway, ms. */
const PARENT_GONE_EXIT_MS = 30_000;

/**
 * Runs one role as this process's whole job: loads the config (file < env), starts the role,
 * serves its health endpoints, and on SIGTERM or SIGINT drains it (stops taking work,
 * finishes what is in hand) and exits 0; a second signal exits at once with 130 — nothing
 * accepted is lost by that, since the ledger and the durable queues hold it. Prints one JSON
 * line `{ "role", "state": "ready", "health": url }` on stdout when it serves, so a parent
 * process (`up --distributed`) can wait for the event instead of a delay.
 */
export async function runRole(
  role: string,
  options: RoleCommandOptions,
  start: (config: Config, signal: AbortSignal) => Promise<RunningRole>,
): Promise<void> {
  const config = loadConfig({
    ...(options.config ? { file: options.config } : {}),
    env: process.env,
  });
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) stop.abort();
    else process.exit(130);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // a role started by `up --distributed` must not outlive it, however that process ends
  const onParentGone = (): void => {
    if (stop.signal.aborted) return;
    onSignal();
    // nobody waits for this drain: it gets a bounded time (nothing accepted is lost by exiting)
    setTimeout(() => process.exit(130), PARENT_GONE_EXIT_MS).unref();
  };
  if (options.exitWithParent) {
    process.stdin.on('end', onParentGone);
    process.stdin.on('error', onParentGone);
    process.stdin.resume();
  }
  let running: RunningRole;
  try {
    running = await withinStartDeadline(role, start(config, stop.signal));
  } catch (err) {
    const e = toPromptlyError(err);
    process.stderr.write(`promptly ${role}: ${e.code}: ${e.message}\n`);
    // What hangs a start (a connection that never answers) would also hold the process open.
    if (e.code === 'PROMPTLY_E_ROLE_START_TIMEOUT') process.exit(1);
    process.exitCode = 1;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (options.exitWithParent) process.stdin.destroy();
    return;
  }
  const health = await startHealthServer(
    {
      role,
      state: () => (stop.signal.aborted ? 'DRAINING' : running.state()),
      notReadyReason: () => (stop.signal.aborted ? 'draining' : running.notReadyReason()),
      ...(running.detail ? { detail: () => running.detail?.() ?? {} } : {}),
    },
    { host: options.healthHost ?? '0.0.0.0', port: portOption(options.healthPort) },
  );
  const beats = await startTelemetry(config, role, () =>
    stop.signal.aborted ? 'DRAINING' : running.state(),
  );
  process.stdout.write(
    `${JSON.stringify({ role, state: 'ready', health: health.url, pid: process.pid })}\n`,
  );
  const stopped = new Promise<'signal'>((resolve) => {
    if (stop.signal.aborted) resolve('signal');
    stop.signal.addEventListener('abort', () => resolve('signal'), { once: true });
  });
  const ended = (running.ended ?? new Promise<never>(() => {})).then(
    () => 'done' as const,
    (err: unknown) => {
      // A role that stops because it is being drained has not failed.
      if (stop.signal.aborted) return 'failed' as const;
      const e = toPromptlyError(err);
      process.stderr.write(`promptly ${role}: ${e.code}: ${e.message}\n`);
      return 'failed' as const;
    },
  );
  const why = await Promise.race([stopped, ended]);
  if (why === 'failed') process.exitCode = 1;
  if (why === 'done') process.stdout.write(`${JSON.stringify({ role, state: 'done' })}\n`);
  try {
    await running.drain();
  } finally {
    await beats?.stop();
    await health.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (options.exitWithParent) process.stdin.destroy();
  }
}

/**
 * Heartbeats on the deployment's bus (its own connection, so telemetry never waits behind
 * work), for `promptly status`. None on the memory bus: nothing outside this process could
 * read them. A bus that cannot be reached here leaves the role running without telemetry.
 */
async function startTelemetry(
  config: Config,
  role: string,
  state: () => string,
): Promise<{ stop(): Promise<void> } | undefined> {
  if (config.bus.kind === 'memory') return undefined;
  let beat: RoleHeartbeat;
  const bus = await openBus(config).catch((err: unknown) => {
    const e = toPromptlyError(err);
    process.stderr.write(`promptly ${role}: no heartbeats: ${e.code}: ${e.message}\n`);
    return undefined;
  });
  if (bus === undefined) return undefined;
  try {
    await bus.ensureStream(HEALTH_STREAM);
    beat = startRoleHeartbeat(bus, {
      instrument: config.instrument,
      role,
      id: holderId(role),
      state,
    });
  } catch (err) {
    const e = toPromptlyError(err);
    process.stderr.write(`promptly ${role}: no heartbeats: ${e.code}: ${e.message}\n`);
    await bus.close();
    return undefined;
  }
  return {
    async stop() {
      await beat.stop();
      await bus.close();
    },
  };
}
