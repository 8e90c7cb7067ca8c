import { formatBenchRows, type BenchRow } from './bench-row.js';
import { runFitsCodecBench } from './fits-codec.js';
import { runPromptLatencyBench } from './prompt-latency.js';
import { runSimBench } from './sim-raw.js';

/**
 * `npm run bench`: every benchmark, each row next to its anchor (measured in the same run,
 * or a named published figure). `--only NAME` runs one group; opt-in groups (minutes long:
 * `up-lag` and `latiss-night`, real `promptly up` nights) run only when named.
 */
const groups: Record<string, () => Promise<BenchRow[]>> = {
  'bus-throughput': async () => (await import('./bus-throughput.js')).runBusThroughputBench(),
  'prompt-latency': () => runPromptLatencyBench(),
  'sim-raw': () => runSimBench(),
  'fits-codec': () => runFitsCodecBench(),
  'lease-failover': async () => (await import('./lease-failover.js')).runLeaseFailoverBench(),
  'prompt-latency-distributed': async () =>
    (await import('./prompt-latency-distributed.js')).runPromptLatencyDistributedBench(),
  'reconciler-catch-up': async () =>
    (await import('./reconciler-catch-up.js')).runReconcilerCatchUpBench(),
  'up-lag': async () => (await import('./up-lag.js')).runUpLagBench(),
  'latiss-night': async () => (await import('./latiss-night.js')).runLatissNightBench(),
  'detection-vs-sextractor': async () =>
    (await import('./detection-vs-sextractor.js')).runDetectionBench(),
  'alert-serialization': async () =>
    (await import('./alert-serialization.js')).runAlertSerializationBench(),
  'archive-path': async () => (await import('./archive-path.js')).runArchivePathBench(),
  'job-manager': async () => (await import('./job-manager.js')).runJobManagerBench(),
  'alert-production': async () => (await import('./alert-production.js')).runAlertProductionBench(),
};
const OPT_IN = new Set(['up-lag', 'latiss-night']);

const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const rows: BenchRow[] = [];
for (const [name, run] of Object.entries(groups)) {
  if (only !== undefined && only !== name) continue;
  if (only === undefined && OPT_IN.has(name)) {
    process.stderr.write(`bench: ${name} is opt-in (minutes long): --only ${name}\n`);
    continue;
  }
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await run()));
}
process.stdout.write(`${formatBenchRows(rows)}\n`);
