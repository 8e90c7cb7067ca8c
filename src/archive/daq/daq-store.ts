import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import { PromptlyError } from '../../core/errors.js';
import type { RawDamage } from '../../sim/night-script.js';
import { isPartialName, writeFileDurably } from '../files/durable-file.js';
import { IMAGE_NAME_PATTERN } from '../image-complete.js';

/** Kinds of image the camera takes; science images are backfilled first. */
export type ImageType = 'science' | 'calibration' | 'engineering';

/** One exposure in the camera's data acquisition system (every detector's pixels). */
export interface DaqImage {
  /** Observation id, e.g. `CC_O_20261203_000012`: the DAQ's image name. */
  readonly obsId: string;
  readonly instrument: string;
  readonly dayObs: number;
  readonly seqNum: number;
  /** Visit group and snap index of the exposure. */
  readonly group: string;
  readonly snap: number;
  readonly imageType: ImageType;
  /** End of readout, summit ms. */
  readonly readoutEndMs: number;
}

/** One detector's pixels of a DAQ image, as the camera read them out. */
export interface DaqSource {
  readonly image: DaqImage;
  readonly detector: number;
  /** When the DAQ captured it, summit ms (retention counts from here). */
  readonly capturedMs: number;
  /** A fault injected on the way to the writer's file (the summit's corrupt/truncated faults). */
  readonly damage?: RawDamage;
}

export type CaptureListener = (source: DaqSource) => void;
export type DropListener = (image: DaqImage, detectors: readonly number[]) => void;

export interface DaqStoreOptions {
  /** Directory of the DAQ's store. */
  readonly root: string;
  readonly clock: Clock;
  /** How long an image is kept, summit ms; default two days. */
  readonly retentionMs?: number;
}

const TWO_DAYS_MS = 2 * 86_400_000;
const IMAGE_FILE = 'image.json';

/**
 * The camera's data acquisition system, simulated: a store of the last `retentionMs` (two
 * days) of images, each detector's pixels (a camera-written FITS without the header service's
 * metadata) kept under `<root>/<instrument>/<obsId>/<detector>.fits`. Read in streaming mode
 * (`onCapture`: the newest, as each detector lands) or commanded mode (`read` by name, any
 * time within retention), as the camera's DAQ API offers. What `expire` drops is told to the
 * `onDrop` listeners (the catch-up archiver reports what was never archived). Restart-safe:
 * the store is its directory.
 */
export class DaqStore {
  readonly root: string;
  readonly retentionMs: number;
  readonly #clock: Clock;
  readonly #onCapture = new Set<CaptureListener>();
  readonly #onDrop = new Set<DropListener>();

  constructor(options: DaqStoreOptions) {
    this.root = options.root;
    this.#clock = options.clock;
    this.retentionMs = options.retentionMs ?? TWO_DAYS_MS;
  }

  onCapture(listener: CaptureListener): () => void {
    this.#onCapture.add(listener);
    return () => this.#onCapture.delete(listener);
  }

  onDrop(listener: DropListener): () => void {
    this.#onDrop.add(listener);
    return () => this.#onDrop.delete(listener);
  }

  #dir(instrument: string, obsId: string): string {
    if (!IMAGE_NAME_PATTERN.test(obsId) || !IMAGE_NAME_PATTERN.test(instrument))
      throw new PromptlyError(
        'PROMPTLY_E_DAQ_NOT_FOUND',
        `no DAQ image named ${instrument}/${obsId}`,
      );
    return join(this.root, instrument, obsId);
  }

  /** Captures one detector's pixels at end of readout; tells the streaming listeners. */
  async capture(
    image: DaqImage,
    detector: number,
    bytes: Uint8Array,
    damage?: RawDamage,
  ): Promise<DaqSource> {
    const dir = this.#dir(image.instrument, image.obsId);
    const capturedMs = this.#clock.now();
    await mkdir(dir, { recursive: true });
    const imageFile = join(dir, IMAGE_FILE);
    if (!(await exists(imageFile)))
      await writeFileDurably(imageFile, json({ ...image, capturedMs }));
    if (damage)
      await writeFileDurably(join(dir, `${detector}.damage`), new TextEncoder().encode(damage));
    await writeFileDurably(join(dir, `${detector}.fits`), bytes);
    const source: DaqSource = { image, detector, capturedMs, ...(damage ? { damage } : {}) };
    for (const l of this.#onCapture) l(source);
    return source;
  }

  /** Commanded mode: one detector's pixels of a named image. PROMPTLY_E_DAQ_NOT_FOUND when gone. */
  async read(
    instrument: string,
    obsId: string,
    detector: number,
  ): Promise<{ source: DaqSource; bytes: Uint8Array }> {
    const dir = this.#dir(instrument, obsId);
    const entry = await this.#readImage(dir);
    const bytes = entry && (await readFile(join(dir, `${detector}.fits`)).catch(() => undefined));
    if (!entry || !bytes) {
      throw new PromptlyError(
        'PROMPTLY_E_DAQ_NOT_FOUND',
        `no DAQ image ${instrument}/${obsId} detector ${detector} (never captured, or dropped after ${this.retentionMs} ms)`,
      );
    }
    const damage = await damageOf(dir, String(detector));
    return {
      source: {
        image: entry.image,
        detector,
        capturedMs: entry.capturedMs,
        ...(damage ? { damage } : {}),
      },
      bytes,
    };
  }

  /** Every detector's pixels the store holds for `instrument`, oldest image first. */
  async list(instrument: string): Promise<DaqSource[]> {
    const base = join(this.root, instrument);
    const names = await readdir(base).catch(() => [] as string[]);
    const out: DaqSource[] = [];
    for (const obsId of names) {
      if (isPartialName(obsId)) continue;
      const dir = join(base, obsId);
      const entry = await this.#readImage(dir);
      if (!entry) continue;
      const files = new Set(await readdir(dir).catch(() => [] as string[]));
      for (const f of files) {
        const m = /^(\d+)\.fits$/.exec(f);
        if (!m) continue;
        // a damage note is rare: read one only where the listing shows it
        const damage = files.has(`${m[1]}.damage`) ? await damageOf(dir, m[1]!) : undefined;
        out.push({
          image: entry.image,
          detector: Number(m[1]),
          capturedMs: entry.capturedMs,
          ...(damage ? { damage } : {}),
        });
      }
    }
    return out.sort(
      (a, b) =>
        a.capturedMs - b.capturedMs || a.image.seqNum - b.image.seqNum || a.detector - b.detector,
    );
  }

  /** Drops images captured more than `retentionMs` before now; tells the drop listeners first. */
  async expire(instrument: string): Promise<DaqImage[]> {
    const cutoff = this.#clock.now() - this.retentionMs;
    const byImage = new Map<string, { image: DaqImage; detectors: number[] }>();
    for (const s of await this.list(instrument)) {
      if (s.capturedMs >= cutoff) continue;
      const e = byImage.get(s.image.obsId) ?? { image: s.image, detectors: [] };
      e.detectors.push(s.detector);
      byImage.set(s.image.obsId, e);
    }
    for (const { image, detectors } of byImage.values()) {
      // gone first, then told: whoever hears of a drop finds the DAQ without it
      await rm(this.#dir(instrument, image.obsId), { recursive: true, force: true });
      for (const l of this.#onDrop) l(image, detectors);
    }
    return [...byImage.values()].map((e) => e.image);
  }

  async #readImage(dir: string): Promise<{ image: DaqImage; capturedMs: number } | undefined> {
    const text = await readFile(join(dir, IMAGE_FILE), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const { capturedMs, ...image } = JSON.parse(text) as DaqImage & { capturedMs: number };
    return { image, capturedMs };
  }
}

/** The damage fault noted for a detector's pixels, if any. */
async function damageOf(dir: string, detector: string): Promise<RawDamage | undefined> {
  const text = await readFile(join(dir, `${detector}.damage`), 'utf8').catch(() => undefined);
  return text === 'corrupt' || text === 'truncated' ? text : undefined;
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
