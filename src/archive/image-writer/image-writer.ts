import { join } from 'node:path';
import type { Bus, BusMessage, Subscription } from '../../bus/bus.js';
import { decodeJson, encodeJson } from '../../bus/codec.js';
import type { Clock } from '../../core/clock.js';
import { getDetector, getInstrument } from '../../core/instruments.js';
import { isPromptlyError } from '../../core/errors.js';
import { formatRawKey } from '../../core/raw-key.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import { damageRaw } from '../../sim/night-script.js';
import type { ObjectStore } from '../../store/object-store.js';
import { archiveSubjects } from '../archive-topology.js';
import type { DaqSource, DaqStore } from '../daq/daq-store.js';
import { sha256Hex, writeFileDurably, type BeforeRename } from '../files/durable-file.js';
import {
  cardsOf,
  type HeaderMetadata,
  type HeaderMetadataStore,
} from '../header-service/header-metadata.js';
import type { ImageComplete, ImageOrigin } from '../image-complete.js';
import type { SummitBaseLink } from '../link/summit-base-link.js';
import { mergeRaw } from './merge-raw.js';

/** The staging area of each origin in the hand-off directory. */
export function originOf(instrument: string): ImageOrigin {
  if (instrument === 'LATISS') return 'LATISS';
  if (instrument === 'LSSTCam') return 'LSSTCam';
  return 'ComCam';
}

/** A detector file's name: `<obsId>_<detector name>`, as the camera names its files. */
export function imageNameOf(instrument: string, obsId: string, detector: number): string {
  return `${obsId}_${getDetector(getInstrument(instrument), detector).name}`;
}

export interface ImageWriterOptions {
  readonly instrument: string;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly daq: DaqStore;
  readonly metadata: HeaderMetadataStore;
  readonly link: SummitBaseLink;
  /** Root of the hand-off area; files go to `<handoffDir>/<origin>/<image>.fits`. */
  readonly handoffDir: string;
  /** Prompt processing's raw store (the workers watch it); fed in streaming mode only. */
  readonly rawStore?: ObjectStore;
  /** Longest wait for the header service's metadata, summit ms. */
  readonly metadataWaitMs: number;
  /** Files written at once (each holds a raw in memory). */
  readonly concurrency?: number;
  readonly status: StatusEmitter;
  /** Tests hold a file between its write and its rename. */
  readonly beforeRename?: BeforeRename;
  readonly log?: (line: string) => void;
}

/** What became of one detector image. */
export type WriteResult =
  | { readonly kind: 'written'; readonly notice: ImageComplete }
  | {
      readonly kind: 'missed';
      readonly image: string;
      readonly code: string;
      readonly message: string;
    };

/**
 * The image writer (the camera's CCS image writer, which the seed has replace the
 * Archiver/Forwarders): in streaming mode it takes each detector's pixels from the DAQ as
 * they land; in commanded mode (`writeImage`, the catch-up archiver) any image by name. For
 * each it waits (bounded) for the Header Service's metadata, merges it (flagging HDRINCMP
 * when it never came), sets CHECKSUM/DATASUM, writes the raw into the base's hand-off area
 * across the summit–base link (partial name, fsync, rename, fsync), only then announces an
 * ImageComplete (queue ARCHIVE_HANDOFF), and feeds prompt processing's raw store.
 * A transfer the link refuses is reported `missed` (the catch-up archiver backfills it).
 */
export class ImageWriter {
  readonly #o: ImageWriterOptions;
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #queue: DaqSource[] = [];
  readonly #idle = new Set<() => void>();
  #running = 0;
  #sub: Subscription<BusMessage> | undefined;
  #loop: Promise<void> | undefined;
  #stopCapture: (() => void) | undefined;
  #closed = false;
  written = 0;
  missed = 0;
  /** Images announced complete to the hand-off since start (until the DAQ drops them). */
  readonly #handedOff = new Set<string>();
  incomplete = 0;

  constructor(options: ImageWriterOptions) {
    this.#o = options;
  }

  /** Subscribes to metadata announcements, then follows the DAQ (streaming mode). */
  async start(): Promise<void> {
    this.#sub = await this.#o.bus.subscribe(archiveSubjects.event('header', this.#o.instrument));
    const sub = this.#sub;
    this.#loop = (async () => {
      for await (const msg of sub) {
        const { obsId } = decodeJson(msg.data) as { obsId: string };
        for (const wake of this.#waiters.get(obsId) ?? []) wake();
      }
    })();
    this.#stopCapture = this.#o.daq.onCapture((source) => {
      if (source.image.instrument !== this.#o.instrument || this.#closed) return;
      this.#queue.push(source);
      this.#pump();
    });
  }

  #pump(): void {
    const limit = this.#o.concurrency ?? 4;
    while (this.#running < limit && this.#queue.length > 0) {
      const source = this.#queue.shift()!;
      this.#running++;
      void this.writeImage(source, originOf(this.#o.instrument), true)
        .catch(async (err: unknown) => {
          // any other failure (the DAQ, the disk): reported missed, for the catch-up to retry
          this.#o.log?.(`image writer: ${err instanceof Error ? err.message : String(err)}`);
          await this.#missed(source, err).catch(() => undefined);
        })
        .finally(() => {
          this.#running--;
          this.#pump();
          if (this.#running === 0 && this.#queue.length === 0) for (const f of this.#idle) f();
        });
    }
  }

  /**
   * Whether this writer announced `name` complete: its hand-off is then durable work on the
   * archive queues, which the normal path finishes unless that work dies.
   */
  handedOff(name: string): boolean {
    return this.#handedOff.has(name);
  }

  /** Forgets images the DAQ no longer holds. */
  forget(names: Iterable<string>): void {
    for (const n of names) this.#handedOff.delete(n);
  }

  /** Whether images captured in streaming mode are still being written. */
  get busy(): boolean {
    return this.#running > 0 || this.#queue.length > 0;
  }

  /** Resolves once every captured image so far is written or missed. */
  async idle(): Promise<void> {
    if (this.#running === 0 && this.#queue.length === 0) return;
    await new Promise<void>((resolve) => {
      const f = (): void => {
        this.#idle.delete(f);
        resolve();
      };
      this.#idle.add(f);
    });
  }

  /**
   * Writes one detector image. `streaming` feeds prompt processing's raw store too (a
   * backfilled image reaches the archive only). PROMPTLY_E_DAQ_NOT_FOUND when the DAQ
   * dropped it; a refused transfer resolves `missed`.
   */
  async writeImage(
    source: DaqSource,
    origin: ImageOrigin,
    streaming: boolean,
  ): Promise<WriteResult> {
    const o = this.#o;
    const { image, detector } = source;
    const name = imageNameOf(image.instrument, image.obsId, detector);
    const { bytes, meta } = await this.render(source);
    const path = join(o.handoffDir, origin, `${name}.fits`);
    try {
      o.link.assertUp(`writing ${name}`);
      await writeFileDurably(path, bytes, o.beforeRename);
    } catch (err) {
      if (!isPromptlyError(err, 'PROMPTLY_E_LINK_DOWN')) throw err;
      return this.#missed(source, err);
    }
    const notice: ImageComplete = {
      image: name,
      instrument: image.instrument,
      detector,
      group: image.group,
      snap: image.snap,
      obsId: image.obsId,
      dayObs: image.dayObs,
      origin,
      path,
      sizeBytes: bytes.length,
      sha256: sha256Hex(bytes),
      metadataIncomplete: meta === undefined,
      readoutEndMs: image.readoutEndMs,
      completedMs: o.clock.now(),
    };
    this.written++;
    if (!meta) this.incomplete++;
    await o.bus.publish(archiveSubjects.complete(image.instrument), encodeJson(notice));
    this.#handedOff.add(name);
    await o.bus.publish(archiveSubjects.event('written', image.instrument), encodeJson(notice));
    if (streaming && o.rawStore) {
      // prompt processing's feed: a failure here costs the visit-detector its prompt outcome
      // (it times out and is requested for daytime processing), never the archived image
      const key = formatRawKey({
        instrument: image.instrument,
        detector,
        group: image.group,
        snap: image.snap,
      });
      await o.rawStore.put(key, bytes).catch((err: unknown) => {
        o.log?.(`image writer: ${name} not fed to prompt processing: ${String(err)}`);
        o.status.emit({
          activity: 'archive.prompt_feed_failed',
          instrument: image.instrument,
          group: image.group,
          detector,
          detail: { image: name, code: isPromptlyError(err) ? err.code : 'PROMPTLY_E_INTERNAL' },
        });
      });
    }
    o.status.emit({
      activity: 'archive.image_written',
      instrument: image.instrument,
      group: image.group,
      detector,
      detail: {
        image: name,
        origin,
        metadataIncomplete: notice.metadataIncomplete,
        readoutToWrittenMs: notice.completedMs - image.readoutEndMs,
      },
    });
    return { kind: 'written', notice };
  }

  /** Counts and reports an image not written (the catch-up archiver backfills it). */
  async #missed(source: DaqSource, err: unknown): Promise<WriteResult & { kind: 'missed' }> {
    const o = this.#o;
    const { image, detector } = source;
    this.missed++;
    const missed = {
      kind: 'missed',
      image: imageNameOf(image.instrument, image.obsId, detector),
      code: isPromptlyError(err) ? err.code : 'PROMPTLY_E_INTERNAL',
      message: err instanceof Error ? err.message : String(err),
    } as const;
    await o.bus.publish(archiveSubjects.event('missed', o.instrument), encodeJson(missed));
    o.status.emit({
      activity: 'archive.image_missed',
      instrument: image.instrument,
      group: image.group,
      detector,
      detail: { image: missed.image, code: missed.code },
    });
    return missed;
  }

  /**
   * The file the writer makes of a DAQ image: metadata merged (waiting for it at most
   * metadataWaitMs), checksums set, its damage fault applied. Deterministic: the same DAQ
   * image and metadata give the same bytes (a lost archived copy can be made again).
   */
  async render(
    source: DaqSource,
  ): Promise<{ bytes: Uint8Array; meta: HeaderMetadata | undefined }> {
    const { image, detector } = source;
    const { bytes: daqBytes, source: held } = await this.#o.daq.read(
      image.instrument,
      image.obsId,
      detector,
    );
    const meta = await this.#metadata(image.obsId);
    const merged = mergeRaw(daqBytes, meta && cardsOf(meta, detector), image.readoutEndMs);
    return { bytes: held.damage ? damageRaw(merged, held.damage) : merged, meta };
  }

  /** The exposure's header metadata, waiting up to metadataWaitMs for it; undefined if none came. */
  async #metadata(obsId: string): Promise<HeaderMetadata | undefined> {
    const o = this.#o;
    const now = await o.metadata.get(o.instrument, obsId);
    if (now || o.metadataWaitMs <= 0) return now;
    const timer = new AbortController();
    let wake!: () => void;
    const arrived = new Promise<void>((resolve) => (wake = resolve));
    const set = this.#waiters.get(obsId) ?? new Set();
    set.add(wake);
    this.#waiters.set(obsId, set);
    try {
      // it may have landed between the first look and the subscription
      const again = await o.metadata.get(o.instrument, obsId);
      if (again) return again;
      await Promise.race([
        arrived,
        o.clock.sleep(o.metadataWaitMs, timer.signal).catch(() => undefined),
      ]);
      return await o.metadata.get(o.instrument, obsId);
    } finally {
      timer.abort();
      set.delete(wake);
      if (set.size === 0) this.#waiters.delete(obsId);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopCapture?.();
    await this.idle();
    await this.#sub?.close();
    await this.#loop;
  }
}
