import { readDiaSrc } from '../pipeline/tasks/dia-src-fits.js';
import { DATASET_TYPES } from '../registry/dataset-types.js';
import type { Repo } from '../registry/repo.js';
import { truthTracks } from './match-truth.js';
import { scoreNight, scoreVisitDetector, type NightScore, type ScoreOptions } from './score-dia.js';
import { readTruthFile } from './truth-files.js';

/**
 * Scores a run of Alert Production: every `diaSrc` the workers exported to the central repo's
 * output runs of `instrument` that has a truth file under `truthDir` is matched to its truth.
 * undefined when no visit-detector could be scored (no DIA sources made, or no truth).
 */
export async function scoreRun(
  options: {
    readonly central: Repo;
    readonly instrument: string;
    /** Directory holding `truth/<group>/<detector>.json` (an `up` work dir, a `simulate` dir). */
    readonly truthDir: string;
    readonly signal?: AbortSignal;
  } & ScoreOptions,
): Promise<NightScore | undefined> {
  const prefix = `${options.instrument}/prompt/output-`;
  const runs = (await options.central.registry.listCollections())
    .map((c) => c.name)
    .filter((name) => name.startsWith(prefix));
  if (runs.length === 0) return undefined;
  const refs = await options.central.registry.queryDatasets(DATASET_TYPES.diaSrc.name, {
    collections: runs,
  });
  const scores = [];
  for (const ref of refs) {
    const { group, detector } = ref.dataId;
    if (typeof group !== 'string' || typeof detector !== 'number') continue;
    const snaps = await readTruthFile(options.truthDir, group, detector);
    if (!snaps) continue;
    const catalog = await readDiaSrc(
      await options.central.get(ref, { signal: options.signal }),
      options.signal,
    );
    scores.push(scoreVisitDetector(catalog.sources, truthTracks(snaps), options));
  }
  return scores.length > 0 ? scoreNight(scores) : undefined;
}
