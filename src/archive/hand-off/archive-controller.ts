import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import type { Clock } from '../../core/clock.js';
import { PromptlyError, isPromptlyError } from '../../core/errors.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import { ARCHIVE_QUEUES, archiveSubjects } from '../archive-topology.js';
import {
  fsyncDir,
  hardLink,
  inodeOf,
  readIfExists,
  sha256Hex,
  writeFileDurably,
} from '../files/durable-file.js';
import type { ImageComplete } from '../image-complete.js';
import { consumeArchiveWork, type ArchiveWork } from '../archive-work.js';
import { scanWholeRaws } from '../whole-files.js';

/** An image in a staging area: its ImageComplete and where the staged link is. */
export interface StagedImage extends ImageComplete {
  readonly stagedPath: string;
}

export interface ArchiveControllerOptions {
  readonly instrument: string;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly handoffDir: string;
  readonly oodsStagingDir: string;
  readonly dbbStagingDir: string;
  readonly status: StatusEmitter;
  /**
   * Copy and verify instead of hard-linking, as across file systems (where the link fails
   * with EXDEV and the controller copies anyway); default false.
   */
  readonly copy?: boolean;
  /** Hand-offs at once. */
  readonly concurrency?: number;
  /** Called after both links exist, before the original is removed (tests crash here). */
  readonly beforeUnlink?: (notice: ImageComplete) => Promise<void>;
  readonly log?: (line: string) => void;
}

/**
 * The archive controller: for each ImageComplete (queue ARCHIVE_HANDOFF) it hard-links the
 * file into the OODS's and the DBB's staging areas of its origin, queues the staged image for
 * the OODS and the DBB, fsyncs both staging directories, and only then removes the original
 * and acks.
 * Each step is idempotent, so a controller killed anywhere finishes the hand-off when the
 * notice is redelivered: a link already there is kept, a missing one is made from the other
 * staged link when the original is gone, nothing is linked twice. Across file systems it
 * copies and verifies the SHA-256 instead. At start it also hands off every whole file in
 * the hand-off area (a writer that died between its rename and its notice); partial
 * (dot-prefixed) files are never touched.
 */
export class ArchiveController {
  readonly #o: ArchiveControllerOptions;
  #work: ArchiveWork | undefined;
  handedOff = 0;
  copied = 0;

  constructor(options: ArchiveControllerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.scan();
    this.#work = await consumeArchiveWork<ImageComplete>({
      bus: this.#o.bus,
      queue: ARCHIVE_QUEUES.handoff,
      prefetch: this.#o.concurrency ?? 4,
      what: 'ImageComplete',
      handle: (notice) => this.handOff(notice),
      nakDelayMs: 1000,
      // neither the file nor its links exist: the catch-up archiver backfills the image
      terminal: (err) => isPromptlyError(err, 'PROMPTLY_E_ARCHIVE_SOURCE_MISSING'),
      log: (line) => this.#o.log?.(`archive controller: ${line}`),
    });
  }

  /** Hands one image off; idempotent. */
  async handOff(notice: ImageComplete): Promise<void> {
    const o = this.#o;
    const file = `${notice.image}.fits`;
    const oods = join(o.oodsStagingDir, notice.origin, file);
    const dbb = join(o.dbbStagingDir, notice.origin, file);
    const src = notice.path;
    const have = await inodeOf(src);
    for (const [dest, other] of [
      [oods, dbb],
      [dbb, oods],
    ] as const) {
      const there = await inodeOf(dest);
      if (have) {
        if (there && there.dev === have.dev && there.ino === have.ino) continue;
        if (there) {
          // a copy made across file systems, or a stale file: keep it only if it is the image
          const bytes = await readIfExists(dest);
          if (bytes && sha256Hex(bytes) === notice.sha256) continue;
          await unlink(dest);
        }
        const how = o.copy ? 'cross-device' : await hardLink(src, dest);
        if (how === 'cross-device') await this.#copyVerified(src, dest, notice.sha256);
      } else if (!there) {
        // the original is gone: it was removed after both links existed, so one must be here
        if (!(await inodeOf(other))) {
          throw new PromptlyError(
            'PROMPTLY_E_ARCHIVE_SOURCE_MISSING',
            `${notice.image}: neither ${src} nor its staged links exist`,
          );
        }
        const how = await hardLink(other, dest);
        if (how === 'cross-device') await this.#copyVerified(other, dest, notice.sha256);
      }
    }
    // both links exist: the OODS and the DBB may start while the links are made durable
    await o.bus.publish(
      archiveSubjects.oods(notice.instrument),
      encodeJson({ ...notice, stagedPath: oods }),
    );
    await o.bus.publish(
      archiveSubjects.dbb(notice.instrument),
      encodeJson({ ...notice, stagedPath: dbb }),
    );
    await fsyncDir(join(o.oodsStagingDir, notice.origin));
    await fsyncDir(join(o.dbbStagingDir, notice.origin));
    await o.beforeUnlink?.(notice);
    if (have) {
      await unlink(src).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await fsyncDir(join(o.handoffDir, notice.origin));
    }
    this.handedOff++;
    o.status.emit({
      activity: 'archive.handed_off',
      instrument: notice.instrument,
      group: notice.group,
      detector: notice.detector,
      detail: { image: notice.image, origin: notice.origin },
    });
  }

  async #copyVerified(from: string, to: string, sha256: string): Promise<void> {
    const bytes = await readFile(from);
    if (sha256Hex(bytes) !== sha256) {
      throw new PromptlyError(
        'PROMPTLY_E_ARCHIVE_CHECKSUM',
        `${from} does not have the announced SHA-256`,
      );
    }
    await writeFileDurably(to, bytes);
    const back = await readFile(to);
    if (sha256Hex(back) !== sha256) {
      await unlink(to).catch(() => undefined);
      throw new PromptlyError(
        'PROMPTLY_E_ARCHIVE_CHECKSUM',
        `copy ${to} does not read back as written`,
      );
    }
    this.copied++;
  }

  /**
   * Hands off every whole file left in the hand-off area (its notice rebuilt from the file);
   * returns how many. Partial files are skipped.
   */
  scan(): Promise<number> {
    const o = this.#o;
    return scanWholeRaws(
      o.handoffDir,
      o.instrument,
      () => o.clock.now(),
      (notice) => this.handOff(notice),
      (line) => o.log?.(`archive controller: ${line}`),
    );
  }

  async close(): Promise<void> {
    await this.#work?.close();
  }
}
