import { makeImageHdu, primaryHdu, writeFits } from '../../fits/index.js';
import { mergeRaw } from '../image-writer/merge-raw.js';

/**
 * A small raw as the image writer writes it (camera cards, one int32 amplifier HDU, CHECKSUM
 * and DATASUM on every HDU): `seed` varies its pixels.
 */
export async function testRaw(instrument: string, obsId: string, seed = 1): Promise<Uint8Array> {
  const pixels = new Int32Array(64 * 32);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919 + seed * 104729) % 65536;
  const daq = await writeFits([
    primaryHdu([
      ['INSTRUME', instrument],
      ['OBSID', obsId],
      ['DAYOBS', obsId.split('_')[2] ?? '20261203'],
    ]),
    makeImageHdu(pixels, [64, 32], { extname: 'Segment10' }),
  ]);
  return mergeRaw(daq, [['GROUPID', `2026-12-03T00:00:0${seed % 10}`]], 1_764_720_000_000);
}
