import { describe, expect, it } from 'vitest';
import { applyChecksum } from './checksum.js';
import { verifyChecksumsInMemory } from './checksum-in-memory.js';
import { verifyFits } from './describe.js';
import { bytesSource } from './io/byte-source.js';
import { makeImageHdu } from './image/image-hdu.js';
import { checksumOf } from './checksum.js';
import { padToBlock } from './header/header-io.js';
import { writeFits } from './write/write-fits.js';
import { primaryHdu } from './write/simple-fits.js';
import { quickScan } from './hdu/quick-scan.js';
import { serializeHeader } from './header/header-io.js';
import { parseHeader } from './header/header-io.js';

/** A two-extension file with CHECKSUM/DATASUM on every HDU (the image writer's way). */
async function checksummed(): Promise<Uint8Array> {
  const pixels = new Int32Array(37 * 23).map((_, i) => (i * 7919) % 100_003);
  const plain = await writeFits([
    primaryHdu([['OBJECT', 'test']]),
    makeImageHdu(pixels, [37, 23], { extname: 'A' }),
    makeImageHdu(
      pixels.map((v) => -v),
      [37, 23],
      { extname: 'B' },
    ),
  ]);
  const parts: Uint8Array[] = [];
  for (const h of quickScan(plain).hdus) {
    const header = parseHeader(plain.subarray(h.headerOffset, h.dataOffset)).header;
    const data = plain.subarray(h.dataOffset, h.dataOffset + padToBlock(h.dataSize));
    applyChecksum(header, checksumOf(data), new Date(0));
    parts.push(serializeHeader(header), data);
  }
  return new Uint8Array(Buffer.concat(parts));
}

describe('verifyChecksumsInMemory', () => {
  it('agrees with verifyFits on a good file, a flipped data bit, a flipped header byte and none', async () => {
    const good = await checksummed();
    const dataFlip = new Uint8Array(good);
    dataFlip[dataFlip.length - 3000]! ^= 1;
    const headerFlip = new Uint8Array(good);
    headerFlip[2880 * 2 + 100]! ^= 0x01; // inside the first extension's header, a comment byte
    const none = await writeFits([primaryHdu([['OBJECT', 'x']])]);
    for (const bytes of [good, dataFlip, headerFlip, none]) {
      expect(verifyChecksumsInMemory(bytes)).toEqual(await verifyFits(bytesSource(bytes)));
    }
    expect(
      verifyChecksumsInMemory(good).every((r) => r.checksum === 'ok' && r.datasum === 'ok'),
    ).toBe(true);
    expect(verifyChecksumsInMemory(dataFlip).some((r) => r.datasum === 'bad')).toBe(true);
  });
});
