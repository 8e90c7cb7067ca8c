import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SnapTruth } from './detector-scene.js';
import type { PlannedVisit } from './night-plan.js';

/**
 * The truth of a night, one JSON file per visit-detector, `truth/<group>/<detector>.json`:
 * `{ instrument, detector, visit, snaps }` with every snap's truth (`SnapTruth`: transients
 * and their true fluxes, the true WCS and PSF…). `simulate` writes them beside its raws, `up`
 * into its work dir; `src/score` reads them to score Alert Production.
 */

/** One visit-detector's truth, snaps in the order they were written. */
export interface VisitDetectorTruth {
  readonly visit: PlannedVisit;
  readonly detector: number;
  readonly snaps: SnapTruth[];
}

/**
 * Collects the truth of the raws a summit writes, by visit-detector. With `streamTo`, a
 * visit-detector's file is written as soon as its last snap is in, so a night of any length
 * holds only the visits in flight; otherwise everything waits for {@link write}.
 */
export class TruthCollector {
  readonly #byKey = new Map<string, VisitDetectorTruth>();
  readonly #pending = new Set<Promise<void>>();
  #failure: Error | undefined;
  readonly #files: string[] = [];

  constructor(private readonly streamTo?: { readonly dir: string; readonly instrument: string }) {}

  /** Adds one snap's truth. */
  add(visit: PlannedVisit, detector: number, snap: SnapTruth): void {
    const key = `${visit.groupId}/${detector}`;
    const entry = this.#byKey.get(key) ?? { visit, detector, snaps: [] };
    entry.snaps.push(snap);
    this.#byKey.set(key, entry);
    if (this.streamTo && entry.snaps.length >= visit.snaps) {
      this.#byKey.delete(key);
      const { dir, instrument } = this.streamTo;
      const p = this.#writeOne(dir, instrument, key, entry)
        .catch((err: unknown) => {
          this.#failure ??= err instanceof Error ? err : new Error(String(err));
        })
        .finally(() => this.#pending.delete(p));
      this.#pending.add(p);
    }
  }

  async #writeOne(
    dir: string,
    instrument: string,
    key: string,
    t: VisitDetectorTruth,
  ): Promise<void> {
    const rel = path.join('truth', `${key}.json`);
    const full = path.join(dir, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(
      full,
      JSON.stringify(
        { instrument, detector: t.detector, visit: t.visit, snaps: t.snaps },
        null,
        1,
      ) + '\n',
    );
    this.#files.push(rel);
  }

  /**
   * Writes every visit-detector not written yet under `dir` (in key order), waits for those
   * being written, and returns every file written, relative to `dir`, sorted.
   */
  async write(dir: string, instrument: string): Promise<string[]> {
    const entries = [...this.#byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.#byKey.clear();
    for (const [key, t] of entries) await this.#writeOne(dir, instrument, key, t);
    await Promise.all(this.#pending);
    if (this.#failure !== undefined) throw this.#failure;
    return [...this.#files].sort();
  }
}
