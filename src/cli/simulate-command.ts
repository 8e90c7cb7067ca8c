import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { PromptlyError } from '../core/errors.js';
import { simulateDataset, type DatasetManifest } from '../sim/simulate-dataset.js';
import { openRepo } from './backends.js';

/** Options of `promptly simulate`, as commander parses them. */
export interface SimulateOptions {
  readonly config?: string;
  readonly instrument: string;
  readonly visits: string;
  /** Nights (a multi-night dataset: fields revisited, objects with history). */
  readonly nights?: string;
  /** Observing night (dayObs, YYYY-MM-DD) of the first night. */
  readonly date?: string;
  readonly out: string;
  readonly scale: string;
  readonly seed?: string;
  readonly faults?: string;
  readonly templates: boolean;
  readonly repo: boolean;
}

function numberOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `--${name} must be a number, got "${value}"`,
    );
  }
  return n;
}

/**
 * Runs `promptly simulate`: a self-contained dataset (raws, calibrations, templates, event
 * log, truth) in `--out`, plus a central repo in `<out>/repo` with the calibrations certified
 * and the templates ingested (unless `--no-repo`). Full size unless `--scale` says otherwise.
 */
export async function runSimulate(
  o: SimulateOptions,
  log: (line: string) => void = () => {},
): Promise<DatasetManifest> {
  const faults = (o.faults ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const config = loadConfig({
    ...(o.config ? { file: o.config } : {}),
    overrides: {
      instrument: o.instrument,
      sim: {
        visits: numberOption('visits', o.visits),
        ...(o.nights !== undefined ? { nights: numberOption('nights', o.nights) } : {}),
        ...(o.date !== undefined ? { nightDate: o.date } : {}),
        scale: numberOption('scale', o.scale),
        ...(o.seed !== undefined ? { seed: numberOption('seed', o.seed) } : {}),
        faults,
      },
    },
  });
  const outDir = path.resolve(o.out);
  const repo = o.repo
    ? await openRepo(path.join(outDir, 'repo'), { kind: 'sqlite' }, true)
    : undefined;
  try {
    return await simulateDataset({
      instrument: config.instrument,
      sim: config.sim,
      outDir,
      templates: o.templates,
      ...(repo ? { repo } : {}),
      log,
    });
  } finally {
    await repo?.close();
  }
}

/** Registers `promptly simulate`. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'Simulate a night offline into a directory: Rice-compressed raws, calibrations, templates, event log, truth.',
    )
    .option('-c, --config <file>', 'YAML configuration file (its sim section)')
    .requiredOption('-i, --instrument <name>', 'LATISS, LSSTComCam or LSSTCam')
    .option('-n, --visits <n>', 'visits per night (0: every slot of the night)', '2')
    .option('--nights <n>', 'nights observed, fields revisited from night to night', '1')
    .option('--date <yyyy-mm-dd>', 'observing night (dayObs) of the first night at Cerro Pachón')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('--scale <s>', 'linear size of the camera, (0, 1]', '1')
    .option('--seed <k>', 'seed of every random choice')
    .option(
      '--faults <list>',
      'comma-separated faults, name[@visit[:detector]]: dropped-snap, delayed-image, duplicate-next-visit, corrupt-file, truncated-file, aborted-visit, next-visit-no-images, images-no-next-visit, detector-no-readout',
    )
    .option('--no-templates', 'skip the deep templates')
    .option('--no-repo', 'do not ingest calibrations and templates into <out>/repo')
    .action(async (o: SimulateOptions) => {
      const m = await runSimulate(o, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(
        `${m.instrument}: ${m.visits.length} visits over ${new Set(m.visits.map((v) => v.night)).size} night(s), ${m.raws.length} raws, ${m.calibrations.length} calibrations, ${m.templates.length} templates, ${m.truth.length} truth tables in ${path.resolve(o.out)}\n`,
      );
    });
}
