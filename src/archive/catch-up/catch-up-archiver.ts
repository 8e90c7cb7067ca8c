import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import type { Clock } from '../../core/clock.js';
import { isPromptlyError } from '../../core/errors.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import type { ObjectStore } from '../../store/object-store.js';
import { archiveQueuesIdle, archiveSubjects } from '../archive-topology.js';
import type { DaqImage, DaqSource, DaqStore } from '../daq/daq-store.js';
import { receiptKey, receiptNames } from '../dbb/dbb-receipt.js';
import { imageNameOf, type ImageWriter } from '../image-writer/image-writer.js';
import type { SummitBaseLink } from '../link/summit-base-link.js';

export interface CatchUpOptions {
  readonly instrument: string;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly daq: DaqStore;
  readonly writer: ImageWriter;
  /** The DBB's long-term store, where its receipts are. */
  readonly dbbStore: ObjectStore;
  readonly link: SummitBaseLink;
  /** Backfill rate, images (detector files) per summit second. */
  readonly imagesPerS: number;
  /** An image younger than this is left to the normal path, summit ms. */
  readonly graceMs: number;
  /** An image not archived this long after capture raises an alarm, summit ms. */
  readonly budgetMs: number;
  /** Reconcile at least this often, summit ms (besides when the link comes back). */
  readonly intervalMs: number;
  readonly status: StatusEmitter;
  readonly log?: (line: string) => void;
}

/** One pass of the catch-up archiver. */
export interface CatchUpPass {
  /** DAQ images without a DBB receipt, past the grace time. */
  readonly missing: number;
  readonly backfilled: number;
  /** Images past their archive budget. */
  readonly overdue: number;
}

const TYPE_ORDER = { science: 0, calibration: 1, engineering: 2 } as const;

/**
 * The catch-up archiver: compares what the camera's DAQ holds with the DBB's receipts and
 * writes what the normal path missed (a link outage, a dead writer or controller) through the
 * image writer in commanded mode, origin `catchup`, at a bounded rate, science images first,
 * oldest first. It reconciles every `intervalMs` and at once when the summit–base link comes
 * back; an image still without a receipt after `budgetMs` raises an `overdue` alarm. After each
 * pass it applies the DAQ's retention; an image dropped before it was archived is reported
 * `lost` (PROMPTLY_E_ARCHIVE_UNRECOVERABLE).
 */
export class CatchUpArchiver {
  readonly #o: CatchUpOptions;
  readonly #alarmed = new Set<string>();
  readonly #stop = new AbortController();
  #running: Promise<CatchUpPass> | undefined;
  #again = false;
  #loop: Promise<void> | undefined;
  #offLink: (() => void) | undefined;
  #offDrop: (() => void) | undefined;
  backfilled = 0;
  lost: string[] = [];
  overdue = 0;

  constructor(options: CatchUpOptions) {
    this.#o = options;
  }

  start(): void {
    const o = this.#o;
    this.#offLink = o.link.onChange((up) => {
      if (up) void this.reconcile().catch((err: unknown) => this.#log(err));
    });
    this.#offDrop = o.daq.onDrop((image, detectors) => void this.#dropped(image, detectors));
    this.#loop = (async () => {
      while (!this.#stop.signal.aborted) {
        try {
          await o.clock.sleep(o.intervalMs, this.#stop.signal);
          await this.reconcile();
          // the DAQ's retention runs here: what it drops unarchived is reported lost
          await o.daq.expire(o.instrument);
        } catch (err) {
          if (!isPromptlyError(err, 'PROMPTLY_E_ABORTED')) this.#log(err);
        }
      }
    })();
  }

  #log(err: unknown): void {
    this.#o.log?.(`catch-up: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Whether a reconcile pass is running. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** One reconcile pass (a call during a pass runs one more after it). */
  async reconcile(graceMs = this.#o.graceMs): Promise<CatchUpPass> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#pass(graceMs);
    try {
      let result = await this.#running;
      while (this.#again && !this.#stop.signal.aborted) {
        this.#again = false;
        this.#running = this.#pass(graceMs);
        result = await this.#running;
      }
      return result;
    } finally {
      this.#running = undefined;
    }
  }

  async #pass(graceMs: number): Promise<CatchUpPass> {
    const o = this.#o;
    const receipts = await receiptNames(o.dbbStore, o.instrument);
    const now = o.clock.now();
    // An image the writer handed off is the normal path's for as long as the archive queues
    // hold work: writing it again would only add to that work (on a slow machine, the
    // duplicates made the DBB fall further behind, which made more duplicates). Once the
    // queues are idle, what still has no receipt was lost (dead-lettered work) and is backfilled.
    const normalPathBusy = !(await archiveQueuesIdle(o.bus));
    const missing = (await o.daq.list(o.instrument))
      .filter(
        (s) =>
          !receipts.has(nameOf(s)) &&
          s.capturedMs <= now - graceMs &&
          !(normalPathBusy && o.writer.handedOff(nameOf(s))),
      )
      .sort(
        (a, b) =>
          TYPE_ORDER[a.image.imageType] - TYPE_ORDER[b.image.imageType] ||
          a.capturedMs - b.capturedMs ||
          a.detector - b.detector,
      );
    let overdue = 0;
    for (const s of missing) {
      if (s.capturedMs + o.budgetMs > now) continue;
      overdue++;
      const name = nameOf(s);
      if (this.#alarmed.has(name)) continue;
      this.#alarmed.add(name);
      this.overdue++;
      await this.#alarm('overdue', 'PROMPTLY_E_ARCHIVE_OVERDUE', name, s.image.group, s.detector, {
        capturedMs: s.capturedMs,
        budgetMs: o.budgetMs,
      });
    }
    let backfilled = 0;
    const spacingMs = 1000 / o.imagesPerS;
    let nextAt = o.clock.now();
    for (const s of missing) {
      if (this.#stop.signal.aborted || !o.link.up) break;
      const wait = nextAt - o.clock.now();
      if (wait > 0) await o.clock.sleep(wait, this.#stop.signal).catch(() => undefined);
      if (this.#stop.signal.aborted) break;
      // the normal path (or another pass) may have archived it since the list was made
      if (await o.dbbStore.head(receiptKey(o.instrument, nameOf(s)))) continue;
      nextAt = Math.max(nextAt + spacingMs, o.clock.now());
      try {
        const r = await o.writer.writeImage(s, 'catchup', false);
        if (r.kind === 'missed') break;
        backfilled++;
        this.backfilled++;
      } catch (err) {
        this.#log(err); // dropped from the DAQ meanwhile: reported by #dropped
      }
    }
    return { missing: missing.length, backfilled, overdue };
  }

  async #dropped(image: DaqImage, detectors: readonly number[]): Promise<void> {
    const o = this.#o;
    o.writer.forget(detectors.map((d) => imageNameOf(o.instrument, image.obsId, d)));
    const receipts = await receiptNames(o.dbbStore, o.instrument);
    for (const d of detectors) {
      const name = imageNameOf(o.instrument, image.obsId, d);
      if (receipts.has(name)) continue;
      this.lost.push(name);
      await this.#alarm('lost', 'PROMPTLY_E_ARCHIVE_UNRECOVERABLE', name, image.group, d);
    }
  }

  /** One archive event and one status event about an image in trouble, with its code. */
  async #alarm(
    kind: 'overdue' | 'lost',
    code: string,
    image: string,
    group: string,
    detector: number,
    extra: Record<string, number> = {},
  ): Promise<void> {
    const o = this.#o;
    const detail = { image, code, ...extra };
    await o.bus.publish(
      archiveSubjects.event(kind, o.instrument),
      encodeJson({ ...detail, group, detector }),
    );
    o.status.emit({
      activity: `archive.${kind}`,
      instrument: o.instrument,
      group,
      detector,
      detail,
    });
  }

  async close(): Promise<void> {
    this.#stop.abort();
    this.#offLink?.();
    this.#offDrop?.();
    await this.#loop;
    await this.#running?.catch(() => undefined);
  }
}

function nameOf(s: DaqSource): string {
  return imageNameOf(s.image.instrument, s.image.obsId, s.detector);
}
