import { describe, expect, it } from 'vitest';
import { Header } from '../header/header.js';
import { compressImage, compressImageRuns } from './tiled-image-write.js';
import type { ImagePixels } from './pixels.js';

function concat(chunks: readonly Uint8Array[]): Buffer {
  return Buffer.concat(chunks.map((c) => Buffer.from(c)));
}

async function* runsOf(px: Int16Array, size: number): AsyncGenerator<ImagePixels> {
  for (let i = 0; i < px.length; i += size) {
    await Promise.resolve(); // arrive asynchronously, like rows read from a file
    yield px.subarray(i, i + size);
  }
}

describe('compressImageRuns', () => {
  it('writes the same HDU as compressImage when rows arrive in runs that split tiles', async () => {
    const w = 37;
    const h = 23;
    const px = new Int16Array(w * h);
    for (let i = 0; i < px.length; i++) px[i] = ((i * 7919) % 2003) - 1000;
    const header = new Header().set('XTENSION', 'IMAGE').set('OBJECT', 'runs');
    for (const tile of [undefined, [37, 7]]) {
      const opts = tile ? { tile } : {};
      const whole = compressImage({ header, bitpix: 16, axes: [w, h], pixels: px }, opts);
      for (const runPixels of [w * 5, 50, 1, px.length]) {
        const streamed = await compressImageRuns(header, 16, [w, h], runsOf(px, runPixels), opts);
        expect(streamed.dataSize).toBe(whole.dataSize);
        expect(concat(streamed.data()).equals(concat(whole.data()))).toBe(true);
        expect(streamed.header.toRecord()).toEqual(whole.header.toRecord());
      }
    }
  });

  it('refuses runs that do not add up to the image', async () => {
    const header = new Header().set('XTENSION', 'IMAGE');
    const px = new Int16Array(30);
    await expect(compressImageRuns(header, 16, [10, 4], runsOf(px, 10))).rejects.toThrow(/tiles/);
  });
});
