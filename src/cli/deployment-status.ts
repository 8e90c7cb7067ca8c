import type { Bus, QueueInfo } from '../bus/bus.js';
import { deploymentClock, realNowMs } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { parseRoleBeat, type RoleBeat } from '../observe/role-heartbeat.js';
import { readLatestValues } from '../observe/latest-values.js';
import { topologyNames } from '../prompt/topology.js';
import { openBus, openLeases, openLedger } from './backends.js';

/** A role process seen through its latest heartbeat. */
export interface RoleSeen extends RoleBeat {
  /** ms since its latest beat, on this machine's clock. */
  readonly silentForMs: number;
  /** True when that is within three beat periods and it has not said STOPPED. */
  readonly alive: boolean;
}

/** What `promptly status` reports. */
export interface DeploymentStatus {
  readonly instrument: string;
  readonly bus: string;
  readonly streams: readonly {
    name: string;
    messages: number;
    lastSeq: number;
    /** Age of the oldest message kept, ms (absent when empty). */
    oldestAgeMs?: number;
    /** Why the stream could not be read (absent when it could). */
    error?: string;
  }[];
  readonly queues: readonly (Omit<QueueInfo, 'oldestTimeMs'> & {
    /** Age of the oldest message not yet acked, ms (absent when none). */
    oldestAgeMs?: number;
    error?: string;
  })[];
  readonly leases: readonly { name: string; holder?: string; token?: number }[];
  readonly roles: readonly RoleSeen[];
  readonly ledger: { readonly openVisits: number; readonly orphansLastDay: number };
}

const ageOf = (t: number | undefined, now: number) =>
  t === undefined ? {} : { oldestAgeMs: Math.max(0, now - t) };

const reason = (err: unknown): string =>
  err instanceof Error ? ((err as { code?: string }).code ?? err.message) : String(err);

/**
 * The health view of a deployment from its config: streams (messages, oldest age), work and
 * dead-letter queues (waiting, in flight, consumers, oldest age), the role processes whose
 * heartbeats the bus holds, who holds each singleton role's lease, and the ledger's open
 * visits and recent orphans. Read-only; a stream or queue not created yet shows its error.
 */
export async function deploymentStatus(configFile?: string): Promise<DeploymentStatus> {
  const config = loadConfig({ ...(configFile ? { file: configFile } : {}), env: process.env });
  const clock = deploymentClock(config.sim);
  const names = topologyNames(config.instrument);
  const bus = await openBus(config);
  const leases = await openLeases(config, clock);
  const ledger = await openLedger(config);
  try {
    const now = realNowMs();
    const streams = [];
    for (const name of [
      names.ocsStream,
      names.visitsStream,
      names.arrivalsStream,
      names.s3EventsStream,
      names.outcomesStream,
      names.lostStream,
      names.alertsStream,
      names.healthStream,
    ]) {
      try {
        const s = await bus.streamInfo(name);
        streams.push({
          name,
          messages: s.messages,
          lastSeq: s.lastSeq,
          ...ageOf(s.oldestTimeMs, now),
        });
      } catch (err) {
        streams.push({ name, messages: 0, lastSeq: 0, error: reason(err) });
      }
    }
    const queues = [];
    for (const q of [names.workQueue, names.deadQueue]) {
      try {
        const { oldestTimeMs, ...info } = await bus.queueInfo(q);
        queues.push({ ...info, ...ageOf(oldestTimeMs, now) });
      } catch (err) {
        queues.push({ name: q, pending: 0, inFlight: 0, consumers: 0, error: reason(err) });
      }
    }
    const leaseRows = [];
    for (const name of [`fanout-${config.instrument}`, `recorder-${config.instrument}`]) {
      const holder = await leases.current(name);
      leaseRows.push(holder ? { name, holder: holder.holder, token: holder.token } : { name });
    }
    const roles = await rolesSeen(bus, names.healthStream, config.instrument);
    const open = await ledger.openVisits({ instrument: config.instrument, limit: 10_000 });
    const orphans = await ledger.orphans(config.instrument, now - 86_400_000, 10_000);
    return {
      instrument: config.instrument,
      bus: config.bus.kind,
      streams,
      queues,
      leases: leaseRows,
      roles,
      ledger: { openVisits: open.length, orphansLastDay: orphans.length },
    };
  } finally {
    await ledger.dispose();
    await leases.close();
    await bus.close();
  }
}

/** The roles of this instrument whose heartbeats the health stream holds, by role then id. */
async function rolesSeen(bus: Bus, stream: string, instrument: string): Promise<RoleSeen[]> {
  let messages;
  try {
    messages = await readLatestValues(bus, stream, AbortSignal.timeout(5000));
  } catch {
    return []; // No health stream yet: no role has started.
  }
  const now = realNowMs();
  const seen: RoleSeen[] = [];
  for (const m of messages) {
    const beat = parseRoleBeat(m.data);
    if (beat === undefined || beat.instrument !== instrument) continue;
    const silentForMs = Math.max(0, now - beat.sentAtMs);
    seen.push({
      ...beat,
      silentForMs,
      alive: beat.state !== 'STOPPED' && silentForMs <= 3 * beat.intervalMs,
    });
  }
  return seen.sort((a, b) => a.role.localeCompare(b.role) || a.id.localeCompare(b.id));
}
