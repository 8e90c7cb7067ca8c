import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '../../bus/bus.js';
import { decodeJson, encodeJson } from '../../bus/codec.js';
import { createMemoryBus } from '../../bus/memory/memory-bus.js';
import { scaledClock, type Clock } from '../../core/clock.js';
import { loadConfig, type Config } from '../../core/config.js';
import type { Repo } from '../../registry/repo.js';
import type { ObjectStore } from '../../store/object-store.js';
import { openDbbStore, openOodsRepo } from '../../cli/backends.js';
import { archiveLayout, type ArchiveLayout } from '../archive-layout.js';
import {
  ARCHIVE_EVENTS_STREAM,
  archiveSubjects,
  ensureArchiveTopology,
} from '../archive-topology.js';
import { startBaseArchive, type BaseArchive, type BaseArchiveOptions } from '../base-archive.js';
import { sha256Hex, writeFileDurably } from '../files/durable-file.js';
import type { ImageComplete } from '../image-complete.js';

/** The base half of the archive path on a memory bus and temporary directories, for tests. */
export interface BaseFixture {
  readonly config: Config;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly layout: ArchiveLayout;
  readonly oodsRepo: Repo;
  readonly dbbStore: ObjectStore;
  base: BaseArchive | undefined;
  start(options?: Partial<BaseArchiveOptions>): Promise<BaseArchive>;
  /** Writes `bytes` into the hand-off area as the image writer would, and announces it. */
  complete(
    image: string,
    bytes: Uint8Array,
    extra?: Partial<ImageComplete>,
  ): Promise<ImageComplete>;
  /** Resolves with the first archive event of `kind` about `image` (history included). */
  event(kind: string, image: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function baseFixture(overrides: Record<string, unknown> = {}): Promise<BaseFixture> {
  const workDir = await mkdtemp(join(tmpdir(), 'promptly-archive-base-'));
  const config = loadConfig({
    cwd: workDir,
    overrides: { instrument: 'LSSTComCam', workDir, ...overrides },
  });
  const bus = createMemoryBus();
  const clock = scaledClock(1);
  const oodsRepo = await openOodsRepo(config);
  const dbbStore = await openDbbStore(config);
  const layout = archiveLayout(config.archive.root);
  await ensureArchiveTopology(bus, { ackWaitMs: 30_000, maxDeliveries: 5 });
  const f: BaseFixture = {
    config,
    bus,
    clock,
    layout,
    oodsRepo,
    dbbStore,
    base: undefined,
    async start(options = {}) {
      f.base = await startBaseArchive({ config, bus, clock, oodsRepo, dbbStore, ...options });
      return f.base;
    },
    async complete(image, bytes, extra = {}) {
      const path = join(layout.handoff, 'ComCam', `${image}.fits`);
      await writeFileDurably(path, bytes);
      const obsId = image.split('_').slice(0, 4).join('_');
      const notice: ImageComplete = {
        image,
        instrument: 'LSSTComCam',
        detector: 4,
        group: `group-${obsId}`,
        snap: 0,
        obsId,
        dayObs: 20261203,
        origin: 'ComCam',
        path,
        sizeBytes: bytes.length,
        sha256: sha256Hex(bytes),
        metadataIncomplete: false,
        readoutEndMs: clock.now(),
        completedMs: clock.now(),
        ...extra,
      };
      await bus.publish(archiveSubjects.complete('LSSTComCam'), encodeJson(notice));
      return notice;
    },
    async event(kind, image) {
      const sub = await bus.readStream(ARCHIVE_EVENTS_STREAM, {
        deliver: { kind: 'all' },
        filter: `archive.event.${kind}.>`,
      });
      try {
        for await (const m of sub) {
          const e = decodeJson(m.data) as Record<string, unknown>;
          if (e.image === image) return e;
        }
      } finally {
        await sub.close();
      }
      throw new Error(`no ${kind} event for ${image}`);
    },
    async close() {
      await f.base?.close();
      await oodsRepo.close();
      await dbbStore.close();
      await bus.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
  return f;
}
