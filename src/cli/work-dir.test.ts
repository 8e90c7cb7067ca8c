import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORK_DIR_MARKER, resetWorkDir } from './work-dir.js';

describe('resetWorkDir', () => {
  it('clears a work dir it made, and makes a missing one', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'promptly-wd-')), 'w');
    await resetWorkDir(dir);
    writeFileSync(path.join(dir, 'old.txt'), 'x');
    await resetWorkDir(dir);
    expect(existsSync(path.join(dir, 'old.txt'))).toBe(false);
    expect(existsSync(path.join(dir, WORK_DIR_MARKER))).toBe(true);
  });

  it('refuses to clear a directory it did not make', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'promptly-wd-'));
    mkdirSync(path.join(dir, 'precious'));
    await expect(resetWorkDir(dir)).rejects.toMatchObject({ code: 'PROMPTLY_E_CONFIG_INVALID' });
    expect(existsSync(path.join(dir, 'precious'))).toBe(true);
  });
});
