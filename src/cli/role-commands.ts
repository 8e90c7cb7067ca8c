import type { Command } from 'commander';
import type { Config } from '../core/config.js';
import { runRole, type RoleCommandOptions, type RunningRole } from './role-runner.js';

/** The roles of a distributed deployment, each a `promptly <role>` process. */
export const ROLES: Record<
  string,
  { description: string; start: () => Promise<(config: Config) => Promise<RunningRole>> }
> = {
  fanout: {
    description:
      'Accept next_visit events (HTTP, and the bus under a lease), record them, enqueue work.',
    start: async () => (await import('./roles/fanout-role.js')).startFanoutRole,
  },
  router: {
    description:
      'Route raw arrival notices (S3 events, webhook, store listing) to visit-detectors.',
    start: async () => (await import('./roles/router-role.js')).startRouterRole,
  },
  worker: {
    description: 'Process visit-detectors from the work queue: preload, ingest, pipeline, outcome.',
    start: async () => (await import('./roles/worker-role.js')).startWorkerRole,
  },
  recorder: {
    description:
      'Under a lease: dead letters to outcomes, reconcile the ledger, report orphan raws.',
    start: async () => (await import('./roles/recorder-role.js')).startRecorderRoleProcess,
  },
  archive: {
    description:
      'The base half of the archive path: hand-off by hard links, OODS ingest and expiry, Data Backbone copies.',
    start: async () => (await import('./roles/archive-role.js')).startArchiveRole,
  },
  'header-service': {
    description:
      'The Header Service: one metadata object per image from the camera events and visit telemetry (archive.headerService: role).',
    start: async () => (await import('./roles/header-service-role.js')).startHeaderServiceRole,
  },
  'job-manager': {
    description:
      'The job manager: REST API, data-arrival gates, local or Slurm batch jobs, catch-up processing of what the night missed.',
    start: async () => (await import('./roles/job-manager-role.js')).startJobManagerRole,
  },
  summit: {
    description:
      'The summit simulator: calibrations, next_visit events and raws for a night (with the DAQ, header service, image writer and catch-up archiver).',
    start: async () => (await import('./roles/summit-role.js')).startSummitRole,
  },
};

/** `promptly fanout|router|worker|recorder|summit --config FILE [--health-port N]`. */
export function registerRoleCommand(program: Command, name: string): void {
  const role = ROLES[name];
  if (!role) return;
  program
    .command(name)
    .description(role.description)
    .option('-c, --config <file>', 'YAML configuration (backend URLs); PROMPTLY_* env overrides')
    .option('--health-port <n>', 'port of /healthz and /readyz (0 = any free port)', '9090')
    .option('--health-host <host>', 'address the health endpoints listen on', '0.0.0.0')
    .option(
      '--exit-with-parent',
      'drain and exit when stdin closes (the parent that started this role is gone)',
    )
    .action(async (o: RoleCommandOptions) => {
      const start = await role.start();
      await runRole(name, o, (config) => start(config));
    });
}
