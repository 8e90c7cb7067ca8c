import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { getDetector, getInstrument } from '../core/instruments.js';
import { quickScan } from '../fits/index.js';
import { isPartialName, readIfExists, sha256Hex } from './files/durable-file.js';
import { IMAGE_ORIGINS, type ImageComplete, type ImageOrigin } from './image-complete.js';

/** A whole (not partial) file under `<root>/<origin>/`. */
export interface WholeFile {
  readonly origin: ImageOrigin;
  readonly name: string;
  readonly path: string;
}

/** Every whole file under `<root>/<origin>/` whose name ends in `suffix`; partial names skipped. */
export async function listWholeFiles(root: string, suffix = '.fits'): Promise<WholeFile[]> {
  const out: WholeFile[] = [];
  for (const origin of IMAGE_ORIGINS) {
    const dir = join(root, origin);
    for (const name of await readdir(dir).catch(() => [] as string[]))
      if (!isPartialName(name) && name.endsWith(suffix))
        out.push({ origin, name, path: join(dir, name) });
  }
  return out;
}

/**
 * The start-up scan of a hand-off or staging area: for every whole raw under
 * `<root>/<origin>/`, `handle` gets its ImageComplete rebuilt from the file (`path` = where it
 * lies). A failure is logged and the scan goes on. Returns how many were handled.
 */
export async function scanWholeRaws(
  root: string,
  instrument: string,
  nowMs: () => number,
  handle: (notice: ImageComplete) => Promise<unknown>,
  log: ((line: string) => void) | undefined,
): Promise<number> {
  let n = 0;
  for (const f of await listWholeFiles(root)) {
    const bytes = await readIfExists(f.path);
    if (!bytes) continue;
    try {
      await handle(noticeFromFile(instrument, f.origin, f.path, bytes, nowMs()));
      n++;
    } catch (err) {
      log?.(`scan ${f.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return n;
}

/** An ImageComplete rebuilt from a whole raw file found in a hand-off, staging or datastore area. */
export function noticeFromFile(
  instrument: string,
  origin: ImageOrigin,
  path: string,
  bytes: Uint8Array,
  nowMs: number,
): ImageComplete {
  const image = path.slice(path.lastIndexOf('/') + 1).replace(/\.fits$/, '');
  let header: ReturnType<typeof quickScan>['primary'] | undefined;
  try {
    header = quickScan(bytes).primary;
  } catch {
    header = undefined; // an unreadable file is still handed off; the OODS quarantines it
  }
  const obsId = typeof header?.get('OBSID') === 'string' ? (header.get('OBSID') as string) : image;
  const detName = image.slice(obsId.length + 1);
  let detector = -1;
  try {
    detector = getDetector(getInstrument(instrument), detName).id;
  } catch {
    detector = -1;
  }
  const group = header?.get('GROUPID');
  const snap = header?.get('CURINDEX');
  const dayObs = header?.get('DAYOBS');
  return {
    image,
    instrument,
    detector,
    group: typeof group === 'string' ? group : '',
    snap: typeof snap === 'number' ? snap - 1 : 0,
    obsId,
    dayObs: typeof dayObs === 'string' ? Number(dayObs) : 0,
    origin,
    path,
    sizeBytes: bytes.length,
    sha256: sha256Hex(bytes),
    metadataIncomplete: header?.get('HDRINCMP') === true,
    readoutEndMs: nowMs,
    completedMs: nowMs,
  };
}
