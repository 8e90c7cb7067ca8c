import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { readLabelledRun, type LabelledVisitDetector } from '../score/labelled-sources.js';
import { trainReliability, type TrainedReliability } from '../score/reliability-training.js';
import { openCentralRepo } from './backends.js';

/** Options of `promptly reliability train`. */
export interface ReliabilityTrainOptions {
  readonly config?: string;
  /** Work dirs of `up` runs with ApPipe (central repo and truth files). */
  readonly workDir: readonly string[];
  /** Where the model JSON goes. */
  readonly out: string;
  readonly instrument?: string;
  readonly testFraction?: string;
  readonly l2?: string;
  readonly positiveWeight?: string;
  /** How the training runs were made, recorded in the model before this command's own line. */
  readonly dataCommand?: readonly string[];
  /** This command as typed, recorded in the model (default: reconstructed from argv). */
  readonly commandLine?: string;
}

function numberIn(name: string, text: string | undefined, lo: number, hi: number) {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < lo || v > hi)
    throw new RangeError(`--${name} must be a number in [${lo}, ${hi}], got ${text}`);
  return v;
}

/**
 * Reads the labelled DIA sources of every work dir (src/score/labelled-sources.ts), trains the
 * reliability model (src/score/reliability-training.ts) and writes it to `out` (written aside,
 * then renamed). Returns the model and its held-out numbers.
 */
export async function reliabilityTrainCommand(
  o: ReliabilityTrainOptions,
  log: (line: string) => void = () => {},
): Promise<TrainedReliability> {
  if (o.workDir.length === 0) throw new RangeError('name at least one --work-dir');
  const testFraction = numberIn('test-fraction', o.testFraction, 0.05, 0.9);
  const l2 = numberIn('l2', o.l2, 1e-6, 1e6);
  const positiveWeight = numberIn('positive-weight', o.positiveWeight, 0.001, 1000);
  const all: LabelledVisitDetector[] = [];
  for (const workDir of o.workDir) {
    const config = loadConfig({
      ...(o.config ? { file: o.config } : {}),
      env: process.env,
      overrides: { workDir },
    });
    const central = await openCentralRepo(config, false);
    try {
      const run = await readLabelledRun({
        central,
        truthDir: workDir,
        ...(o.instrument ? { instrument: o.instrument } : {}),
      });
      const sources = run.visitDetectors.reduce((n, v) => n + v.sources.length, 0);
      log(
        `${workDir}: ${run.visitDetectors.length} visit-detectors, ${sources} DIA sources` +
          (run.skippedNoTruth > 0 ? `; ${run.skippedNoTruth} without truth skipped` : '') +
          (run.skippedNoStamps > 0
            ? `; ${run.skippedNoStamps} without stamps or PSFSIGMA skipped`
            : ''),
      );
      // work dirs may reuse group ids: keep visit-detectors apart by their work dir
      for (const v of run.visitDetectors)
        all.push({ ...v, key: `${path.basename(path.resolve(workDir))}/${v.key}` });
    } finally {
      await central.close();
    }
  }
  const commandLine =
    o.commandLine ?? ['promptly', ...process.argv.slice(2)].map(shellQuote).join(' ');
  const trained = trainReliability(all, {
    ...(testFraction !== undefined ? { testFraction } : {}),
    ...(l2 !== undefined ? { l2 } : {}),
    ...(positiveWeight !== undefined ? { positiveWeight } : {}),
    commands: [...(o.dataCommand ?? []), commandLine],
  });
  const tmp = `${o.out}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(trained.model, null, 2)}\n`);
  await rename(tmp, o.out);
  return trained;
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The held-out numbers as lines. */
export function formatHeldOut(trained: TrainedReliability): string {
  const t = trained.model.training;
  const h = trained.heldOut;
  const pct = (v: number | null | undefined) => (v == null ? 'n/a' : `${(100 * v).toFixed(1)}%`);
  const num = (v: number | null | undefined, d = 3) => (v == null ? 'n/a' : v.toFixed(d));
  return [
    `trained on ${t.sources.train} sources of ${t.visitDetectors.train} visit-detectors; held out ${t.sources.test} sources of ${t.visitDetectors.test} (real ${t.sources.real}, bogus ${t.sources.bogus}, ambiguous ${t.sources.ambiguous} not used)`,
    `held out: ROC AUC ${num(h.rocAuc)} (training ${num(h.trainRocAuc)}); at ${h.threshold}: purity ${pct(h.purity)}, completeness ${pct(h.completeness)}`,
    `held out as scored: false per visit-detector ${num(h.falsePerVisitDetector, 2)} (${num(h.falsePerVisitDetectorBefore, 2)} before the cut); completeness at S/N ≥ 10 ${pct(h.completenessSnr10)} (${pct(h.completenessSnr10Before)} before); purity ${pct(h.sourcePurity)}`,
  ].join('\n');
}

export function registerReliabilityCommands(program: Command): void {
  const group = program
    .command('reliability')
    .description('The real/bogus (reliability) model of DIA sources.');
  group
    .command('train')
    .description(
      "Trains the reliability model on runs' DIA sources labelled by the simulator's truth; prints its held-out numbers and writes it.",
    )
    .option('-c, --config <file>', 'YAML configuration of the runs (central repo backend)')
    .requiredOption(
      '--work-dir <dir>',
      'work dir of an `up` run with ApPipe (repeat for more runs)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .requiredOption('--out <file>', 'model JSON to write')
    .option('--instrument <name>', 'only this instrument’s runs (default: all)')
    .option('--test-fraction <f>', 'fraction of visit-detectors held out (default 0.3)')
    .option('--l2 <lambda>', 'L2 penalty on the standardised weights (default 1)')
    .option(
      '--positive-weight <w>',
      'weight of a real source against a bogus one in the fit; above 1 keeps more real ones (default 1)',
    )
    .option(
      '--data-command <cmd>',
      'a command that made the training data, recorded in the model (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .action(async (o: ReliabilityTrainOptions) => {
      const trained = await reliabilityTrainCommand(o, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(`${formatHeldOut(trained)}\nwrote ${o.out}\n`);
    });
}
