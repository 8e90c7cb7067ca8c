import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isNode, parseDocument } from 'yaml';
import type { ErrorCode } from './error-codes.js';
import { PromptlyError } from './errors.js';

/** A YAML file parsed to plain values, able to say on which line any path of it stands. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** ` (file:line)` for the deepest node of `keyPath` that exists, for error messages. */
  locate(keyPath: readonly PropertyKey[]): string;
}

/** Reads a YAML file; a missing file or a syntax error is `code`, naming the line. */
export function readYamlSource(
  fileName: string,
  code: ErrorCode,
  notFoundCode: ErrorCode = code,
): YamlSource {
  const file = path.resolve(fileName);
  if (!existsSync(file)) throw new PromptlyError(notFoundCode, `file not found: ${file}`);
  return parseYamlSource(readFileSync(file, 'utf8'), file, code);
}

/** Parses YAML text that came from `file` (used in messages only). */
export function parseYamlSource(text: string, file: string, code: ErrorCode): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const details = doc.errors.map((e) => ({
      message: `${file}:${e.linePos?.[0].line ?? '?'}: ${e.message}`,
    }));
    throw new PromptlyError(code, details.map((d) => d.message).join('\n'), { details });
  }
  return {
    file,
    value: doc.toJS() ?? {},
    locate(keyPath) {
      for (let n = keyPath.length; n >= 0; n--) {
        const node: unknown = doc.getIn(keyPath.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) {
          return ` (${file}:${lineCounter.linePos(node.range[0]).line})`;
        }
      }
      return ` (${file})`;
    },
  };
}

/** The key path an issue of a schema check points at: for an unknown key, the key itself. */
export function issueKeyPath(issue: {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly keys?: readonly string[];
}): PropertyKey[] {
  const first = issue.code === 'unrecognized_keys' ? issue.keys?.[0] : undefined;
  return first === undefined ? [...issue.path] : [...issue.path, first];
}
