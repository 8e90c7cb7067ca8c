import {
  applyChecksum,
  checksumOf,
  padToBlock,
  parseHeader,
  quickScan,
  serializeHeader,
  type Cards,
  type Header,
} from '../../fits/index.js';

/** Keyword set on a raw written without (all) its header-service metadata. */
export const METADATA_INCOMPLETE_KEYWORD = 'HDRINCMP';

/**
 * The raw as the image writer writes it: the DAQ image's primary header with the header
 * service's cards merged in (a service keyword replaces the camera's value in place, new ones
 * are appended), `HDRINCMP = T` when the metadata was missing or late, and CHECKSUM/DATASUM on
 * every HDU (stamped `stampMs`, so the same inputs give the same bytes). The amplifier HDUs'
 * data units are copied unchanged: the pixels are never decoded.
 */
export function mergeRaw(
  daqBytes: Uint8Array,
  serviceCards: Cards | undefined,
  stampMs: number,
): Uint8Array {
  const scan = quickScan(daqBytes);
  const stamp = new Date(stampMs);
  const parts: Uint8Array[] = [];
  for (const hdu of scan.hdus) {
    const header: Header =
      hdu.index === 0
        ? scan.primary.clone()
        : parseHeader(daqBytes.subarray(hdu.headerOffset, hdu.dataOffset)).header;
    if (hdu.index === 0) {
      if (serviceCards) {
        for (const [key, value, comment] of serviceCards) header.set(key, value, comment);
        header.delete(METADATA_INCOMPLETE_KEYWORD);
      } else {
        header.set(METADATA_INCOMPLETE_KEYWORD, true, 'header-service metadata missing or late');
      }
    }
    const data = daqBytes.subarray(hdu.dataOffset, hdu.dataOffset + padToBlock(hdu.dataSize));
    const padded =
      data.length === padToBlock(hdu.dataSize) ? data : padTo(data, padToBlock(hdu.dataSize));
    applyChecksum(header, checksumOf(padded), stamp);
    parts.push(serializeHeader(header), padded);
  }
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function padTo(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(bytes);
  return out;
}
