import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** What `/proc/<pid>/stat` says about a process (Linux). */
export interface ProcStat {
  /** Field 3: R, S, D, Z (zombie), X (dead), T… */
  readonly state: string;
  /**
   * Field 22: when the process started, in clock ticks since boot. With the pid it names one
   * process for the whole uptime: a pid reused by another process has another start time.
   */
  readonly startTicks: number;
}

function parse(text: string): ProcStat | undefined {
  // Field 2 is the command in parentheses and may itself hold spaces and parentheses.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const startTicks = Number(rest[19]);
  if (!state || !Number.isSafeInteger(startTicks)) return undefined;
  return { state, startTicks };
}

/** `/proc/<pid>/stat` of a process, or undefined when there is no such process. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parse(text);
}

/**
 * The synchronous form, for the moment right after spawning a child: until the event loop
 * turns, Node cannot have reaped it, so its /proc entry is certain to be there.
 */
export function readProcStatSync(pid: number): ProcStat | undefined {
  try {
    return parse(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is still the process that started at `startTicks` and has not ended (a zombie
 * has ended: it only waits for its parent to collect its status).
 */
export async function isSameProcessAlive(pid: number, startTicks: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.startTicks === startTicks && !/^[ZX]/.test(stat.state);
}
