import { PromptlyError, type ErrorDetail } from '../core/errors.js';
import {
  issueKeyPath,
  parseYamlSource,
  readYamlSource,
  type YamlSource,
} from '../core/yaml-source.js';
import { pipelinesFileSchema, type SelectionRule } from './pipeline-definition.js';
import type { TaskRegistry } from './task-registry.js';
import type { AnyTaskDefinition } from './task.js';

/** A pipeline step with its task resolved and its config validated. */
export interface CompiledStep {
  readonly label: string;
  readonly task: AnyTaskDefinition;
  readonly config: unknown;
}

export interface CompiledPipeline {
  readonly name: string;
  readonly description: string;
  readonly steps: readonly CompiledStep[];
  /** Input dataset types any step needs (beyond raws). */
  readonly requires: readonly string[];
  /** Input dataset types steps read when present (`TaskDefinition.uses`), not in `requires`. */
  readonly uses?: readonly string[];
  /** Output dataset types the steps write. */
  readonly produces: readonly string[];
}

/** Pipelines and selection rules, validated against a task registry; read-only. */
export interface PipelineSet {
  readonly source: string;
  readonly pipelines: ReadonlyMap<string, CompiledPipeline>;
  readonly rules: readonly SelectionRule[];
}

function fail(source: YamlSource, details: ErrorDetail[]): never {
  throw new PromptlyError(
    'PROMPTLY_E_PIPELINE_CONFIG',
    `invalid pipeline configuration:\n${details.map((d) => `  ${d.path}: ${d.message}`).join('\n')}`,
    { details },
  );
}

/**
 * Validates a parsed pipelines file: the schema, every task kind, every task config, labels
 * unique in a pipeline, and every pipeline a rule names. All problems are reported at once,
 * each with its line.
 */
export function compilePipelineSet(source: YamlSource, tasks: TaskRegistry): PipelineSet {
  const parsed = pipelinesFileSchema.safeParse(source.value);
  if (!parsed.success) {
    fail(
      source,
      parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.') || '(root)',
        message: `${i.message}${source.locate(issueKeyPath(i))}`,
      })),
    );
  }
  const problems: ErrorDetail[] = [];
  const pipelines = new Map<string, CompiledPipeline>();
  for (const [name, def] of Object.entries(parsed.data.pipelines)) {
    const steps: CompiledStep[] = [];
    const labels = new Set<string>();
    def.tasks.forEach((step, i) => {
      const at = ['pipelines', name, 'tasks', i];
      const label = step.label ?? step.task;
      if (labels.has(label)) {
        problems.push({
          path: at.join('.'),
          message: `duplicate step label "${label}"${source.locate(at)}`,
        });
      }
      labels.add(label);
      if (!tasks.has(step.task)) {
        problems.push({
          path: [...at, 'task'].join('.'),
          message: `unknown task kind "${step.task}" (known: ${tasks.kinds().join(', ')})${source.locate([...at, 'task'])}`,
        });
        return;
      }
      const task = tasks.get(step.task);
      const config = task.configSchema.safeParse(step.config);
      if (!config.success) {
        for (const issue of config.error.issues) {
          const p = [...at, 'config', ...issueKeyPath(issue)];
          problems.push({
            path: p.map(String).join('.'),
            message: `${issue.message}${source.locate(p)}`,
          });
        }
        return;
      }
      steps.push({ label, task, config: config.data });
    });
    const requires = [...new Set(steps.flatMap((s) => s.task.requires(s.config)))];
    const produces = [...new Set(steps.flatMap((s) => s.task.produces(s.config)))];
    const uses = [...new Set(steps.flatMap((s) => s.task.uses?.(s.config) ?? []))].filter(
      (t) => !requires.includes(t),
    );
    pipelines.set(name, { name, description: def.description, steps, requires, produces, uses });
  }
  parsed.data.selection.forEach((rule, i) => {
    rule.pipelines.forEach((name, j) => {
      if (!pipelines.has(name)) {
        const p = ['selection', i, 'pipelines', j];
        problems.push({
          path: p.join('.'),
          message: `no pipeline named "${name}"${source.locate(p)}`,
        });
      }
    });
  });
  if (problems.length > 0) fail(source, problems);
  return Object.freeze({ source: source.file, pipelines, rules: parsed.data.selection });
}

/** Loads and compiles a pipelines YAML file. */
export function loadPipelineSet(file: string, tasks: TaskRegistry): PipelineSet {
  return compilePipelineSet(readYamlSource(file, 'PROMPTLY_E_PIPELINE_CONFIG'), tasks);
}

/** Compiles pipelines YAML given as text (`name` appears in messages). */
export function parsePipelineSet(text: string, name: string, tasks: TaskRegistry): PipelineSet {
  return compilePipelineSet(parseYamlSource(text, name, 'PROMPTLY_E_PIPELINE_CONFIG'), tasks);
}
