#!/usr/bin/env node
import { Command } from 'commander';
import { isPromptlyError } from '../core/errors.js';

/**
 * The `promptly` command. Each command group is imported only when it runs, so a short
 * command (`promptly fits info`) does not pay for loading the whole service.
 */
const program = new Command();
program
  .name('promptly')
  .description('Prompt processing for observatories: next_visit to pipeline outputs in seconds.')
  .showHelpAfterError();

const groups: Record<string, () => Promise<(p: Command) => void>> = {
  up: async () => (await import('./up-command.js')).registerUpCommand,
  fits: async () => (await import('./fits-command.js')).registerFitsCommands,
  wcs: async () => (await import('./wcs-command.js')).registerWcsCommands,
  simulate: async () => (await import('./simulate-command.js')).registerSimulateCommand,
  status: async () => (await import('./status-command.js')).registerStatusCommand,
  score: async () => (await import('./score-command.js')).registerScoreCommand,
  alerts: async () => (await import('./alerts-command.js')).registerAlertsCommands,
  'next-visit': async () => (await import('./next-visit-command.js')).registerNextVisitCommands,
  oods: async () => (await import('./oods-command.js')).registerOodsCommands,
  jobs: async () => (await import('./jobs/jobs-command.js')).registerJobsCommands,
  reprocess: async () => (await import('./reprocess-command.js')).registerReprocessCommand,
  reliability: async () => (await import('./reliability-command.js')).registerReliabilityCommands,
  ...Object.fromEntries(
    [
      'fanout',
      'router',
      'worker',
      'recorder',
      'summit',
      'archive',
      'header-service',
      'job-manager',
    ].map((role) => [
      role,
      async () => {
        const { registerRoleCommand } = await import('./role-commands.js');
        return (p: Command) => registerRoleCommand(p, role);
      },
    ]),
  ),
};

const wanted = process.argv[2];
const load = wanted !== undefined ? groups[wanted] : undefined;
for (const [name, loader] of Object.entries(groups)) {
  if (load === undefined || loader === load) (await loader())(program);
  else program.command(name).description(`(run \`promptly ${name} --help\`)`);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (isPromptlyError(err)) {
    process.stderr.write(`promptly: ${err.code}: ${err.message}\n`);
    process.exitCode = 1;
  } else throw err;
}
