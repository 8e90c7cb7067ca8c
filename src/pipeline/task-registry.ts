import { PromptlyError } from '../core/errors.js';
import type { AnyTaskDefinition } from './task.js';

/** The task kinds one process knows. Built once at start-up and passed in; never global. */
export class TaskRegistry {
  readonly #tasks = new Map<string, AnyTaskDefinition>();

  constructor(tasks: Iterable<AnyTaskDefinition> = []) {
    for (const task of tasks) this.add(task);
  }

  add(task: AnyTaskDefinition): this {
    if (this.#tasks.has(task.kind)) {
      throw new PromptlyError(
        'PROMPTLY_E_PIPELINE_CONFIG',
        `task kind "${task.kind}" registered twice`,
      );
    }
    this.#tasks.set(task.kind, task);
    return this;
  }

  get(kind: string): AnyTaskDefinition {
    const task = this.#tasks.get(kind);
    if (!task) {
      throw new PromptlyError(
        'PROMPTLY_E_PIPELINE_TASK_UNKNOWN',
        `no task kind "${kind}"; known: ${[...this.#tasks.keys()].join(', ')}`,
      );
    }
    return task;
  }

  has(kind: string): boolean {
    return this.#tasks.has(kind);
  }

  kinds(): string[] {
    return [...this.#tasks.keys()];
  }
}
