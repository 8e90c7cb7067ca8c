import path from 'node:path';
import { packageRoot } from '../../core/package-root.js';

/** The job types promptly ships (`config/jobs.yaml`), used when the config names none. */
export function defaultJobSpecsFile(): string {
  return path.join(packageRoot(), 'config', 'jobs.yaml');
}
