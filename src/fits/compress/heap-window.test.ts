import { describe, expect, it } from 'vitest';
import { FitsFile } from '../hdu/fits-file.js';
import { makeImageHdu } from '../image/image-hdu.js';
import { bytesSource } from '../io/byte-source.js';
import { writeFits } from '../write/write-fits.js';
import { HeapWindow } from './heap-window.js';
import { compressImage } from './tiled-image-write.js';
import { readCompressedImage, streamCompressedImage } from './tiled-image.js';

const file = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);

describe('HeapWindow', () => {
  it('fetches heap bytes from where the heap starts in the file, window after window', async () => {
    const heap = new HeapWindow(bytesSource(file), 1000, 3000);
    await heap.cover(10, 20);
    expect(Array.from(heap.fetch(12, 5))).toEqual(Array.from(file.subarray(1012, 1017)));
    await heap.cover(2990, 3000);
    expect(Array.from(heap.fetch(2990, 10))).toEqual(Array.from(file.subarray(3990, 4000)));
  });

  it('refuses to fetch bytes it was not asked to cover', async () => {
    const heap = new HeapWindow(bytesSource(file), 1000, 3000);
    await heap.cover(2990, 3000);
    expect(() => heap.fetch(5, 5)).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_INTERNAL' }),
    );
  });

  it('refuses bytes outside the heap, and reports a heap the file cuts short as truncated', async () => {
    await expect(new HeapWindow(bytesSource(file), 1000, 3000).cover(2990, 3001)).rejects.toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_FITS_DATA' }),
    );
    await expect(new HeapWindow(bytesSource(file), 4000, 3000).cover(0, 10)).rejects.toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_FITS_TRUNCATED' }),
    );
  });

  it('lets a streamed image whose heap spans several windows decode as the whole read does', async () => {
    // 1024×1024 int32 noise of 24 bits: about 3 MB of Rice heap, three 1 MiB windows
    const axes = [1024, 1024];
    let s = 12345;
    const px = Int32Array.from({ length: axes[0]! * axes[1]! }, () => {
      s = (s * 1103515245 + 12345) >>> 0;
      return (s >>> 8) - (1 << 23);
    });
    const fz = compressImage({
      header: makeImageHdu(px, axes).header,
      bitpix: 32,
      axes,
      pixels: px,
    });
    expect(fz.dataSize).toBeGreaterThan(2 * (1 << 20));
    const f = FitsFile.fromBytes(await writeFits([fz]));
    try {
      const hdu = await f.hdu(1);
      const same = (a: Int32Array): boolean =>
        Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(px.buffer));
      expect(same((await readCompressedImage(f.source, hdu)).pixels as Int32Array)).toBe(true);
      const streamed = new Int32Array(px.length);
      for await (const run of streamCompressedImage(f.source, hdu, { runBuffers: 2 }))
        streamed.set(run.pixels as Int32Array, run.start);
      expect(same(streamed)).toBe(true);
    } finally {
      await f.close();
    }
  });
});
