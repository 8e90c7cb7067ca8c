import { expect } from 'vitest';
import { parseRawKey } from '../../core/raw-key.js';
import type { Outcome } from '../../core/outcome.js';
import { DATASET_TYPES, collections } from '../../registry/dataset-types.js';
import { openLedger, openRawStore, openCentralRepo } from '../backends.js';
import type { ChaosNight } from './chaos-night.js';

/** What the central repo, the ledger and the raw store hold at the end of a chaos night. */
export interface ZeroLossReport {
  /** Expected visit-detectors (`group/detector`) → outcomes the central repo holds for it. */
  readonly outcomeCounts: ReadonlyMap<string, number>;
  /** Outcomes in the central repo for visit-detectors no accepted visit owed. */
  readonly unexpected: readonly string[];
  /** The outcome that stands for each visit-detector. */
  readonly outcomes: ReadonlyMap<string, Outcome>;
  /** Keys of the outcome messages on the bus whose kinds disagree. */
  readonly conflicting: readonly string[];
  /** Raws neither ingested (in their outcome's snaps), quarantined nor reported orphans. */
  readonly unaccounted: readonly string[];
  readonly raws: readonly string[];
  readonly quarantined: readonly string[];
  readonly orphans: readonly string[];
}

/** Reads the end state of `night` from its central repo, ledger and raw store. */
export async function zeroLossReport(night: ChaosNight): Promise<ZeroLossReport> {
  const { config, instrument } = night;
  const central = await openCentralRepo(config, false);
  const ledger = await openLedger(config);
  const store = await openRawStore(config);
  try {
    const refs = await central.registry.queryDatasets(DATASET_TYPES.outcome.name, {
      collections: [collections.outcomes(instrument)],
    });
    const outcomes = new Map<string, Outcome>();
    const counts = new Map<string, number>();
    for (const ref of refs) {
      const key = `${String(ref.dataId.group)}/${String(ref.dataId.detector)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      outcomes.set(key, JSON.parse(new TextDecoder().decode(await central.get(ref))) as Outcome);
    }
    const outcomeCounts = new Map<string, number>();
    for (const [group, detectors] of night.expected)
      for (const d of detectors)
        outcomeCounts.set(`${group}/${d}`, counts.get(`${group}/${d}`) ?? 0);
    const unexpected = [...counts.keys()].filter((k) => !outcomeCounts.has(k));
    const kinds = new Map<string, Set<string>>();
    for (const o of night.outcomes) {
      const key = `${o.group}/${o.detector}`;
      kinds.set(key, (kinds.get(key) ?? new Set()).add(o.kind));
    }
    const conflicting = [...kinds].filter(([, k]) => k.size > 1).map(([key]) => key);
    const orphans = (await ledger.orphans(instrument, 0, 10_000)).map((o) => o.key);
    const raws: string[] = [];
    for await (const info of store.list(`${instrument}/`)) raws.push(info.key);
    const quarantined: string[] = [];
    for await (const info of store.list('quarantine/')) quarantined.push(info.key);
    const orphanSet = new Set(orphans);
    const unaccounted = raws.filter((key) => {
      if (orphanSet.has(key)) return false;
      const raw = parseRawKey(key);
      return !outcomes.get(`${raw.group}/${raw.detector}`)?.snaps.includes(raw.snap);
    });
    return {
      outcomeCounts,
      unexpected,
      outcomes,
      conflicting,
      unaccounted,
      raws,
      quarantined,
      orphans,
    };
  } finally {
    await store.close();
    await ledger.dispose();
    await central.close();
  }
}

/**
 * The end every chaos test asserts: each expected visit-detector holds exactly one outcome
 * (and no other has one), the bus never carried two different outcomes for one, and every
 * raw in the store was ingested, quarantined or reported as an orphan.
 */
export async function expectZeroLoss(
  night: ChaosNight,
  expectedVisits: number,
): Promise<ZeroLossReport> {
  const report = await zeroLossReport(night);
  expect(night.expected.size).toBe(expectedVisits);
  expect(report.outcomeCounts.size).toBe(expectedVisits * 9);
  for (const [key, count] of report.outcomeCounts) expect(count, key).toBe(1);
  expect(report.unexpected).toEqual([]);
  expect(report.conflicting).toEqual([]);
  expect(report.raws.length).toBeGreaterThan(0);
  expect(report.unaccounted).toEqual([]);
  return report;
}
