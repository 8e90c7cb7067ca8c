import type { Outcome } from '../core/outcome.js';
import type { NightScore } from '../score/score-dia.js';

/** Latencies of one visit-detector, real ms (undefined when a step did not happen). */
export interface DetectorLatencies {
  readonly detector: number;
  readonly outcome: Outcome['kind'];
  readonly code?: string;
  /** next_visit accepted by the fan-out → calibrations preloaded. */
  readonly nextVisitToPreloadDoneMs?: number;
  /** Last snap's arrival notice → pipeline start (the framework's own overhead). */
  readonly lastSnapToPipelineStartMs?: number;
  readonly pipelineMs?: number;
  /** Last snap's arrival notice → outcome recorded. */
  readonly lastSnapToOutcomeMs?: number;
  /** Last snap's end of readout at the camera → its file arrived (the writer's lag). */
  readonly readoutToArrivalMs?: number;
  /** Last snap's end of readout at the camera → outcome recorded (what an alert would wait). */
  readonly readoutToOutcomeMs?: number;
  /** Last snap's end of readout at the camera → its alerts on the bus (Rubin's goal: 60 s). */
  readonly readoutToAlertsMs?: number;
  /**
   * Pipeline ready → a CPU free for it: time spent queued behind other pipelines, so a night
   * that falls behind its cadence shows here first.
   */
  readonly cpuWaitMs?: number;
}

export interface VisitSummary {
  readonly group: string;
  readonly detectorsExpected: number;
  readonly processed: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly skipped: number;
  /** Alerts published for the visit's DIA sources (0 when its pipeline makes none). */
  readonly alerts: number;
  readonly detectors: readonly DetectorLatencies[];
}

/** What the archive path did with the night's images (`src/archive`), counted per detector file. */
export interface ArchiveNightSummary {
  /** Detector images the camera's DAQ captured. */
  readonly images: number;
  /** Files the image writer wrote in streaming mode (the normal path) and with no metadata. */
  readonly written: number;
  readonly metadataIncomplete: number;
  /** Transfers the summit–base link refused, and the outages. */
  readonly missed: number;
  readonly outages: number;
  readonly inOods: number;
  readonly quarantined: number;
  readonly inDbb: number;
  /** Images the catch-up archiver wrote. */
  readonly backfilled: number;
  /** Images dropped by the DAQ before they were archived, and images past their budget. */
  readonly lost: number;
  readonly overdue: number;
  /** Images the night ended without: not in the DBB, or neither ingested nor quarantined. */
  readonly notInDbb: number;
  readonly notInOods: number;
  /** Visit-detectors queued for daytime processing (archived raws, outcome not `processed`). */
  readonly reprocessRequests: number;
  /** Image complete → ingested by the OODS, real ms. */
  readonly completeToOodsMs?: { readonly p50: number; readonly p99: number; readonly n: number };
}

/** How the catch-up processing jobs of a night ended, by phase, and their new outcomes. */
export interface CatchUpSummary {
  readonly jobs: number;
  readonly completed: number;
  readonly error: number;
  readonly aborted: number;
  /** Job ids that did not end before `up` stopped (a later run re-attaches to them). */
  readonly unfinished: readonly string[];
}

export interface NightSummary {
  readonly instrument: string;
  /** Summit clock speed the night ran at (latencies are real ms whatever it was). */
  readonly clockSpeed: number;
  readonly visits: readonly VisitSummary[];
  /** Keys of raws that arrived for no accepted visit. */
  readonly orphans: readonly string[];
  /**
   * Percentiles over every visit-detector that has the measure; p98 is the issue's figure for
   * end of readout → alerts (nearest rank, so with fewer than 50 values it is the max).
   */
  readonly latencyPercentilesMs: Readonly<
    Record<string, { p50: number; p95: number; p98: number; max: number; n: number }>
  >;
  /** Percentiles of each pipeline task's real ms, over the visit-detectors that ran it. */
  readonly stagePercentilesMs: Readonly<
    Record<string, { p50: number; p95: number; max: number; n: number }>
  >;
  /** DIA sources scored against the simulator's truth, when the night made any. */
  score?: NightScore;
  /** The archive path, when it ran. */
  archive?: ArchiveNightSummary;
  /** Catch-up processing jobs the night's reprocess requests queued (embedded `up`). */
  catchUp?: CatchUpSummary;
}

function diff(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : Math.round((b - a) * 1000) / 1000;
}

/** Latencies of one outcome from its marks. */
export function latenciesOf(outcome: Outcome): DetectorLatencies {
  const m = outcome.marks;
  const arrivals = Object.values(m.snapArrivedMs ?? {});
  const lastSnap = arrivals.length > 0 ? Math.max(...arrivals) : undefined;
  const readouts = Object.values(m.readoutEndMs ?? {});
  const lastReadout = readouts.length > 0 ? Math.max(...readouts) : undefined;
  const out: Record<string, unknown> = { detector: outcome.detector, outcome: outcome.kind };
  if (outcome.code) out.code = outcome.code;
  const values = {
    nextVisitToPreloadDoneMs: diff(m.nextVisitReceivedMs, m.preloadDoneMs),
    lastSnapToPipelineStartMs: diff(lastSnap, m.pipelineStartMs),
    pipelineMs: diff(m.pipelineStartMs, m.pipelineEndMs),
    lastSnapToOutcomeMs: diff(lastSnap, m.outcomeMs),
    readoutToArrivalMs: diff(lastReadout, lastSnap),
    readoutToOutcomeMs: diff(lastReadout, m.outcomeMs),
    readoutToAlertsMs: diff(lastReadout, m.alertsPublishedMs),
    cpuWaitMs: diff(m.pipelineStartMs, m.cpuGrantedMs),
  };
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out as unknown as DetectorLatencies;
}

/** The p-th percentile (0..100) of values, nearest-rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

/**
 * The summary of a night: per visit (in the order given) the counts of each outcome and every
 * detector's latencies, plus percentiles of each latency over the night.
 */
export function summarizeNight(options: {
  instrument: string;
  clockSpeed: number;
  groups: readonly string[];
  detectorsPerVisit: number;
  outcomes: readonly Outcome[];
  orphans?: readonly string[];
}): NightSummary {
  const byGroup = new Map<string, Outcome[]>();
  for (const o of options.outcomes) byGroup.set(o.group, [...(byGroup.get(o.group) ?? []), o]);
  const visits = options.groups.map((group): VisitSummary => {
    const list = (byGroup.get(group) ?? []).sort((a, b) => a.detector - b.detector);
    const count = (k: Outcome['kind']): number => list.filter((o) => o.kind === k).length;
    return {
      group,
      detectorsExpected: options.detectorsPerVisit,
      processed: count('processed'),
      failed: count('failed'),
      timedOut: count('timed_out'),
      skipped: count('skipped'),
      alerts: list.reduce((sum, o) => sum + (o.alerts ?? 0), 0),
      detectors: list.map(latenciesOf),
    };
  });
  const measures = [
    'nextVisitToPreloadDoneMs',
    'lastSnapToPipelineStartMs',
    'pipelineMs',
    'lastSnapToOutcomeMs',
    'readoutToArrivalMs',
    'readoutToOutcomeMs',
    'readoutToAlertsMs',
    'cpuWaitMs',
  ] as const;
  const latencyPercentilesMs: Record<
    string,
    { p50: number; p95: number; p98: number; max: number; n: number }
  > = {};
  for (const m of measures) {
    const values = visits.flatMap((v) =>
      v.detectors.map((d) => d[m]).filter((x): x is number => x !== undefined),
    );
    if (values.length === 0) continue;
    latencyPercentilesMs[m] = {
      p50: percentile(values, 50),
      p95: percentile(values, 95),
      p98: percentile(values, 98),
      max: Math.max(...values),
      n: values.length,
    };
  }
  const stageValues = new Map<string, number[]>();
  for (const o of options.outcomes)
    for (const [stage, ms] of Object.entries(o.stageMs ?? {}))
      stageValues.set(stage, [...(stageValues.get(stage) ?? []), ms]);
  const stagePercentilesMs: Record<string, { p50: number; p95: number; max: number; n: number }> =
    {};
  for (const [stage, values] of stageValues)
    stagePercentilesMs[stage] = {
      p50: percentile(values, 50),
      p95: percentile(values, 95),
      max: Math.max(...values),
      n: values.length,
    };
  return {
    instrument: options.instrument,
    clockSpeed: options.clockSpeed,
    visits,
    orphans: options.orphans ?? [],
    latencyPercentilesMs,
    stagePercentilesMs,
  };
}

/** The summary as a text table for a terminal. */
export function formatNightSummary(summary: NightSummary): string {
  const rows = [['group', 'expected', 'processed', 'failed', 'timed out', 'skipped', 'alerts']];
  for (const v of summary.visits) {
    rows.push([
      v.group,
      String(v.detectorsExpected),
      String(v.processed),
      String(v.failed),
      String(v.timedOut),
      String(v.skipped),
      String(v.alerts),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (summary.orphans.length > 0)
    lines.push('', `orphan raws (no next_visit): ${summary.orphans.length}`);
  lines.push('', 'latency (real ms)                p50        p95        max      n');
  const row = (name: string, p: { p50: number; p95: number; max: number; n: number }) =>
    `${name.padEnd(30)} ${p.p50.toFixed(1).padStart(8)}   ${p.p95.toFixed(1).padStart(8)}   ${p.max.toFixed(1).padStart(8)}  ${String(p.n).padStart(5)}`;
  for (const [name, p] of Object.entries(summary.latencyPercentilesMs)) lines.push(row(name, p));
  const stages = Object.entries(summary.stagePercentilesMs ?? {});
  if (stages.length > 0) {
    lines.push('', 'pipeline stage (real ms)         p50        p95        max      n');
    for (const [name, p] of stages) lines.push(row(name, p));
  }
  const a = summary.archive;
  if (a) {
    lines.push(
      '',
      `archive: ${a.images} images · written ${a.written} (${a.metadataIncomplete} without header metadata) · missed ${a.missed} in ${a.outages} link outage(s) · backfilled ${a.backfilled}`,
      `         in OODS ${a.inOods} · quarantined ${a.quarantined} · in DBB ${a.inDbb} · lost ${a.lost} · overdue ${a.overdue} · reprocess requests ${a.reprocessRequests}`,
    );
    const c = summary.catchUp;
    if (c)
      lines.push(
        `         catch-up processing: ${c.jobs} job(s) · completed ${c.completed} · error ${c.error} · aborted ${c.aborted}${c.unfinished.length > 0 ? ` · still running ${c.unfinished.length}` : ''}`,
      );
    if (a.notInDbb + a.notInOods > 0)
      lines.push(
        `         NOT ACCOUNTED FOR: ${a.notInDbb} not in the DBB, ${a.notInOods} not in the OODS`,
      );
    if (a.completeToOodsMs)
      lines.push(
        `         image complete → OODS ingested: p50 ${a.completeToOodsMs.p50.toFixed(1)} ms, p99 ${a.completeToOodsMs.p99.toFixed(1)} ms (n ${a.completeToOodsMs.n})`,
      );
  }
  return lines.join('\n');
}
