import {
  addChecksums,
  checksumOf,
  type ChecksumStatus,
  type HduChecksumResult,
} from './checksum.js';
import { padToBlock, parseHeader } from './header/header-io.js';
import { quickScan, type QuickScan } from './hdu/quick-scan.js';

/**
 * Verifies CHECKSUM and DATASUM of every HDU of a file held in memory, as `verifyFits` does,
 * without copying it: each header and data unit is summed where it lies (a data unit's
 * padding past the end of the file counts as zeros). Structural errors throw as `quickScan`'s.
 * Several times faster than `verifyFits` on a raw (17 HDUs, 18 MB), which the OODS checks on
 * every ingest.
 */
export function verifyChecksumsInMemory(
  bytes: Uint8Array,
  scan: QuickScan = quickScan(bytes),
): HduChecksumResult[] {
  return scan.hdus.map((hdu) => {
    const headerBytes = bytes.subarray(hdu.headerOffset, hdu.dataOffset);
    const header = parseHeader(headerBytes).header;
    const end = Math.min(hdu.dataOffset + padToBlock(hdu.dataSize), bytes.length);
    const dataSum = checksumOf(bytes.subarray(hdu.dataOffset, end));
    let datasum: ChecksumStatus = 'missing';
    const declared = header.get('DATASUM');
    if (typeof declared === 'string') {
      const n = Number(declared.trim());
      datasum = Number.isInteger(n) && n >>> 0 === dataSum ? 'ok' : 'bad';
    }
    let checksum: ChecksumStatus = 'missing';
    if (header.has('CHECKSUM')) {
      const total = addChecksums(checksumOf(headerBytes), dataSum);
      checksum = total === 0xffffffff || total === 0 ? 'ok' : 'bad';
    }
    return { index: hdu.index, checksum, datasum, computedDatasum: dataSum };
  });
}
