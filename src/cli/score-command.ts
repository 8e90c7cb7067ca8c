import type { Command } from 'commander';
import { loadConfig } from '../core/config.js';
import { formatNightScore, type NightScore } from '../score/score-dia.js';
import { scoreRun } from '../score/score-run.js';
import { openCentralRepo } from './backends.js';

/** Options of `promptly score`. */
export interface ScoreCommandOptions {
  readonly config?: string;
  readonly workDir?: string;
  readonly instrument?: string;
  /** Directory with `truth/`; default the work dir (where `up` leaves it). */
  readonly truth?: string;
}

/**
 * Scores the DIA sources a deployment's workers exported against the simulator's truth
 * (see src/score): what `up` prints after a night, for any run that is still on disk.
 */
export async function scoreCommand(o: ScoreCommandOptions): Promise<NightScore | undefined> {
  const overrides: Record<string, unknown> = {};
  if (o.workDir !== undefined) overrides.workDir = o.workDir;
  if (o.instrument !== undefined) overrides.instrument = o.instrument;
  const config = loadConfig({
    ...(o.config ? { file: o.config } : {}),
    env: process.env,
    overrides,
  });
  const central = await openCentralRepo(config);
  try {
    return await scoreRun({
      central,
      instrument: config.instrument,
      truthDir: o.truth ?? config.workDir,
    });
  } finally {
    await central.close();
  }
}

export function registerScoreCommand(program: Command): void {
  program
    .command('score')
    .description(
      "Scores a run's DIA sources against the simulator's truth: completeness by S/N and magnitude, false sources, offsets, photometric bias.",
    )
    .option('-c, --config <file>', 'YAML configuration of the deployment')
    .option('--work-dir <dir>', 'work dir of the run (an `up` work dir)')
    .option('--instrument <name>', 'instrument of the run')
    .option('--truth <dir>', 'directory holding truth/<group>/<detector>.json (default: work dir)')
    .option('--json', 'print JSON', false)
    .action(async (o: ScoreCommandOptions & { json: boolean }) => {
      const score = await scoreCommand(o);
      if (!score) {
        process.stderr.write('promptly score: no DIA sources with truth in this run\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        o.json ? `${JSON.stringify(score, null, 2)}\n` : `${formatNightScore(score)}\n`,
      );
    });
}
