import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { deploymentClock } from '../core/clock.js';
import { loadConfig } from '../core/config.js';
import { PromptlyError } from '../core/errors.js';
import { defaultPipelinesFile } from '../pipeline/default-pipelines.js';
import { loadPipelineSet } from '../pipeline/pipeline-set.js';
import { builtinTaskRegistry } from '../pipeline/tasks/builtin-tasks.js';
import { reprocessVisitDetector } from '../prompt/catch-up/reprocess.js';
import {
  openApdb,
  openBus,
  openCentralRepo,
  openDbbStore,
  openLedger,
  openRepo,
} from './backends.js';

/** Exit code of a catch-up run that recorded an outcome other than `processed`. */
export const NOT_PROCESSED_EXIT = 3;

/**
 * `promptly reprocess --group G --detector D`: catch-up processing of one visit-detector from
 * its archived raws (the job manager's `reprocess` job type runs it). Prints the recorded
 * outcome as JSON; exits 0 when it is `processed`, 3 when another outcome was recorded.
 */
export function registerReprocessCommand(program: Command): void {
  program
    .command('reprocess')
    .description(
      'Process again a visit-detector the night did not process, from its raws in the Data Backbone.',
    )
    .requiredOption('--group <group>', 'the visit (group id)')
    .requiredOption('--detector <n>', 'the detector')
    .option('-c, --config <file>', 'YAML configuration of the deployment')
    .option('--work-dir <dir>', "the deployment's work directory (default: the config's)")
    .action(async (o: { group: string; detector: string; config?: string; workDir?: string }) => {
      const detector = Number(o.detector);
      if (!Number.isInteger(detector) || detector < 0 || detector > 10_000)
        throw new PromptlyError(
          'PROMPTLY_E_JOB_INVALID',
          `--detector must be an integer in 0..10000, got ${o.detector}`,
        );
      if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(o.group))
        throw new PromptlyError(
          'PROMPTLY_E_JOB_INVALID',
          `--group ${JSON.stringify(o.group)} is not a group id`,
        );
      const config = loadConfig({
        ...(o.config ? { file: o.config } : {}),
        env: process.env,
        ...(o.workDir ? { overrides: { workDir: o.workDir } } : {}),
      });
      const scratchRoot = path.join(config.workDir, 'reprocess');
      await mkdir(scratchRoot, { recursive: true });
      const scratchDir = await mkdtemp(path.join(scratchRoot, `${o.group}-${detector}-`));
      const bus = await openBus(config);
      const central = await openCentralRepo(config, config.store.durable);
      const local = await openRepo(path.join(scratchDir, 'local'), { kind: 'sqlite' }, false);
      const apdb = await openApdb(config);
      const ledger = await openLedger(config);
      const dbbStore = await openDbbStore(config);
      try {
        const outcome = await reprocessVisitDetector(
          {
            config,
            bus,
            clock: deploymentClock(config.sim),
            central,
            local,
            apdb,
            ledger,
            dbbStore,
            pipelines: loadPipelineSet(
              config.pipelines.file ?? defaultPipelinesFile(),
              builtinTaskRegistry(),
            ),
            scratchDir,
          },
          { group: o.group, detector },
        );
        process.stdout.write(`${JSON.stringify(outcome)}\n`);
        if (outcome.kind !== 'processed') process.exitCode = NOT_PROCESSED_EXIT;
      } finally {
        await dbbStore.close();
        await ledger.dispose();
        await apdb.dispose();
        await local.close();
        await central.close();
        await bus.close();
        await rm(scratchDir, { recursive: true, force: true });
      }
    });
}
