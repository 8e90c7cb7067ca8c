import os from 'node:os';
import type { Bus } from '../bus/bus.js';
import { subjects } from '../core/subjects.js';

/** One heartbeat of a role process, JSON on `health.<instr>.<role>.<id>` (stream HEALTH). */
export interface RoleBeat {
  readonly role: string;
  /** `<role>@<host>:<pid>`, the id it campaigns for leases with. */
  readonly id: string;
  readonly instrument: string;
  readonly host: string;
  readonly pid: number;
  /** The role's state: `RUNNING`, `STANDBY`, `DRAINING`, `STOPPED`… */
  readonly state: string;
  /** When the process started serving, ms since the Unix epoch. */
  readonly startedAtMs: number;
  /** When this beat was sent, ms since the Unix epoch. */
  readonly sentAtMs: number;
  /** The beat period, ms: a reader calls a role silent after a few periods without one. */
  readonly intervalMs: number;
}

export interface RoleHeartbeatOptions {
  readonly instrument: string;
  readonly role: string;
  readonly id: string;
  readonly state: () => string;
  /** Beat period, ms (integer 100..60 000). Default 2000. */
  readonly intervalMs?: number;
}

/** A running heartbeat; `stop` sends a last beat with state `STOPPED`. */
export interface RoleHeartbeat {
  stop(): Promise<void>;
}

/**
 * Publishes the role's state every `intervalMs` as latest-value telemetry, so `promptly
 * status` lists the roles connected to a deployment without asking each one. A beat that
 * cannot be sent (the server is away) is skipped: telemetry is lossy by design, and the next
 * beat replaces it.
 */
export function startRoleHeartbeat(bus: Bus, options: RoleHeartbeatOptions): RoleHeartbeat {
  const intervalMs = options.intervalMs ?? 2000;
  if (!Number.isInteger(intervalMs) || intervalMs < 100 || intervalMs > 60_000)
    throw new RangeError(
      `heartbeat intervalMs must be an integer in 100..60000, got ${intervalMs}`,
    );
  const subject = subjects.health(options.instrument, options.role, options.id);
  const startedAtMs = Date.now();
  let inFlight: Promise<void> = Promise.resolve();
  const beat = (state: string): Promise<void> => {
    const body: RoleBeat = {
      role: options.role,
      id: options.id,
      instrument: options.instrument,
      host: os.hostname(),
      pid: process.pid,
      state,
      startedAtMs,
      sentAtMs: Date.now(),
      intervalMs,
    };
    inFlight = bus
      .publish(subject, new TextEncoder().encode(JSON.stringify(body)))
      .catch(() => undefined);
    return inFlight;
  };
  void beat(options.state());
  const timer = setInterval(() => void beat(options.state()), intervalMs);
  timer.unref();
  let stopped = false;
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await inFlight;
      await beat('STOPPED');
    },
  };
}

/** Parses a beat; undefined for anything that is not one (telemetry from outside is untrusted). */
export function parseRoleBeat(data: Uint8Array): RoleBeat | undefined {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const str = (k: string): boolean => typeof o[k] === 'string' && o[k].length <= 512;
  const num = (k: string): boolean => typeof o[k] === 'number' && Number.isFinite(o[k]);
  if (!['role', 'id', 'instrument', 'host', 'state'].every(str)) return undefined;
  if (!['pid', 'startedAtMs', 'sentAtMs', 'intervalMs'].every(num)) return undefined;
  return o as unknown as RoleBeat;
}
