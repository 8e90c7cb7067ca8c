import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../compress/testing/tools.js';
import { bytesSource, fileSource, type ByteSource } from './byte-source.js';

const tmp = tempDir('promptly-bytes-');
afterAll(() => tmp.remove());

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);

async function checkReadInto(source: ByteSource): Promise<void> {
  const target = new Uint8Array(100).fill(0xee);
  await source.readInto?.(450, target.subarray(10, 60));
  expect(Array.from(target.subarray(10, 60))).toEqual(Array.from(bytes.subarray(450, 500)));
  expect(target[9]).toBe(0xee);
  expect(target[60]).toBe(0xee);
  await expect(source.readInto?.(990, target.subarray(0, 20))).rejects.toMatchObject({
    code: 'PROMPTLY_E_FITS_TRUNCATED',
  });
}

describe('ByteSource.readInto', () => {
  it('fills a caller buffer from memory and refuses ranges past the end', async () => {
    await checkReadInto(bytesSource(bytes));
  });

  it('fills a caller buffer from a file and refuses ranges past the end', async () => {
    const path = join(tmp.dir, 'bytes.bin');
    writeFileSync(path, bytes);
    const source = await fileSource(path);
    try {
      await checkReadInto(source);
    } finally {
      await source.close();
    }
  });
});
