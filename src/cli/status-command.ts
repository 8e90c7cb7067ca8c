import type { Command } from 'commander';
import { deploymentClock, realNowMs } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { topologyNames } from '../prompt/topology.js';
import { openBus, openLeases, openLedger } from './backends.js';

/** What `promptly status` reports. */
export interface DeploymentStatus {
  readonly instrument: string;
  readonly bus: string;
  readonly queues: readonly {
    name: string;
    pending: number;
    inFlight: number;
    consumers: number;
  }[];
  readonly leases: readonly { name: string; holder?: string; token?: number }[];
  readonly ledger: { readonly openVisits: number; readonly orphansLastDay: number };
}

/**
 * The health view of a deployment from its config: work and dead-letter queues (waiting, in
 * flight, consumers), who holds each singleton role's lease, and the ledger's open visits and
 * recent orphans. Read-only.
 */
export async function deploymentStatus(configFile?: string): Promise<DeploymentStatus> {
  const config = loadConfig({ ...(configFile ? { file: configFile } : {}), env: process.env });
  const clock = deploymentClock(config.sim);
  const names = topologyNames(config.instrument);
  const bus = await openBus(config);
  const leases = await openLeases(config, clock);
  const ledger = await openLedger(config);
  try {
    const queues = [];
    for (const q of [names.workQueue, names.deadQueue]) {
      try {
        queues.push(await bus.queueInfo(q));
      } catch {
        queues.push({ name: q, pending: 0, inFlight: 0, consumers: 0 });
      }
    }
    const leaseRows = [];
    for (const name of [`fanout-${config.instrument}`, `recorder-${config.instrument}`]) {
      const holder = await leases.current(name);
      leaseRows.push(holder ? { name, holder: holder.holder, token: holder.token } : { name });
    }
    const open = await ledger.openVisits({ instrument: config.instrument, limit: 10_000 });
    const orphans = await ledger.orphans(config.instrument, realNowMs() - 86_400_000, 10_000);
    return {
      instrument: config.instrument,
      bus: config.bus.kind,
      queues,
      leases: leaseRows,
      ledger: { openVisits: open.length, orphansLastDay: orphans.length },
    };
  } finally {
    await ledger.dispose();
    await leases.close();
    await bus.close();
  }
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('Queues, leases of singleton roles and the ledger of a deployment.')
    .option('-c, --config <file>', 'YAML configuration of the deployment')
    .option('--json', 'print JSON', false)
    .action(async (o: { config?: string; json: boolean }) => {
      const s = await deploymentStatus(o.config);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      const lines = [
        `${s.instrument} on ${s.bus}`,
        '',
        'queue                 pending  in flight  consumers',
      ];
      for (const q of s.queues)
        lines.push(
          `${q.name.padEnd(20)} ${String(q.pending).padStart(8)} ${String(q.inFlight).padStart(10)} ${String(q.consumers).padStart(10)}`,
        );
      lines.push('', 'lease                       holder');
      for (const l of s.leases)
        lines.push(
          `${l.name.padEnd(27)} ${l.holder ? `${l.holder} (token ${l.token})` : '(none)'}`,
        );
      lines.push(
        '',
        `open visits ${s.ledger.openVisits}, orphan raws in the last day ${s.ledger.orphansLastDay}`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
