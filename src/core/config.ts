import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { configSchema, type ParsedConfig } from './config-schema.js';
import { PromptlyError, type ErrorDetail } from './errors.js';
import { activeDetectors, getInstrument } from './instruments.js';
import { issueKeyPath, readYamlSource } from './yaml-source.js';

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type ParsedStore = ParsedConfig['store'];
/**
 * The compiled store: the fs kind with its root resolved; the s3 kind as written, with
 * `durable: true` (an acknowledged S3 put is durable), so `store.durable` reads for both.
 */
export type CompiledStoreConfig =
  | (Extract<ParsedStore, { kind: 'fs' }> & { root: string })
  | (Extract<ParsedStore, { kind: 's3' }> & { durable: true });

/** Stage 3: defaults filled, paths absolute, frozen. */
export type Config = DeepReadonly<
  Omit<ParsedConfig, 'store'> & {
    workDir: string;
    store: CompiledStoreConfig;
    centralRepo: ParsedConfig['centralRepo'] & { root: string };
    archive: ParsedConfig['archive'] & { root: string };
    jobs: ParsedConfig['jobs'] & { root: string };
    worker: ParsedConfig['worker'] & {
      localRepoRoot: string;
      slots: number;
      pipelineConcurrency: number;
    };
    /** Where the values came from, for `promptly config`. */
    sources: string[];
  }
>;

export interface LoadConfigOptions {
  /** YAML file; absent = defaults only. */
  readonly file?: string;
  /** Environment to read `PROMPTLY_*` overrides from (default: none). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Values that win over file and env (command-line options). */
  readonly overrides?: Record<string, unknown>;
  /** Base for relative paths (default: the file's directory, else the cwd). */
  readonly cwd?: string;
}

const ENV_PREFIX = 'PROMPTLY_';

function camel(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function parseEnvValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * `PROMPTLY_WORKER__IMAGE_TIMEOUT_MS=5000` sets `worker.imageTimeoutMs`: `__` separates
 * levels, each level is SNAKE_CASE of the camelCase key. Values are JSON when they parse.
 */
export function envOverrides(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const keys = name.slice(ENV_PREFIX.length).split('__').map(camel);
    let node = out;
    keys.forEach((key, i) => {
      if (i === keys.length - 1) {
        node[key] = parseEnvValue(raw);
      } else {
        const next = node[key];
        node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<
          string,
          unknown
        >;
      }
    });
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, everything else replaces. */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeConfig(base[k], v);
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  locate: (p: readonly PropertyKey[]) => string,
): ErrorDetail[] {
  return issues.map((issue) => {
    const where = issue.path.map(String).join('.') || '(root)';
    return { path: where, message: `${issue.message}${locate(issueKeyPath(issue))}` };
  });
}

/**
 * Loads, validates and compiles the configuration: file (YAML) < env (`PROMPTLY_*`) <
 * overrides. Any problem is PROMPTLY_E_CONFIG_INVALID with one detail per issue; issues in
 * the file name their line.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const sources: string[] = ['defaults'];
  let fromFile: unknown = {};
  let locate: (p: readonly PropertyKey[]) => string = () => '';
  const cwd =
    options.cwd ?? (options.file ? path.dirname(path.resolve(options.file)) : process.cwd());
  if (options.file !== undefined) {
    const source = readYamlSource(
      options.file,
      'PROMPTLY_E_CONFIG_INVALID',
      'PROMPTLY_E_CONFIG_NOT_FOUND',
    );
    fromFile = source.value;
    locate = (p) => source.locate(p);
    sources.push(source.file);
  }
  const fromEnv = envOverrides(options.env ?? {});
  if (Object.keys(fromEnv).length > 0) sources.push('env');
  if (options.overrides && Object.keys(options.overrides).length > 0) sources.push('command line');
  const merged = mergeConfig(mergeConfig(fromFile, fromEnv), options.overrides ?? {});
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const details = describeIssues(result.error.issues, locate);
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `invalid configuration:\n${details.map((d) => `  ${d.path}: ${d.message}`).join('\n')}`,
      { details },
    );
  }
  return compileConfig(result.data, cwd, sources);
}

function compileStore(store: ParsedStore, workDir: string): CompiledStoreConfig {
  if (store.kind === 's3') return { ...store, durable: true };
  return { ...store, root: path.resolve(workDir, store.root ?? 'store') };
}

/** Stage 3: resolves paths against `cwd`, checks cross-field rules, freezes. */
export function compileConfig(
  parsed: ParsedConfig,
  cwd: string,
  sources: string[] = ['defaults'],
): Config {
  const instrument = getInstrument(parsed.instrument);
  const workDir = path.resolve(cwd, parsed.workDir);
  const centralRoot = path.resolve(workDir, parsed.centralRepo.root ?? 'central');
  const compiled = {
    ...parsed,
    workDir,
    store: compileStore(parsed.store, workDir),
    centralRepo: { ...parsed.centralRepo, root: centralRoot },
    archive: { ...parsed.archive, root: path.resolve(workDir, parsed.archive.root ?? 'archive') },
    jobs: {
      ...parsed.jobs,
      root: path.resolve(workDir, parsed.jobs.root ?? 'jobs'),
      ...(parsed.jobs.specsFile ? { specsFile: path.resolve(cwd, parsed.jobs.specsFile) } : {}),
    },
    worker: {
      ...parsed.worker,
      localRepoRoot: path.resolve(workDir, parsed.worker.localRepoRoot ?? 'local'),
      slots:
        parsed.worker.slots ??
        2 * activeDetectors(instrument, parsed.fanout.detectorPurposes).length,
      pipelineConcurrency: parsed.worker.pipelineConcurrency ?? availableParallelism(),
    },
    pipelines: {
      ...parsed.pipelines,
      file:
        parsed.pipelines.file === undefined ? undefined : path.resolve(cwd, parsed.pipelines.file),
    },
    sources,
  };
  if (compiled.worker.ackWaitMs < 1000) {
    throw new PromptlyError(
      'PROMPTLY_E_CONFIG_INVALID',
      `worker.ackWaitMs must be at least 1000 ms (got ${compiled.worker.ackWaitMs}): slots heartbeat at a third of it`,
    );
  }
  return deepFreeze(compiled);
}

/**
 * A compiled config as a user would write it (what `loadConfig` accepts back): for a child
 * process (a role, a job) that must see the same deployment.
 */
export function toUserConfig(config: Config): Record<string, unknown> {
  const { sources: _sources, store, ...rest } = config;
  if (store.kind === 's3') {
    const { durable: _durable, ...s3 } = store;
    return { ...rest, store: s3 };
  }
  return { ...rest, store };
}
