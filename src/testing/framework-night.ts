import path from 'node:path';
import { packageRoot } from '../core/package-root.js';

/**
 * A night for tests and benchmarks of the framework (fan-out, ingest, recovery, chaos, lag),
 * not of the science: ISR and detection only (`framework-pipelines.yaml`) on the miniature
 * camera (scale 0.125), so they cost what they did before Alert Production became `up`'s
 * default. The science path has tests of its own (`up-command.test.ts`, the pipeline tasks).
 */
export const FRAMEWORK_PIPELINES_FILE = path.join(
  packageRoot(),
  'src',
  'testing',
  'framework-pipelines.yaml',
);

/** Linear size of the framework night's camera (see `sim.scale`). */
export const FRAMEWORK_SIM_SCALE = 0.125;

/** The framework night as config (merged into a test's own). */
export const FRAMEWORK_CONFIG = {
  pipelines: { file: FRAMEWORK_PIPELINES_FILE },
  sim: { scale: FRAMEWORK_SIM_SCALE },
} as const;

/** The framework night as environment variables for a spawned `promptly`. */
export function frameworkEnv(): Record<string, string> {
  return {
    PROMPTLY_PIPELINES__FILE: FRAMEWORK_PIPELINES_FILE,
    PROMPTLY_SIM__SCALE: String(FRAMEWORK_SIM_SCALE),
  };
}
