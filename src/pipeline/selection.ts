import { bandOf, CoordSys, type NextVisit } from '../core/next-visit.js';
import { DATASET_TYPES } from '../registry/dataset-types.js';
import type { SelectionMatch } from './pipeline-definition.js';
import type { CompiledPipeline, PipelineSet } from './pipeline-set.js';

function raInRange(ra: number, [min, max]: readonly [number, number]): boolean {
  const r = ((ra % 360) + 360) % 360;
  return min <= max ? r >= min && r <= max : r >= min || r <= max;
}

/** True when every criterion of `match` holds for the visit. */
export function ruleMatches(match: SelectionMatch, visit: NextVisit): boolean {
  if (match.instrument && !match.instrument.includes(visit.instrument)) return false;
  if (match.survey && !match.survey.includes(visit.survey)) return false;
  if (match.band && !match.band.includes(bandOf(visit.filters))) return false;
  if (match.region) {
    if (visit.coordinateSystem !== CoordSys.ICRS) return false;
    const [ra, dec] = visit.position;
    if (!raInRange(ra, match.region.ra)) return false;
    if (dec < match.region.dec[0] || dec > match.region.dec[1]) return false;
  }
  return true;
}

/**
 * The candidate pipelines of the first rule that matches, in fallback order; `[]` when that
 * rule says skip, and also when no rule matches (nothing to run is a skip, not an error).
 */
export function candidatePipelines(set: PipelineSet, visit: NextVisit): CompiledPipeline[] {
  const rule = set.rules.find((r) => ruleMatches(r.when, visit));
  return (rule?.pipelines ?? [])
    .map((name) => set.pipelines.get(name))
    .filter((p) => p !== undefined);
}

/** The first candidate whose required inputs are all available, if any. */
export function chooseRunnable(
  candidates: readonly CompiledPipeline[],
  available: ReadonlySet<string>,
): CompiledPipeline | undefined {
  return candidates.find((p) => p.requires.every((t) => available.has(t)));
}

/**
 * Every input dataset type a pipeline that may run for `instrument` requires: the pipelines of
 * each rule that does not exclude the instrument. What a summit must have written before the
 * night (templates and a sky map when some pipeline subtracts).
 */
export function inputsFor(set: PipelineSet, instrument: string): ReadonlySet<string> {
  const types = new Set<string>();
  for (const rule of set.rules) {
    if (rule.when.instrument && !rule.when.instrument.includes(instrument)) continue;
    for (const name of rule.pipelines) {
      for (const type of set.pipelines.get(name)?.requires ?? []) types.add(type);
    }
  }
  return types;
}

/** True when some pipeline `instrument` may run subtracts a template (it needs the sky map). */
export function needsTemplates(set: PipelineSet, instrument: string): boolean {
  return inputsFor(set, instrument).has(DATASET_TYPES.skyMap.name);
}
