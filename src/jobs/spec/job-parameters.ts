import type { ErrorDetail } from '../../core/errors.js';
import { PromptlyError } from '../../core/errors.js';
import type { JobDependency, ParameterValue } from '../job.js';
import type { JobTypeSpec, ParameterSpec } from './job-spec.js';

/**
 * Checks a request's parameters against a job type: every one declared, of its type and
 * within its bounds; defaults filled; a missing parameter without default is an error. All
 * problems are reported at once as field-level details (`parameters.<name>`), code
 * PROMPTLY_E_JOB_INVALID.
 */
export function resolveParameters(
  type: string,
  spec: JobTypeSpec,
  given: Readonly<Record<string, unknown>>,
): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  const details: ErrorDetail[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(spec.parameters, name))
      details.push({
        path: `parameters.${name}`,
        message: `job type ${type} has no parameter ${name}`,
      });
  }
  for (const [name, p] of Object.entries(spec.parameters)) {
    const raw = Object.hasOwn(given, name) ? given[name] : p.default;
    if (raw === undefined) {
      details.push({ path: `parameters.${name}`, message: 'required' });
      continue;
    }
    const problem = check(p, raw);
    if (problem) details.push({ path: `parameters.${name}`, message: problem });
    else out[name] = raw as ParameterValue;
  }
  if (details.length > 0)
    throw new PromptlyError(
      'PROMPTLY_E_JOB_INVALID',
      `invalid parameters for job type ${type}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      { details },
    );
  return out;
}

function check(p: ParameterSpec, v: unknown): string | undefined {
  switch (p.type) {
    case 'string':
      if (typeof v !== 'string') return 'must be a string';
      if (v.length > p.maxLength) return `longer than ${p.maxLength} characters`;
      if (p.pattern !== undefined && !new RegExp(`^(?:${p.pattern})$`, 'u').test(v))
        return `must match ${p.pattern}`;
      return undefined;
    case 'integer':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return 'must be an integer';
      if (v < p.min || v > p.max) return `must be in ${p.min}..${p.max}`;
      return undefined;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a finite number';
      if (v < p.min || v > p.max) return `must be in ${p.min}..${p.max}`;
      return undefined;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'must be true or false';
    case 'enum':
      return typeof v === 'string' && p.values.includes(v)
        ? undefined
        : `must be one of ${p.values.join(', ')}`;
  }
}

/** `{name}` replaced by the parameter's value; an unknown name is an error of the spec. */
export function substitute(
  template: string,
  values: Readonly<Record<string, ParameterValue>>,
): string {
  return template.replace(/\{([a-z][a-z0-9_-]*)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined)
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `job spec refers to {${name}}, which is not one of its parameters`,
      );
    return String(v);
  });
}

/** The job type's data dependencies with its parameters filled in. */
export function resolveDependencies(
  spec: JobTypeSpec,
  values: Readonly<Record<string, ParameterValue>>,
): JobDependency[] {
  return spec.needs.map((n) => ({
    kind: n.kind,
    instrument: substitute(n.instrument, values),
    image: substitute(n.image, values),
  }));
}
