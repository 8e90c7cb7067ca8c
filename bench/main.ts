import { formatBenchRows, type BenchRow } from './bench-row.js';
import { runFitsCodecBench } from './fits-codec.js';
import { runPromptLatencyBench } from './prompt-latency.js';
import { runSimBench } from './sim-raw.js';

/**
 * `npm run bench`: every benchmark, each row next to its anchor (measured in the same run,
 * or a named published figure). `--only NAME` runs one group.
 */
const groups: Record<string, () => Promise<BenchRow[]>> = {
  'prompt-latency': () => runPromptLatencyBench(),
  'sim-raw': () => runSimBench(),
  'fits-codec': () => runFitsCodecBench(),
  'lease-failover': async () => (await import('./lease-failover.js')).runLeaseFailoverBench(),
};

const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const rows: BenchRow[] = [];
for (const [name, run] of Object.entries(groups)) {
  if (only !== undefined && only !== name) continue;
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await run()));
}
process.stdout.write(`${formatBenchRows(rows)}\n`);
