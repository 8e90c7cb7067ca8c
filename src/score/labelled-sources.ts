import { readDiaSrc, type DiaSources } from '../pipeline/tasks/dia-src-fits.js';
import { DATASET_TYPES } from '../registry/dataset-types.js';
import type { Repo } from '../registry/repo.js';
import { catalogFeatures } from '../science/reliability/index.js';
import { distanceToSegment, matchTruth, truthTracks, type TruthTrack } from './match-truth.js';
import type { ScoreOptions } from './score-dia.js';
import { readTruthFile } from './truth-files.js';

/**
 * DIA sources of a run labelled by the simulator's truth, with their reliability features:
 * the training and test data of the real/bogus model. A source is real when the scorer's
 * matcher pairs it with a truth source (within `matchRadiusPx`, right sign, one to one),
 * bogus when it is a false source of the score (no truth source within `falseRadiusPx`), and
 * ambiguous otherwise (near a truth source but not its match: a second detection of it, or
 * the wrong sign); ambiguous sources are neither trained nor tested on.
 */

/** Label of a source: real, bogus or ambiguous. */
export const LABEL = { bogus: 0, real: 1, ambiguous: -1 } as const;

/** One visit-detector's sources, truth, labels and features. */
export interface LabelledVisitDetector {
  /** `group/detector`, the unit of the train/test split. */
  readonly key: string;
  readonly sources: DiaSources;
  readonly tracks: readonly TruthTrack[];
  /** {@link LABEL} per source. */
  readonly labels: Int8Array;
  /** Reliability features per source (RELIABILITY_FEATURES order). */
  readonly features: readonly Float64Array[];
}

/** What reading a run found. */
export interface LabelledRun {
  readonly visitDetectors: LabelledVisitDetector[];
  /** `diaSrc` datasets with truth but without stamps or PSFSIGMA (no features): skipped. */
  readonly skippedNoStamps: number;
  /** `diaSrc` datasets without a truth file: skipped. */
  readonly skippedNoTruth: number;
}

/** Labels of `sources` against `tracks` (see the module comment). */
export function labelSources(
  sources: DiaSources,
  tracks: readonly TruthTrack[],
  options: ScoreOptions = {},
): Int8Array {
  const matchRadius = options.matchRadiusPx ?? 3;
  const falseRadius = options.falseRadiusPx ?? 5;
  const labels = new Int8Array(sources.length).fill(LABEL.ambiguous);
  for (const m of matchTruth(tracks, sources, matchRadius))
    if (m.source >= 0) labels[m.source] = LABEL.real;
  for (let k = 0; k < sources.length; k++) {
    if (labels[k] === LABEL.real) continue;
    const x = sources.x[k]!;
    const y = sources.y[k]!;
    if (!tracks.some((t) => distanceToSegment(x, y, t.first, t.last) <= falseRadius))
      labels[k] = LABEL.bogus;
  }
  return labels;
}

/**
 * Every `diaSrc` in the central repo's prompt output runs (of `instrument`, or of every
 * instrument) that has a truth file under `truthDir`, labelled, with features. Sorted by key,
 * so the same run gives the same data in the same order.
 */
export async function readLabelledRun(
  options: {
    readonly central: Repo;
    readonly truthDir: string;
    readonly instrument?: string;
    readonly signal?: AbortSignal;
  } & ScoreOptions,
): Promise<LabelledRun> {
  const prefix = `${options.instrument ?? ''}`;
  const runs = (await options.central.registry.listCollections())
    .map((c) => c.name)
    .filter((name) => name.includes('/prompt/output-') && name.startsWith(prefix));
  const out: LabelledVisitDetector[] = [];
  let skippedNoStamps = 0;
  let skippedNoTruth = 0;
  if (runs.length === 0) return { visitDetectors: out, skippedNoStamps, skippedNoTruth };
  const refs = await options.central.registry.queryDatasets(DATASET_TYPES.diaSrc.name, {
    collections: runs,
  });
  const seen = new Set<string>();
  for (const ref of refs) {
    const { group, detector } = ref.dataId;
    if (typeof group !== 'string' || typeof detector !== 'number') continue;
    const key = `${group}/${detector}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const snaps = await readTruthFile(options.truthDir, group, detector);
    if (!snaps) {
      skippedNoTruth++;
      continue;
    }
    const catalog = await readDiaSrc(
      await options.central.get(ref, { signal: options.signal }),
      options.signal,
    );
    const { stamps, psfSigmaPx, sources } = catalog;
    if ((!stamps || psfSigmaPx === undefined) && sources.length > 0) {
      skippedNoStamps++;
      continue;
    }
    const tracks = truthTracks(snaps);
    const features: Float64Array[] = [];
    for (let k = 0; k < sources.length; k++)
      features.push(catalogFeatures(sources, stamps!, k, psfSigmaPx!));
    out.push({ key, sources, tracks, labels: labelSources(sources, tracks, options), features });
  }
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { visitDetectors: out, skippedNoStamps, skippedNoTruth };
}
