import { dropPromptlySchema } from '../src/db/postgres/reset-schema.js';
import type { NightSummary, VisitSummary } from '../src/observe/night-summary.js';
import type { BenchRow } from './bench-row.js';
import { runUpNight } from './up-night.js';
import { startPrivateNatsServer } from '../src/testing/nats-server.js';
import {
  BENCH_POSTGRES_URL,
  benchSchemaName,
  distributedSkipReason,
} from './prompt-latency-distributed.js';
import { frameworkEnv } from '../src/testing/framework-night.js';

/** LSSTComCam's visit cadence, s: the anchor of the lag (a visit must be done before the next). */
export const UP_LAG_CADENCE_ANCHOR_S = 35;

/** Goal: a visit's last outcome within 10 s of its last snap's end of readout. */
export const UP_LAG_GOAL_MS = 10_000;

/** A night of `up` gives up after this (real ms). */
const UP_TIMEOUT_MS = 15 * 60_000;

/** Per visit: end of readout (or arrival) of its last snap → the visit's last outcome, ms. */
interface VisitLag {
  readonly group: string;
  readonly lagMs: number;
  /** True when the outcomes had no end-of-readout mark and the arrival was used. */
  readonly fromArrival: boolean;
  readonly notProcessed: number;
}

/**
 * The lag of one visit: every detector of a visit is read out at once, so the visit's lag from
 * its last snap's end of readout is the largest `readoutToOutcomeMs` of its detectors; when
 * the marks have no end of readout, `lastSnapToOutcomeMs` (from the raw's arrival) stands in.
 */
function visitLag(v: VisitSummary): VisitLag {
  const readout = v.detectors.map((d) => d.readoutToOutcomeMs).filter((x) => x !== undefined);
  const arrival = v.detectors.map((d) => d.lastSnapToOutcomeMs).filter((x) => x !== undefined);
  const fromArrival = readout.length === 0;
  const values = fromArrival ? arrival : readout;
  return {
    group: v.group,
    lagMs: values.length === 0 ? NaN : Math.max(...values),
    fromArrival,
    notProcessed: v.detectorsExpected - v.processed,
  };
}

/** Runs `promptly up` (built) for `visits` LSSTCam visits at speed 1; returns its summary. */
function upNight(
  visits: number,
  extraArgs: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<NightSummary> {
  return runUpNight({
    instrument: 'LSSTCam',
    visits,
    extraArgs,
    env: { ...frameworkEnv(), ...env },
    timeoutMs: UP_TIMEOUT_MS,
  });
}

function rowsOf(mode: string, summary: NightSummary): BenchRow[] {
  const lags = summary.visits.map(visitLag);
  const worst = Math.max(...lags.map((l) => l.lagMs));
  const fromArrival = lags.some((l) => l.fromArrival);
  const notProcessed = lags.reduce((n, l) => n + l.notProcessed, 0);
  const from = fromArrival ? 'last snap arrival' : 'last snap end of readout';
  return [
    {
      group: 'up-lag',
      name: `up${mode} LSSTCam --speed 1: ${from} → visit's last outcome, worst of ${lags.length} visits`,
      value: worst / 1000,
      unit: 's',
      anchorName: 'ComCam cadence',
      anchorValue: UP_LAG_CADENCE_ANCHOR_S,
      target: `< ${UP_LAG_GOAL_MS / 1000} s`,
      met: worst < UP_LAG_GOAL_MS && notProcessed === 0,
      note: `per visit ${lags.map((l) => `${(l.lagMs / 1000).toFixed(1)} s`).join(', ')}; ${notProcessed} visit-detectors not processed; the first snap's lag adds one snap interval (exposure + readout)${fromArrival ? '; the outcomes had no end-of-readout mark, so the raw arrival was used' : ''}`,
    },
  ];
}

/**
 * `promptly up --instrument LSSTCam --speed 1 --visits 2`, embedded and `--distributed`, as a
 * user runs it (the summit renders its default miniature raws in real time): per visit, the
 * lag from its last snap's end of readout to its last outcome, against ComCam's 35 s cadence
 * (goal < 10 s). The distributed night runs on a nats-server of the bench's own (`up
 * --distributed` deletes the deployment's streams) and a fresh PostgreSQL schema. Slow
 * (minutes): opt-in, `node dist/bench/main.js --only up-lag`.
 */
export async function runUpLagBench(options: { visits?: number } = {}): Promise<BenchRow[]> {
  const visits = options.visits ?? 2;
  const rows = rowsOf('', await upNight(visits, [], {}));
  const schema = benchSchemaName();
  const skip = await distributedSkipReason(schema);
  if (skip) {
    rows.push({
      group: 'up-lag',
      name: 'up --distributed LSSTCam --speed 1',
      value: NaN,
      unit: 's',
      note: `not measured: ${skip}`,
    });
    return rows;
  }
  const nats = await startPrivateNatsServer();
  try {
    const summary = await upNight(visits, ['--distributed'], {
      PROMPTLY_BUS__KIND: 'nats',
      PROMPTLY_BUS__SERVERS: JSON.stringify([nats.url]),
      PROMPTLY_CENTRAL_REPO__REGISTRY__KIND: 'postgres',
      PROMPTLY_CENTRAL_REPO__REGISTRY__URL: BENCH_POSTGRES_URL,
      PROMPTLY_CENTRAL_REPO__REGISTRY__SCHEMA: schema,
    });
    rows.push(...rowsOf(' --distributed', summary));
  } catch (err) {
    rows.push({
      group: 'up-lag',
      name: 'up --distributed LSSTCam --speed 1',
      value: NaN,
      unit: 's',
      note: `failed: ${String(err)}`,
    });
  } finally {
    await nats.dispose();
    await dropPromptlySchema(BENCH_POSTGRES_URL, schema).catch(() => undefined);
  }
  return rows;
}
