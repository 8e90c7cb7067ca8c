import path from 'node:path';
import { packageRoot } from '../core/package-root.js';

/** The pipelines file promptly ships, used when the config names none. */
export function defaultPipelinesFile(): string {
  return path.join(packageRoot(), 'config', 'pipelines.yaml');
}
