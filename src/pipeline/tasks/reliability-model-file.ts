import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptlyError } from '../../core/errors.js';
import { packageRoot } from '../../core/package-root.js';
import { parseReliabilityModel, type ReliabilityModel } from '../../science/reliability/index.js';

/** Largest reliability model file read, bytes. */
export const MAX_RELIABILITY_MODEL_BYTES = 1024 * 1024;

/** The reliability model promptly ships (trained on simulated truth; see its `training`). */
export function defaultReliabilityModelFile(): string {
  return path.join(packageRoot(), 'config', 'reliability-model.json');
}

// A model file is read once per process (per thread of the pipeline pool): every later
// visit-detector shares the parsed, read-only model. Keyed by absolute path.
const loaded = new Map<string, Promise<ReliabilityModel>>();

async function read(file: string): Promise<ReliabilityModel> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_RELIABILITY_MODEL_BYTES)
      throw new PromptlyError(
        'PROMPTLY_E_RELIABILITY_MODEL_INVALID',
        `${file} is ${bytes.length} bytes, more than ${MAX_RELIABILITY_MODEL_BYTES}`,
      );
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof PromptlyError) throw err;
    throw new PromptlyError(
      'PROMPTLY_E_RELIABILITY_MODEL_INVALID',
      `cannot read reliability model ${file}: ${err instanceof Error ? err.message : err}`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PromptlyError('PROMPTLY_E_RELIABILITY_MODEL_INVALID', `${file} is not JSON`, {
      cause: err,
    });
  }
  return parseReliabilityModel(json, file);
}

/**
 * The reliability model in `file` (relative to the working directory; default the shipped
 * one), read and checked once (PROMPTLY_E_RELIABILITY_MODEL_INVALID when it cannot be used).
 * A failed read is not remembered, so a fixed file is read again.
 */
export function loadReliabilityModel(
  file = defaultReliabilityModelFile(),
): Promise<ReliabilityModel> {
  const key = path.resolve(file);
  let model = loaded.get(key);
  if (!model) {
    model = read(key);
    loaded.set(key, model);
    model.catch(() => loaded.delete(key));
  }
  return model;
}
