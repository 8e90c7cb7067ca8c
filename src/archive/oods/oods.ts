import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import type { Clock } from '../../core/clock.js';
import { isPromptlyError, PromptlyError } from '../../core/errors.js';
import { quickScan, verifyChecksumsInMemory } from '../../fits/index.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import type { DatasetRef } from '../../registry/registry.js';
import type { Repo } from '../../registry/repo.js';
import { ARCHIVE_QUEUES, archiveSubjects } from '../archive-topology.js';
import { fsyncDir, isPartialName, readIfExists, writeFileDurably } from '../files/durable-file.js';
import { ReadBuffers } from '../files/read-buffers.js';
import type { StagedImage } from '../hand-off/archive-controller.js';
import type { ImageOrigin } from '../image-complete.js';
import type { OodsPins } from './oods-pins.js';
import { consumeArchiveWork, type ArchiveWork } from '../archive-work.js';
import { noticeFromFile, scanWholeRaws } from '../whole-files.js';

/** What the OODS publishes for each file it was given (`archive.event.ingested|quarantined`). */
export interface OodsIngestEvent {
  readonly image: string;
  readonly instrument: string;
  readonly origin: ImageOrigin;
  readonly status: 'ingested' | 'quarantined';
  readonly code?: string;
  readonly reason?: string;
  /** Image complete → ingested (or quarantined), summit ms. */
  readonly latencyMs: number;
  readonly timeMs: number;
}

export interface OodsOptions {
  readonly instrument: string;
  readonly bus: Bus;
  readonly clock: Clock;
  /** The OODS's repository: a Registry and an fs datastore rooted at `datastoreRoot`. */
  readonly repo: Repo;
  readonly datastoreRoot: string;
  /** Where the archive controller links files for the OODS: `<stagingDir>/<origin>/`. */
  readonly stagingDir: string;
  /** Unreadable files go to `<quarantineDir>/<origin>/`, with a `.reason.json` beside. */
  readonly quarantineDir: string;
  readonly pins: OodsPins;
  /** Files older than this (real ms since written) are expired unless pinned. */
  readonly maxAgeMs: number;
  /** Expire every this many real ms while running (default: only when asked). */
  readonly expireIntervalMs?: number;
  /** Groups of prompt-processing visits still open: their images are pinned. */
  readonly openGroups?: () => Promise<ReadonlySet<string>>;
  readonly status: StatusEmitter;
  readonly log?: (line: string) => void;
}

/** One file of the OODS, as `oods ls` shows it. */
export interface OodsFile {
  readonly image: string;
  readonly ref: DatasetRef;
  readonly ageMs: number;
  readonly pinned: string | undefined;
}

/** Staged files ingested at once. */
const PREFETCH = 4;

/** The OODS's run collection of one instrument. */
export function oodsRun(instrument: string): string {
  return `${instrument}/raw/oods`;
}

/**
 * The Observatory Operations Data Service: rapid access to the newest raws at the summit and
 * base. Triggered by the archive controller's messages (queue ARCHIVE_OODS), never by polling
 * a directory: each staged file is checked (FITS structure, every HDU's CHECKSUM/DATASUM,
 * INSTRUME), moved within the file system into its repository's datastore (the link the DBB
 * holds is untouched) and registered there; an unreadable one goes to quarantine with a coded
 * reason. Either way it publishes one event with the origin. A start-up scan ingests what
 * arrived while it was down. `expire` removes files past `maxAgeMs` unless pinned by a person
 * (`promptly oods pin`) or by an open prompt-processing visit.
 */
export class Oods {
  readonly #o: OodsOptions;
  #work: ArchiveWork | undefined;
  #expiry: NodeJS.Timeout | undefined;
  /** Buffers the staged files are read into (one per ingest in flight). */
  readonly #buffers = new ReadBuffers(PREFETCH);
  ingested = 0;
  quarantined = 0;

  constructor(options: OodsOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.scan();
    this.#work = await consumeArchiveWork<StagedImage>({
      bus: this.#o.bus,
      queue: ARCHIVE_QUEUES.oods,
      prefetch: PREFETCH,
      what: 'staged image',
      handle: (staged) => this.ingest(staged),
      nakDelayMs: 1000,
      log: (line) => this.#o.log?.(`oods: ${line}`),
    });
    if (this.#o.expireIntervalMs !== undefined) {
      this.#expiry = setInterval(() => {
        this.expire().catch((err: unknown) =>
          this.#o.log?.(`oods: expiry: ${err instanceof Error ? err.message : String(err)}`),
        );
      }, this.#o.expireIntervalMs);
      this.#expiry.unref();
    }
  }

  #dataId(staged: StagedImage) {
    return {
      instrument: staged.instrument,
      detector: staged.detector,
      group: staged.group || staged.obsId,
      snap: staged.snap,
    };
  }

  #key(staged: StagedImage): string {
    return `raw/${staged.instrument}/${staged.dayObs}/${staged.image}.fits`;
  }

  /** Ingests (or quarantines) one staged file; idempotent. */
  async ingest(staged: StagedImage): Promise<OodsIngestEvent | undefined> {
    const o = this.#o;
    const key = this.#key(staged);
    const target = join(o.datastoreRoot, key);
    const registered = await o.repo.registry.findDataset('raw', this.#dataId(staged), [
      oodsRun(staged.instrument),
    ]);
    if (registered) {
      // a second copy of an image already here (the catch-up's, or a redelivery): drop it
      if ((await readIfExists(staged.stagedPath)) !== undefined) {
        await unlink(staged.stagedPath);
        await fsyncDir(dirname(staged.stagedPath));
      }
      return undefined;
    }
    const held = await this.#buffers.read(staged.stagedPath);
    if (!held) {
      // already moved: registered (done), or moved but not registered (finish it)
      if ((await readIfExists(target)) === undefined) {
        const q = await readIfExists(join(o.quarantineDir, staged.origin, `${staged.image}.fits`));
        if (q) return undefined; // quarantined before
        throw new PromptlyError(
          'PROMPTLY_E_ARCHIVE_SOURCE_MISSING',
          `${staged.stagedPath} is gone`,
        );
      }
      return this.#register(staged, key);
    }
    let problem: { code: string; reason: string } | undefined;
    try {
      problem = this.#check(staged, held.bytes);
    } finally {
      held.release();
    }
    if (problem) return this.#quarantine(staged, problem.code, problem.reason);
    await mkdir(dirname(target), { recursive: true });
    await rename(staged.stagedPath, target);
    // the new name is made durable; the staging entry's removal need not be (after a crash the
    // file would be in both places, and the start-up scan drops the staged one as registered)
    await fsyncDir(dirname(target));
    return this.#register(staged, key);
  }

  async #register(staged: StagedImage, key: string): Promise<OodsIngestEvent> {
    const o = this.#o;
    await o.repo.ingestExisting('raw', this.#dataId(staged), oodsRun(staged.instrument), key);
    this.ingested++;
    return this.#publish(staged, 'ingested');
  }

  #check(staged: StagedImage, bytes: Uint8Array): { code: string; reason: string } | undefined {
    try {
      const scan = quickScan(bytes);
      const instrume = scan.primary.get('INSTRUME');
      if (instrume !== staged.instrument)
        return {
          code: 'PROMPTLY_E_OODS_UNREADABLE',
          reason: `INSTRUME is ${JSON.stringify(instrume)}, not ${staged.instrument}`,
        };
      if (staged.detector < 0)
        return {
          code: 'PROMPTLY_E_OODS_UNREADABLE',
          reason: `no detector of ${staged.instrument} is named by ${staged.image}`,
        };
      const results = verifyChecksumsInMemory(bytes, scan);
      const bad = results.find((r) => r.checksum === 'bad' || r.datasum === 'bad');
      if (bad)
        return {
          code: 'PROMPTLY_E_FITS_CHECKSUM',
          reason: `HDU ${bad.index}: CHECKSUM ${bad.checksum}, DATASUM ${bad.datasum}`,
        };
      return undefined;
    } catch (err) {
      return {
        code: isPromptlyError(err) ? err.code : 'PROMPTLY_E_OODS_UNREADABLE',
        reason: err instanceof Error ? err.message : String(err),
      };
    }
  }

  async #quarantine(staged: StagedImage, code: string, reason: string): Promise<OodsIngestEvent> {
    const o = this.#o;
    const dir = join(o.quarantineDir, staged.origin);
    await writeFileDurably(
      join(dir, `${staged.image}.reason.json`),
      new TextEncoder().encode(
        JSON.stringify({ image: staged.image, code, reason, timeMs: o.clock.now() }),
      ),
    );
    await rename(staged.stagedPath, join(dir, `${staged.image}.fits`));
    await fsyncDir(dir);
    this.quarantined++;
    return this.#publish(staged, 'quarantined', code, reason);
  }

  async #publish(
    staged: StagedImage,
    status: OodsIngestEvent['status'],
    code?: string,
    reason?: string,
  ): Promise<OodsIngestEvent> {
    const o = this.#o;
    const now = o.clock.now();
    const event: OodsIngestEvent = {
      image: staged.image,
      instrument: staged.instrument,
      origin: staged.origin,
      status,
      ...(code ? { code, reason: reason ?? '' } : {}),
      latencyMs: now - staged.completedMs,
      timeMs: now,
    };
    await o.bus.publish(archiveSubjects.event(status, staged.instrument), encodeJson(event));
    o.status.emit({
      activity: `archive.oods_${status}`,
      instrument: staged.instrument,
      group: staged.group,
      detector: staged.detector,
      detail: { ...event },
    });
    return event;
  }

  /**
   * Ingests every whole file in the staging areas (those that arrived while it was down), and
   * registers any file in its datastore that is not registered (moved there by an OODS that
   * died before registering it).
   */
  async scan(): Promise<number> {
    let n = 0;
    const run = oodsRun(this.#o.instrument);
    const known = new Set(
      (await this.#o.repo.registry.queryDatasets('raw', { collections: [run] })).map((r) => r.uri),
    );
    const rawDir = join(this.#o.datastoreRoot, 'raw', this.#o.instrument);
    for (const day of await readdir(rawDir).catch(() => [] as string[])) {
      for (const name of await readdir(join(rawDir, day)).catch(() => [] as string[])) {
        if (isPartialName(name) || !name.endsWith('.fits')) continue;
        const key = `raw/${this.#o.instrument}/${day}/${name}`;
        if (known.has(key)) continue;
        const path = join(this.#o.datastoreRoot, key);
        const bytes = await readIfExists(path);
        if (!bytes) continue;
        const notice = noticeFromFile(
          this.#o.instrument,
          'catchup',
          path,
          bytes,
          this.#o.clock.now(),
        );
        try {
          await this.#register({ ...notice, dayObs: Number(day), stagedPath: path }, key);
          n++;
        } catch (err) {
          this.#o.log?.(`oods: scan ${key}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    n += await scanWholeRaws(
      this.#o.stagingDir,
      this.#o.instrument,
      () => this.#o.clock.now(),
      (notice) => this.ingest({ ...notice, stagedPath: notice.path }),
      (line) => this.#o.log?.(`oods: ${line}`),
    );
    return n;
  }

  /** Every file the OODS holds, with its age and pin. */
  async list(): Promise<OodsFile[]> {
    const o = this.#o;
    const refs = await o.repo.registry.queryDatasets('raw', {
      collections: [oodsRun(o.instrument)],
    });
    const pins = await o.pins.all();
    const open = (await o.openGroups?.()) ?? new Set<string>();
    // a file's age is real time since it was written (its mtime), like the OODS's cleanup
    const now = Date.now();
    const out: OodsFile[] = [];
    for (const ref of refs) {
      const info = await o.repo.datastore.head(ref.uri);
      const image = ref.uri.slice(ref.uri.lastIndexOf('/') + 1).replace(/\.fits$/, '');
      const pin = pins[image];
      out.push({
        image,
        ref,
        ageMs: info ? now - info.lastModifiedMs : Number.POSITIVE_INFINITY,
        pinned: pin
          ? `by ${pin.by}${pin.note ? `: ${pin.note}` : ''}`
          : open.has(String(ref.dataId.group))
            ? 'open visit'
            : undefined,
      });
    }
    return out.sort((a, b) => a.image.localeCompare(b.image));
  }

  /** Removes files older than maxAgeMs that are not pinned; `dryRun` only lists them. */
  async expire(dryRun = false): Promise<OodsFile[]> {
    const o = this.#o;
    const due = (await this.list()).filter((f) => f.ageMs > o.maxAgeMs && f.pinned === undefined);
    if (dryRun || due.length === 0) return due;
    for (const f of due) {
      await o.repo.registry.removeDatasets([f.ref.id]);
      await o.repo.datastore.delete(f.ref.uri);
    }
    await o.bus.publish(
      archiveSubjects.event('expired', o.instrument),
      encodeJson({ images: due.map((f) => f.image), timeMs: o.clock.now() }),
    );
    return due;
  }

  async close(): Promise<void> {
    clearInterval(this.#expiry);
    await this.#work?.close();
  }
}
