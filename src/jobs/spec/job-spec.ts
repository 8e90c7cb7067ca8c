import { z } from 'zod';
import { PromptlyError } from '../../core/errors.js';
import { parseYamlSource, readYamlSource, type YamlSource } from '../../core/yaml-source.js';

/**
 * Job types, from a YAML file (`jobs.specsFile`, default `config/jobs.yaml`):
 *
 * ```yaml
 * jobTypes:
 *   echo:
 *     description: Prints a message.
 *     command: [/bin/echo, "{message}"]      # argv, no shell; argv[0] absolute or on setEnv's PATH
 *     parameters:
 *       message: { type: string, default: hello, maxLength: 200 }
 *     env: [LANG]                            # passed from the manager's environment, required
 *     setEnv: { PATH: /usr/bin:/bin }        # fixed values
 *     resources: { cores: 1, memoryMiB: 256, timeLimitS: 600 }
 *     needs:                                 # data that must exist before the job is queued
 *       - { kind: archived, instrument: "{instrument}", image: "{image}" }
 *     gateTimeoutS: 3600
 * ```
 *
 * `{name}` in a command argument or a dependency field is replaced by the parameter's value;
 * `{$node}`, `{$promptly}` and `{$config}` by this Node.js, promptly's CLI script and the
 * deployment's configuration file (so a job type can run promptly's own commands).
 * A job's process gets exactly `env` and `setEnv` (plus PROMPTLY_JOB_ID and
 * PROMPTLY_JOB_RESULTS): nothing else of the manager's environment reaches it.
 */

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const text = z.string().max(4096);

const parameterSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('string'),
    description: text.optional(),
    default: text.optional(),
    /** A regular expression the whole value must match. */
    pattern: z.string().max(512).optional(),
    maxLength: z.number().int().min(1).max(4096).default(1024),
  }),
  z.strictObject({
    type: z.literal('integer'),
    description: text.optional(),
    default: z.number().int().optional(),
    min: z.number().int().default(Number.MIN_SAFE_INTEGER),
    max: z.number().int().default(Number.MAX_SAFE_INTEGER),
  }),
  z.strictObject({
    type: z.literal('number'),
    description: text.optional(),
    default: z.number().optional(),
    min: z.number().default(-Number.MAX_VALUE),
    max: z.number().default(Number.MAX_VALUE),
  }),
  z.strictObject({
    type: z.literal('boolean'),
    description: text.optional(),
    default: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('enum'),
    description: text.optional(),
    values: z.array(z.string().min(1).max(256)).min(1).max(256),
    default: z.string().optional(),
  }),
]);
export type ParameterSpec = z.infer<typeof parameterSchema>;

const dependencySchema = z.strictObject({
  kind: z.enum(['archived', 'ingested']),
  instrument: z.string().min(1).max(256),
  image: z.string().min(1).max(512),
});

const jobTypeSchema = z.strictObject({
  description: text.optional(),
  command: z.array(z.string().min(1).max(4096)).min(1).max(256),
  parameters: z
    .record(z.string().regex(NAME, 'parameter names: lower-case, [a-z0-9_-]'), parameterSchema)
    .default({}),
  env: z.array(z.string().regex(ENV_NAME)).max(256).default([]),
  setEnv: z.record(z.string().regex(ENV_NAME), z.string().max(4096)).default({}),
  resources: z
    .strictObject({
      cores: z.number().int().min(1).max(256).default(1),
      memoryMiB: z.number().int().min(1).max(4_194_304).default(1024),
      timeLimitS: z.number().int().min(1).max(604_800).default(3600),
    })
    .prefault({}),
  needs: z.array(dependencySchema).max(1024).default([]),
  /** Longest wait for `needs`, s (then the job ends in ERROR). */
  gateTimeoutS: z.number().int().min(1).max(604_800).default(86_400),
});

export const jobSpecsSchema = z.strictObject({
  jobTypes: z.record(
    z.string().regex(NAME, 'job type names: lower-case, [a-z0-9_-]'),
    jobTypeSchema,
  ),
});

/** One job type, validated, with its defaults filled. */
export type JobTypeSpec = z.infer<typeof jobTypeSchema>;
export type JobSpecs = ReadonlyMap<string, JobTypeSpec>;

function compile(source: YamlSource): JobSpecs {
  const parsed = jobSpecsSchema.safeParse(source.value);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: `${i.path.join('.')}: ${i.message}${source.locate(i.path)}`,
    }));
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `job specs ${source.file}:\n${details.map((d) => d.message).join('\n')}`,
      { details },
    );
  }
  for (const [type, spec] of Object.entries(parsed.data.jobTypes)) {
    const templates = [...spec.command, ...spec.needs.flatMap((n) => [n.instrument, n.image])];
    for (const t of templates) {
      for (const m of t.matchAll(/\{(\$?)([^}]*)\}/g)) {
        const known = m[1]
          ? ['node', 'promptly', 'config'].includes(m[2] ?? '')
          : Object.hasOwn(spec.parameters, m[2] ?? '');
        if (!known)
          throw new PromptlyError(
            'PROMPTLY_E_CONFIG_INVALID',
            `job specs: ${type} refers to ${m[0]}, which is neither a parameter nor {$node}, {$promptly}, {$config}`,
          );
      }
    }
    for (const [name, p] of Object.entries(spec.parameters)) {
      if (p.type === 'string' && p.pattern !== undefined) {
        try {
          new RegExp(p.pattern, 'u');
        } catch (err) {
          throw new PromptlyError(
            'PROMPTLY_E_CONFIG_INVALID',
            `job specs: ${type}.parameters.${name}.pattern is not a regular expression`,
            { cause: err },
          );
        }
      }
    }
  }
  return new Map(Object.entries(parsed.data.jobTypes));
}

/** Reads and validates a job specs file (PROMPTLY_E_CONFIG_INVALID names the line). */
export function loadJobSpecs(file: string): JobSpecs {
  return compile(readYamlSource(file, 'PROMPTLY_E_CONFIG_INVALID'));
}

/** Validates job specs given as YAML text (tests, and specs from another source). */
export function parseJobSpecs(yamlText: string, file = '<job specs>'): JobSpecs {
  return compile(parseYamlSource(yamlText, file, 'PROMPTLY_E_CONFIG_INVALID'));
}
