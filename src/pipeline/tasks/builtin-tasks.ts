import { TaskRegistry } from '../task-registry.js';
import { detectDiaTask } from './detect-dia-task.js';
import { calibrateTask } from './calibrate-task.js';
import { detectTask } from './detect-task.js';
import { externalTask } from './external-task.js';
import { isrTask } from './isr-task.js';
import { noopTask } from './noop-task.js';
import { subtractTask } from './subtract-task.js';

/** A registry of the tasks promptly ships: noop, isr, detect, subtract, detectDia, external. */
export function builtinTaskRegistry(): TaskRegistry {
  return new TaskRegistry([
    noopTask,
    isrTask,
    detectTask,
    calibrateTask,
    subtractTask,
    detectDiaTask,
    externalTask,
  ]);
}
