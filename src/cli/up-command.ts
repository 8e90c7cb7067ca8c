import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { loadConfig, mergeConfig } from '../core/config.js';
import { resetDistributedState } from './distributed-reset.js';
import { formatNightSummary } from '../observe/night-summary.js';
import { formatNightScore } from '../score/score-dia.js';
import { runNight } from './run-night.js';
import { resetWorkDir } from './work-dir.js';

interface UpOptions {
  config?: string;
  instrument?: string;
  visits?: string;
  speed?: string;
  workers?: string;
  summary?: string;
  workDir?: string;
  display: boolean;
  keep: boolean;
  distributed: boolean;
  workerProcesses?: string;
}

/** After a second Ctrl-C, the process exits by force if it has not ended within this. */
const FORCE_EXIT_AFTER_MS = 3000;

function forceExit(why: string): void {
  process.stderr.write(`promptly: exiting now (${why})\n`);
  process.exit(130);
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${value}"`);
  return n;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  const n = numberOption(name, value);
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 64))
    throw new Error(`--${name} must be an integer in 1..64, got "${value}"`);
  return n;
}

/** Local servers `up --distributed` uses when the config names none. */
const LOCAL_NATS = process.env.PROMPTLY_NATS_URL ?? 'nats://127.0.0.1:4222';
const LOCAL_POSTGRES =
  process.env.PROMPTLY_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The night's configuration: file < env < options. With `--distributed`, a config that keeps
 * the in-process bus or a SQLite registry gets the local NATS server and PostgreSQL instead
 * (a schema named after the work dir, so `--keep` finds it again); without `--keep` the
 * work dir, that schema and the bus's streams start empty.
 */
async function upConfig(o: UpOptions) {
  const base = { ...(o.config ? { file: o.config } : {}), env: process.env };
  let config = loadConfig({ ...base, overrides: upOverrides(o) });
  if (o.distributed) {
    const extra: Record<string, unknown> = {};
    if (config.bus.kind === 'memory') extra.bus = { kind: 'nats', servers: [LOCAL_NATS] };
    if (config.centralRepo.registry.kind === 'sqlite') {
      const schema = `promptly_${createHash('sha256').update(config.workDir).digest('hex').slice(0, 16)}`;
      extra.centralRepo = { registry: { kind: 'postgres', url: LOCAL_POSTGRES, schema } };
    }
    if (Object.keys(extra).length > 0)
      config = loadConfig({
        ...base,
        overrides: mergeConfig(upOverrides(o), extra) as Record<string, unknown>,
      });
  }
  if (!o.keep) {
    await resetWorkDir(config.workDir);
    if (o.distributed) await resetDistributedState(config);
  }
  return config;
}

/** Command-line options as config overrides (they win over file and environment). */
export function upOverrides(o: UpOptions): Record<string, unknown> {
  const sim: Record<string, unknown> = {};
  const worker: Record<string, unknown> = {};
  const out: Record<string, unknown> = {};
  if (o.instrument !== undefined) out.instrument = o.instrument;
  if (o.workDir !== undefined) out.workDir = o.workDir;
  const visits = numberOption('visits', o.visits);
  if (visits !== undefined) sim.visits = visits;
  const speed = numberOption('speed', o.speed);
  if (speed !== undefined) sim.speed = speed;
  const workers = numberOption('workers', o.workers);
  if (workers !== undefined) worker.slots = workers;
  if (Object.keys(sim).length > 0) out.sim = sim;
  if (Object.keys(worker).length > 0) out.worker = worker;
  return out;
}

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description(
      'Run a night in miniature in one process: summit simulator, fan-out, workers, central repo.',
    )
    .option('-c, --config <file>', 'YAML configuration file')
    .option('-i, --instrument <name>', 'LATISS, LSSTComCam or LSSTCam')
    .option('-n, --visits <n>', 'visits in the night; 0 = until Ctrl-C')
    .option('-s, --speed <x>', 'summit clock speed (× real time)')
    .option('-w, --workers <n>', 'worker slots (visit-detectors processed at once)')
    .option('--summary <file>', 'write a JSON summary of the night')
    .option('--work-dir <dir>', 'where the embedded backends keep their files')
    .option('--no-display', 'no live progress display')
    .option(
      '--keep',
      'keep what the work dir holds from an earlier night (default: start clean)',
      false,
    )
    .option(
      '--distributed',
      'every role in its own process, on NATS JetStream and PostgreSQL (the config names them; default the local servers)',
      false,
    )
    .option('--worker-processes <n>', 'worker processes with --distributed (default 2)')
    .action(async (o: UpOptions) => {
      const config = await upConfig(o);
      const soft = new AbortController();
      const hard = new AbortController();
      const onSigint = (): void => {
        if (!soft.signal.aborted) {
          process.stderr.write(
            '\nstopping: no new visits; finishing those announced (Ctrl-C again to abort)\n',
          );
          soft.abort();
          return;
        }
        if (!hard.signal.aborted) {
          // Aborting loses nothing: accepted visits are in the ledger and a later run's
          // reconciler finishes them. So a second Ctrl-C always ends the process, at once if
          // the orderly abort does not finish within a few seconds.
          process.stderr.write('\naborting; work in flight resumes on the next run\n');
          hard.abort();
          setTimeout(() => forceExit('abort did not finish'), FORCE_EXIT_AFTER_MS).unref();
          return;
        }
        forceExit('third interrupt');
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        const night = {
          config,
          ...(o.summary ? { summaryFile: o.summary } : {}),
          display: o.display,
          signal: soft.signal,
          hardSignal: hard.signal,
          log: (line: string) => process.stderr.write(`${line}\n`),
        };
        const summary = o.distributed
          ? await (
              await import('./distributed-night.js')
            ).runDistributedNight({
              ...night,
              workers: positiveInt('worker-processes', o.workerProcesses) ?? 2,
            })
          : await runNight(night);
        process.stdout.write(`\n${formatNightSummary(summary)}\n`);
        if (summary.score) process.stdout.write(`\n${formatNightScore(summary.score)}\n`);
        const lost = summary.visits.reduce(
          (n, v) => n + v.detectorsExpected - (v.processed + v.failed + v.timedOut + v.skipped),
          0,
        );
        if (lost > 0) {
          process.stderr.write(`${lost} visit-detectors have no recorded outcome\n`);
          process.exitCode = 2;
        }
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
}
