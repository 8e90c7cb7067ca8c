import { z } from 'zod';

/** One step of a pipeline: a task kind and its config. */
export const taskStepSchema = z.strictObject({
  /** Step label, unique in the pipeline; defaults to the task kind. */
  label: z.string().min(1).optional(),
  /** Registered task kind, e.g. `isr`. */
  task: z.string().min(1),
  config: z.record(z.string(), z.unknown()).default({}),
});

export const pipelineSchema = z.strictObject({
  description: z.string().default(''),
  tasks: z.array(taskStepSchema).min(1),
});

/** Which visits a rule applies to; an absent criterion matches everything. */
export const selectionMatchSchema = z.strictObject({
  instrument: z.array(z.string()).min(1).optional(),
  survey: z.array(z.string()).min(1).optional(),
  band: z.array(z.string()).min(1).optional(),
  /** Boresight box in degrees: ra [min, max] (min > max wraps through 0), dec [min, max]. */
  region: z
    .strictObject({
      ra: z.tuple([z.number().min(0).max(360), z.number().min(0).max(360)]),
      dec: z.tuple([z.number().min(-90).max(90), z.number().min(-90).max(90)]),
    })
    .optional(),
});

export const selectionRuleSchema = z.strictObject({
  when: selectionMatchSchema.default({}),
  /** Pipelines to try in order: the first whose inputs are present runs. `[]` = skip. */
  pipelines: z.array(z.string()),
});

export const pipelinesFileSchema = z.strictObject({
  pipelines: z.record(z.string().regex(/^[A-Za-z][\w.-]*$/), pipelineSchema),
  /** Rules in order; the first that matches a visit wins. */
  selection: z.array(selectionRuleSchema).min(1),
});

export type TaskStep = z.output<typeof taskStepSchema>;
export type PipelineDefinition = z.output<typeof pipelineSchema>;
export type SelectionMatch = z.output<typeof selectionMatchSchema>;
export type SelectionRule = z.output<typeof selectionRuleSchema>;
export type PipelinesFile = z.output<typeof pipelinesFileSchema>;
