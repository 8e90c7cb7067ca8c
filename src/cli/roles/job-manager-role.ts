import type { Config } from '../../core/config.js';
import { startJobService } from '../jobs/job-service.js';
import type { RunningRole } from '../role-runner.js';

/**
 * The job manager as a role (`promptly job-manager`): the REST API on `jobs.host:jobs.port`
 * (8470 unless set), jobs in `jobs.store` (PostgreSQL for a deployment of several machines),
 * run by `jobs.backend` (Slurm on a cluster), gated on the deployment's bus, and a
 * catch-up processing job for each of the archive's reprocess requests. SIGTERM stops taking
 * requests; batch jobs go on running and the next start re-attaches to them.
 */
export async function startJobManagerRole(config: Config): Promise<RunningRole> {
  const service = await startJobService(config, {
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`job manager on ${service.url}\n`);
  let stopping = false;
  return {
    state: () => (stopping ? 'STOPPING' : 'RUNNING'),
    notReadyReason: () => undefined,
    detail: () => ({ url: service.url }),
    async drain() {
      stopping = true;
      await service.close();
    },
  };
}
