import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFitsWriter, fileSink, FitsFile, makeImageHdu, readImage } from '../fits/index.js';
import { estimateBackgroundMesh, estimateBackgroundMeshRows } from './background.js';
import { FitsRowFile } from '../fits/row-file.js';
import { makeStarField } from './testing/synth.js';

const dir = mkdtempSync(join(tmpdir(), 'promptly-fits-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeImage(
  name: string,
  data: Float32Array | Int16Array,
  width: number,
  height: number,
): Promise<string> {
  const path = join(dir, name);
  const writer = createFitsWriter(await fileSink(path));
  await writer.writeHdu(makeImageHdu(data, [width, height]));
  await writer.close();
  return path;
}

describe('FitsRowFile', () => {
  it('reads every row as the whole-file reader does, in bands, and rewinds', async () => {
    const width = 77;
    const height = 150; // more than two bands, the last one partial
    const image = makeStarField({
      width,
      height,
      seed: 2,
      nStars: 10,
      sky: 100,
      noiseSigma: 5,
      fwhmPx: 2.5,
      fluxMin: 500,
      fluxMax: 5000,
      minSeparationPx: 5,
      marginPx: 3,
    });
    image.data[5] = NaN;
    const path = await writeImage('rows.fits', image.data, width, height);
    const f = await FitsFile.open(path);
    const whole = await readImage(f.source, await f.hdu(0));
    await f.close();
    const pixels = whole.pixels;
    if (!(pixels instanceof Float32Array)) throw new Error('expected float32 pixels');
    const rows = FitsRowFile.open(path);
    try {
      expect([rows.width, rows.height]).toEqual([width, height]);
      for (const y of [...Array.from({ length: height }, (_, y) => y), 3, 149, 0]) {
        expect(Array.from(rows.row(y))).toEqual(
          Array.from(pixels.subarray(y * width, (y + 1) * width)),
        );
      }
      expect(() => rows.row(height)).toThrow(
        expect.objectContaining({ code: 'PROMPTLY_E_FITS_RANGE' }),
      );
      // the background mesh from streamed bands equals the in-memory one
      expect(estimateBackgroundMeshRows(rows, { meshSize: 32 })).toEqual(
        estimateBackgroundMesh({ width, height, data: image.data }, { meshSize: 32 }),
      );
    } finally {
      rows.close();
    }
  });

  it('refuses integer images, which it would have to scale', async () => {
    const path = await writeImage('int.fits', new Int16Array(12), 4, 3);
    expect(() => FitsRowFile.open(path)).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_FITS_UNSUPPORTED' }),
    );
  });
});
