import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './package-root.js';
import { ERROR_CODES } from './error-codes.js';

/** `| CODE | status | summary |` rows of docs/errors.md. */
function documentedCodes(): Map<string, { status: number; summary: string }> {
  const text = readFileSync(path.join(packageRoot(), 'docs', 'errors.md'), 'utf8');
  const rows = new Map<string, { status: number; summary: string }>();
  for (const m of text.matchAll(/^\| `(PROMPTLY_E_[A-Z0-9_]+)` \| (\d{3}) \| (.+) \|$/gm)) {
    rows.set(m[1]!, { status: Number(m[2]), summary: m[3]!.trim() });
  }
  return rows;
}

describe('error-code registry', () => {
  it('is documented in docs/errors.md, code for code, with the same status and summary', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(documented.get(code)).toEqual({ status: info.httpStatus, summary: info.summary });
    }
  });

  it('uses stable, prefixed names', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^PROMPTLY_E_[A-Z0-9_]+$/);
  });
});
