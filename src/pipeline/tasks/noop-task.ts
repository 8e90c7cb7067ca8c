import { z } from 'zod';
import type { TaskDefinition } from '../task.js';

/** Does nothing: measures the framework's own overhead, and stands in where no science runs. */
export const noopTask: TaskDefinition<Record<string, never>> = {
  kind: 'noop',
  summary: 'Does nothing (framework overhead benchmarks, plumbing tests).',
  configSchema: z.strictObject({}),
  requires: () => [],
  produces: () => [],
  run: async () => {},
};
