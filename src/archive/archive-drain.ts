import type { Bus } from '../bus/bus.js';
import type { Repo } from '../registry/repo.js';
import type { ObjectStore } from '../store/object-store.js';
import { archiveLayout } from './archive-layout.js';
import { archiveQueuesIdle, archiveSubjects } from './archive-topology.js';
import type { DaqStore } from './daq/daq-store.js';
import { receiptNames } from './dbb/dbb-receipt.js';
import { imageNameOf } from './image-writer/image-writer.js';
import { oodsRun } from './oods/oods.js';
import { listWholeFiles } from './whole-files.js';
import type { SummitArchive } from './summit-archive.js';

/** Where every image the DAQ holds stands on the archive path. */
export interface ArchiveState {
  /** Detector images in the DAQ. */
  readonly images: number;
  readonly inDbb: number;
  readonly inOods: number;
  readonly quarantined: number;
  /** Files still in the hand-off area, and in the OODS's and the DBB's staging areas. */
  readonly inHandoff: number;
  readonly inStaging: number;
  /** DAQ images not (yet) in the DBB, and not (yet) ingested or quarantined by the OODS. */
  readonly notInDbb: readonly string[];
  readonly notInOods: readonly string[];
}

export interface ArchiveStateOptions {
  readonly instrument: string;
  /** `archive.root`. */
  readonly root: string;
  readonly daq: DaqStore;
  readonly dbbStore: ObjectStore;
  /** The OODS's repository; without it the OODS is not looked at (notInOods stays empty). */
  readonly oodsRepo?: Repo;
}

/** Names (without `suffix`) of the whole files under `<root>/<origin>/`. */
async function namesIn(root: string, suffix: string): Promise<string[]> {
  return (await listWholeFiles(root, suffix)).map((f) => f.name.slice(0, -suffix.length));
}

/** Compares the DAQ with the DBB's receipts, the OODS's registry and quarantine. */
export async function archiveState(o: ArchiveStateOptions): Promise<ArchiveState> {
  const layout = archiveLayout(o.root);
  const names = (await o.daq.list(o.instrument)).map((s) =>
    imageNameOf(o.instrument, s.image.obsId, s.detector),
  );
  const receipts = await receiptNames(o.dbbStore, o.instrument);
  const refs = o.oodsRepo
    ? await o.oodsRepo.registry.queryDatasets('raw', { collections: [oodsRun(o.instrument)] })
    : [];
  const ingested = new Set(
    refs.map((r) => r.uri.slice(r.uri.lastIndexOf('/') + 1, -'.fits'.length)),
  );
  const quarantined = new Set(await namesIn(layout.oodsQuarantine, '.reason.json'));
  const handoff = await namesIn(layout.handoff, '.fits');
  const staged =
    (await namesIn(layout.oodsStaging, '.fits')).length +
    (await namesIn(layout.dbbStaging, '.fits')).length;
  const inOods = (n: string): boolean => ingested.has(n) || quarantined.has(n);
  return {
    images: names.length,
    inDbb: names.filter((n) => receipts.has(n)).length,
    inOods: names.filter((n) => ingested.has(n)).length,
    quarantined: names.filter((n) => quarantined.has(n)).length,
    inHandoff: handoff.length,
    inStaging: staged,
    notInDbb: names.filter((n) => !receipts.has(n)),
    notInOods: o.oodsRepo ? names.filter((n) => !inOods(n)) : [],
  };
}

/**
 * Waits until every image the DAQ holds is in the DBB with a receipt and (given the OODS's
 * repository) ingested into or quarantined by the OODS, with the hand-off area (and, given
 * the OODS, both staging areas) empty and the archive queues idle: the end of a night. With the summit's half (`summit`) it runs the catch-up archiver (no grace)
 * whenever the normal path has nothing in flight and images are still missing. Re-checks on
 * every archive event and link change, and at least every `recheckMs` real ms (default 5 s).
 * It gives up, returning the state with what is still missing, when nothing has changed
 * through `maxIdleRechecks` (default 6) rechecks with the link up and the queues empty:
 * something no retry will fix, which the caller reports.
 */
export async function waitArchiveDrained(
  o: ArchiveStateOptions & {
    bus: Bus;
    summit?: SummitArchive;
    signal?: AbortSignal;
    recheckMs?: number;
    maxIdleRechecks?: number;
  },
): Promise<ArchiveState> {
  const { summit, bus } = o;
  const events = await bus.subscribe(
    archiveSubjects.eventsAll,
    o.signal ? { signal: o.signal } : {},
  );
  const wakers = new Set<() => void>();
  const wakeAll = (): void => {
    for (const w of wakers) w();
  };
  const offLink = summit?.link.onChange(wakeAll);
  const pump = (async () => {
    for await (const _ of events) wakeAll();
  })();
  try {
    await summit?.writer.idle();
    let last = '';
    let unchanged = 0;
    let reconciledAt: string | undefined;
    for (;;) {
      const state = await archiveState(o);
      const quiet =
        (summit ? summit.link.up && !summit.catchUp.busy && !summit.writer.busy : true) &&
        (await archiveQueuesIdle(bus));
      if (process.env.DEBUG_DRAIN)
        process.stderr.write(
          `drain ${new Date().toISOString()} summit=${summit !== undefined} images=${state.images} notInDbb=${state.notInDbb.length} notInOods=${state.notInOods.length} handoff=${state.inHandoff} staging=${state.inStaging} quiet=${quiet} catchUpBusy=${summit?.catchUp.busy} writerBusy=${summit?.writer.busy} linkUp=${summit?.link.up}\n`,
        );
      const done =
        state.notInDbb.length === 0 &&
        state.notInOods.length === 0 &&
        state.inHandoff === 0 &&
        (state.inStaging === 0 || !o.oodsRepo);
      if ((done && quiet) || o.signal?.aborted) return state;
      const key = JSON.stringify([
        state.notInDbb,
        state.notInOods,
        state.inHandoff,
        state.inStaging,
      ]);
      unchanged = key === last && quiet ? unchanged + 1 : 0;
      last = key;
      if (unchanged > (o.maxIdleRechecks ?? 6)) return state;
      // one catch-up per state: writing the same images again would change nothing
      if (summit?.link.up && state.notInDbb.length > 0 && reconciledAt !== key && quiet) {
        reconciledAt = key;
        await summit.catchUp.reconcile(0);
        await summit.writer.idle();
        continue;
      }
      const timer = new AbortController();
      const waits = [
        new Promise<void>((resolve) => wakers.add(resolve)),
        sleepReal(o.recheckMs ?? 5_000, timer.signal),
      ];
      if (summit && !summit.link.up)
        waits.push(summit.link.whenUp(timer.signal).catch(() => undefined));
      await Promise.race(waits);
      timer.abort();
      wakers.clear();
    }
  } finally {
    offLink?.();
    await events.close();
    await pump;
  }
}

function sleepReal(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
