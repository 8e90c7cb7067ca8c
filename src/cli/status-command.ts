import type { Command } from 'commander';
import { deploymentStatus, type DeploymentStatus } from './deployment-status.js';

export { deploymentStatus, type DeploymentStatus } from './deployment-status.js';

const age = (ms: number | undefined): string =>
  ms === undefined ? '-' : ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;

/** The plain-text view of {@link deploymentStatus}. */
export function formatStatus(s: DeploymentStatus): string {
  const lines = [
    `${s.instrument} on ${s.bus}`,
    '',
    'stream            messages   last seq  oldest',
  ];
  for (const st of s.streams)
    lines.push(
      st.error !== undefined
        ? `${st.name.padEnd(16)} (${st.error})`
        : `${st.name.padEnd(16)} ${String(st.messages).padStart(9)} ${String(st.lastSeq).padStart(10)}  ${age(st.oldestAgeMs)}`,
    );
  lines.push('', 'queue                 pending  in flight  consumers  oldest');
  for (const q of s.queues)
    lines.push(
      q.error !== undefined
        ? `${q.name.padEnd(20)} (${q.error})`
        : `${q.name.padEnd(20)} ${String(q.pending).padStart(8)} ${String(q.inFlight).padStart(10)} ${String(q.consumers).padStart(10)}  ${age(q.oldestAgeMs)}`,
    );
  lines.push('', 'role       state      last beat  id');
  if (s.roles.length === 0) lines.push('(no heartbeats)');
  for (const r of s.roles)
    lines.push(
      `${r.role.padEnd(10)} ${(r.alive ? r.state : r.state === 'STOPPED' ? 'STOPPED' : 'SILENT').padEnd(10)} ${age(r.silentForMs).padStart(9)}  ${r.id}`,
    );
  lines.push('', 'lease                       holder');
  for (const l of s.leases)
    lines.push(`${l.name.padEnd(27)} ${l.holder ? `${l.holder} (token ${l.token})` : '(none)'}`);
  lines.push(
    '',
    `open visits ${s.ledger.openVisits}, orphan raws in the last day ${s.ledger.orphansLastDay}`,
  );
  return lines.join('\n');
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'Streams, queues, role processes, singleton leases and the ledger of a deployment.',
    )
    .option('-c, --config <file>', 'YAML configuration of the deployment')
    .option('--json', 'print JSON', false)
    .action(async (o: { config?: string; json: boolean }) => {
      const s = await deploymentStatus(o.config);
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${formatStatus(s)}\n`);
    });
}
