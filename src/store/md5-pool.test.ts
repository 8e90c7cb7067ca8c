import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMd5Pool } from './md5-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'promptly-md5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reference = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

function fileOf(size: number, seed: number): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  const path = join(dir, `f-${size}-${seed}`);
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe('createMd5Pool', () => {
  it('matches node:crypto MD5 for many files hashed at once on worker threads', async () => {
    const pool = createMd5Pool({ threads: 2 });
    const files = [0, 1, 1023, 5000, 3 << 20].flatMap((size, i) => [
      fileOf(size, i),
      fileOf(size, i + 7),
    ]);
    const digests = await Promise.all(files.map((f) => pool.hexOfFile(f.path)));
    expect(digests).toEqual(files.map((f) => reference(f.bytes)));
    await pool.close();
  });

  it('offloads only bodies of at least minBytes, and never without threads', async () => {
    const pool = createMd5Pool({ threads: 1, minBytes: 100 });
    expect(pool.offloads(99)).toBe(false);
    expect(pool.offloads(100)).toBe(true);
    expect(createMd5Pool({ threads: 0 }).offloads(1 << 30)).toBe(false);
    await pool.close();
    expect(pool.offloads(1 << 30)).toBe(false);
  });

  it('hashes inline after close, and rejects for a missing file', async () => {
    const pool = createMd5Pool({ threads: 1 });
    const f = fileOf(4096, 5);
    await pool.close();
    expect(await pool.hexOfFile(f.path)).toBe(reference(f.bytes));
    const live = createMd5Pool({ threads: 1 });
    await expect(live.hexOfFile(join(dir, 'missing'))).rejects.toThrow();
    await live.close();
  });
});
