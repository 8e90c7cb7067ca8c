import { unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import type { Clock } from '../../core/clock.js';
import { isPromptlyError, PromptlyError } from '../../core/errors.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import type { ObjectStore } from '../../store/object-store.js';
import { ARCHIVE_QUEUES, archiveSubjects } from '../archive-topology.js';
import { fsyncDir, readIfExists, sha256Hex } from '../files/durable-file.js';
import type { StagedImage } from '../hand-off/archive-controller.js';
import { dbbKey, readReceipt, receiptKey, type DbbReceipt } from './dbb-receipt.js';
import { consumeArchiveWork, type ArchiveWork } from '../archive-work.js';
import { scanWholeRaws } from '../whole-files.js';

/** Finds the bytes of an archived image elsewhere (the OODS's copy, the DAQ) to repair it. */
export type RepairSource = (receipt: DbbReceipt) => Promise<Uint8Array | undefined>;

export interface DataBackboneOptions {
  readonly instrument: string;
  readonly bus: Bus;
  readonly clock: Clock;
  /** Long-term storage: the fs store by default, S3 in distributed mode. */
  readonly store: ObjectStore;
  /** Where the archive controller links files for the DBB: `<stagingDir>/<origin>/`. */
  readonly stagingDir: string;
  /** Copies tried before the work is given back (each verified by reading back). */
  readonly maxAttempts?: number;
  /** First backoff between attempts, summit ms (doubles each time). */
  readonly backoffMs?: number;
  /** Sources a corrupted archived copy is repaired from, tried in order. */
  readonly repairSources?: readonly RepairSource[];
  readonly status: StatusEmitter;
  readonly log?: (line: string) => void;
}

/** What an audit of the archive found. */
export interface AuditReport {
  readonly checked: number;
  readonly repaired: string[];
  /** Bad copies no source could repair. */
  readonly unrepairable: string[];
}

/**
 * The Data Backbone's ingest: for each staged file (queue ARCHIVE_DBB) it copies the bytes to
 * long-term storage, reads them back and compares their SHA-256 with the one the image
 * writer computed from the bytes it wrote (end to end), retrying with backoff; then writes a
 * receipt (image, checksum, size, location, time; write-once) and only then removes its
 * staged link. An image with a receipt is never copied again. `audit` re-reads every
 * archived copy and repairs a bad one from a repair source whose bytes have the receipt's
 * checksum.
 */
export class DataBackbone {
  readonly #o: DataBackboneOptions;
  #work: ArchiveWork | undefined;
  archived = 0;
  bytes = 0;
  retries = 0;

  constructor(options: DataBackboneOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.scan();
    this.#work = await consumeArchiveWork<StagedImage>({
      bus: this.#o.bus,
      queue: ARCHIVE_QUEUES.dbb,
      prefetch: 4,
      what: 'staged image',
      handle: (staged) => this.archive(staged),
      nakDelayMs: 5000,
      log: (line) => this.#o.log?.(`dbb: ${line}`),
    });
  }

  /** Archives one staged image; idempotent. Resolves with its receipt. */
  async archive(staged: StagedImage): Promise<DbbReceipt> {
    const o = this.#o;
    const existing = await readReceipt(o.store, staged.instrument, staged.image);
    const bytes = await readIfExists(staged.stagedPath);
    if (existing) {
      if (bytes) await this.#removeStaged(staged.stagedPath);
      return existing;
    }
    if (!bytes)
      throw new PromptlyError(
        'PROMPTLY_E_ARCHIVE_SOURCE_MISSING',
        `${staged.stagedPath} is gone and ${staged.image} has no receipt`,
      );
    if (sha256Hex(bytes) !== staged.sha256) {
      throw new PromptlyError(
        'PROMPTLY_E_ARCHIVE_CHECKSUM',
        `staged ${staged.image} does not have the SHA-256 its writer announced`,
      );
    }
    const key = dbbKey(staged.instrument, staged.dayObs, staged.image);
    const attempts = await this.#copyVerified(key, bytes, staged.sha256);
    const receipt: DbbReceipt = {
      image: staged.image,
      instrument: staged.instrument,
      obsId: staged.obsId,
      origin: staged.origin,
      group: staged.group,
      snap: staged.snap,
      detector: staged.detector,
      sha256: staged.sha256,
      sizeBytes: bytes.length,
      bucket: o.store.bucket,
      key,
      archivedMs: o.clock.now(),
      attempts,
    };
    try {
      await o.store.put(receiptKey(staged.instrument, staged.image), encodeJson(receipt), {
        ifAbsent: true,
      });
    } catch (err) {
      if (!isPromptlyError(err, 'PROMPTLY_E_STORE_EXISTS')) throw err;
    }
    await this.#removeStaged(staged.stagedPath);
    this.archived++;
    this.bytes += bytes.length;
    const kind = staged.origin === 'catchup' ? 'backfilled' : 'archived';
    await o.bus.publish(archiveSubjects.event(kind, staged.instrument), encodeJson(receipt));
    o.status.emit({
      activity: `archive.dbb_${kind}`,
      instrument: staged.instrument,
      group: staged.group,
      detector: staged.detector,
      detail: {
        image: staged.image,
        origin: staged.origin,
        attempts,
        readoutToArchivedMs: receipt.archivedMs - staged.readoutEndMs,
      },
    });
    return receipt;
  }

  /** Puts and reads back until the copy has `sha256`; the attempts it took. */
  async #copyVerified(key: string, bytes: Uint8Array, sha256: string): Promise<number> {
    const o = this.#o;
    const max = o.maxAttempts ?? 4;
    let delay = o.backoffMs ?? 1000;
    let last = '';
    for (let attempt = 1; attempt <= max; attempt++) {
      try {
        await o.store.put(key, bytes);
        const back = await o.store.get(key);
        if (sha256Hex(back) === sha256) return attempt;
        last = `copy ${key} read back with another SHA-256`;
      } catch (err) {
        if (isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
        last = err instanceof Error ? err.message : String(err);
      }
      if (attempt < max) {
        this.retries++;
        await o.clock.sleep(delay);
        delay *= 2;
      }
    }
    throw new PromptlyError(
      'PROMPTLY_E_ARCHIVE_CHECKSUM',
      `${key}: not archived after ${max} attempts (${last})`,
    );
  }

  async #removeStaged(path: string): Promise<void> {
    await unlink(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await fsyncDir(dirname(path)).catch(() => undefined);
  }

  /** Archives every whole file in the staging areas (those staged while it was down). */
  scan(): Promise<number> {
    const o = this.#o;
    return scanWholeRaws(
      o.stagingDir,
      o.instrument,
      () => o.clock.now(),
      (notice) => this.archive({ ...notice, stagedPath: notice.path }),
      (line) => o.log?.(`dbb: ${line}`),
    );
  }

  /**
   * Reads back every archived image and checks it against its receipt; a missing or bad copy
   * is repaired from the first repair source whose bytes have the receipt's SHA-256.
   */
  async audit(): Promise<AuditReport> {
    const o = this.#o;
    const prefix = `receipts/${o.instrument}/`;
    const repaired: string[] = [];
    const unrepairable: string[] = [];
    let checked = 0;
    const keys: string[] = [];
    for await (const info of o.store.list(prefix)) keys.push(info.key);
    for (const k of keys) {
      const receipt = JSON.parse(new TextDecoder().decode(await o.store.get(k))) as DbbReceipt;
      checked++;
      const copy = await o.store.get(receipt.key).catch(() => undefined);
      if (copy && sha256Hex(copy) === receipt.sha256) continue;
      let fixed = false;
      for (const source of o.repairSources ?? []) {
        const bytes = await source(receipt).catch(() => undefined);
        if (!bytes || sha256Hex(bytes) !== receipt.sha256) continue;
        await this.#copyVerified(receipt.key, bytes, receipt.sha256);
        fixed = true;
        break;
      }
      (fixed ? repaired : unrepairable).push(receipt.image);
      await o.bus.publish(
        archiveSubjects.event('repaired', o.instrument),
        encodeJson({ image: receipt.image, repaired: fixed, timeMs: o.clock.now() }),
      );
      o.status.emit({
        activity: fixed ? 'archive.dbb_repaired' : 'archive.dbb_unrepairable',
        instrument: o.instrument,
        detail: { image: receipt.image, key: receipt.key },
      });
    }
    return { checked, repaired, unrepairable };
  }

  async close(): Promise<void> {
    await this.#work?.close();
  }
}
