import type { TaskRegistry } from '../task-registry.js';
import { builtinTaskRegistry } from '../tasks/builtin-tasks.js';

/** The tasks a pipeline thread knows by default: those promptly ships. */
export function taskRegistry(): TaskRegistry {
  return builtinTaskRegistry();
}
