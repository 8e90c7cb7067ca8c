/**
 * Alert serialization bench: alerts/s on one core (this thread) for Rubin-format alerts with
 * three 30×30 float32 FITS cutouts (8,640 bytes each), 10 previous DIA sources and 10
 * previous forced sources — about the size of a Rubin alert. Measured: Confluent-framed Avro
 * encode (what the publisher does per alert), its decode, and a per-visit container file
 * (deflate). Anchors: Rubin's 2017 Python Avro serialization figure, ~300 alerts/s
 * (DMTN-028, as issue 8 cites it), and JSON.stringify of the same alerts (cutouts base64,
 * as a JSON transport would carry them) in the same run.
 */
import { AlertCodec, encodeAlertContainer, type Alert } from '../src/alerts/index.js';
import { sampleAlert } from '../src/alerts/sample-alerts.js';
import { alertJson } from '../src/cli/alerts-command.js';
import type { BenchRow } from './bench-row.js';

const GROUP = 'alert-serialization';
/** Distinct alerts cycled through, so no single object stays hot in cache. */
const DISTINCT = 64;
/** Time each measurement runs, ms (after a warm-up of a fifth of it). */
const MEASURE_MS = 1500;
/** Rubin 2017 Python Avro serialization, alerts/s (DMTN-028, as issue 8 cites it). */
const RUBIN_2017_PYTHON_PER_S = 300;
/** Issue 8's goal, alerts/s on one core. */
const GOAL_PER_S = 20_000;

/** Alerts per second of one core: per CPU second of this thread, and per wall-clock second. */
interface Rate {
  readonly perCpuS: number;
  readonly perWallS: number;
}

/**
 * Runs `op` over the alerts for {@link MEASURE_MS} of wall time. The rate per CPU second
 * (user + system time of this process, which runs the loop on one thread) is the one-core
 * figure: on a shared machine the wall-clock rate also counts time other processes held
 * the core.
 */
function rate(alerts: readonly Alert[], op: (alert: Alert) => unknown): Rate {
  let sink = 0;
  const loop = (ms: number): Rate => {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    let n = 0;
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < alerts.length; i++) {
        const out = op(alerts[i] as Alert) as { length?: number };
        sink += out.length ?? 1;
      }
      n += alerts.length;
      now = performance.now();
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    return { perCpuS: n / cpuS, perWallS: (n / (now - start)) * 1000 };
  };
  loop(MEASURE_MS / 5);
  const measured = loop(MEASURE_MS);
  if (sink === 0) throw new Error('benchmark produced nothing');
  return measured;
}

/** The bench rows; takes about 8 s. */
export async function runAlertSerializationBench(): Promise<BenchRow[]> {
  const alerts: Alert[] = [];
  for (let seed = 1; seed <= DISTINCT; seed++) alerts.push(await sampleAlert(seed, 10));
  const codec = new AlertCodec();
  const framed = alerts.map((a) => codec.encode(a));
  const avroBytes = framed.reduce((s, b) => s + b.length, 0) / framed.length;
  const jsonBytes = alerts.reduce((s, a) => s + alertJson(a, 'base64').length, 0) / alerts.length;

  const encodePerS = rate(alerts, (a) => codec.encode(a));
  const jsonPerS = rate(alerts, (a) => alertJson(a, 'base64'));
  let k = 0;
  const decodePerS = rate(alerts, () => codec.decode(framed[k++ % framed.length] as Uint8Array));

  const batch = Array.from({ length: 1000 }, (_, i) => alerts[i % alerts.length] as Alert);
  const t0 = performance.now();
  const file = await encodeAlertContainer(batch, { codec: 'deflate' });
  const containerPerS = (batch.length / (performance.now() - t0)) * 1000;
  const wall = (r: Rate): string => `${r.perWallS.toFixed(0)}/s wall clock on a shared machine`;

  return [
    {
      group: GROUP,
      name: 'encode, Confluent-framed Avro, 1 core',
      value: encodePerS.perCpuS,
      unit: 'alerts/s',
      anchorName: 'Rubin 2017 Python Avro',
      anchorValue: RUBIN_2017_PYTHON_PER_S,
      target: `≥ ${GOAL_PER_S}`,
      met: encodePerS.perCpuS >= GOAL_PER_S,
      note: `per CPU second (${wall(encodePerS)}); ${avroBytes.toFixed(0)} bytes per alert (3 cutouts of 30×30 float32, 10 previous sources, 10 forced)`,
    },
    {
      group: GROUP,
      name: 'encode, Avro vs JSON.stringify (same alerts)',
      value: encodePerS.perCpuS,
      unit: 'alerts/s',
      anchorName: 'JSON.stringify, base64 cutouts (same run)',
      anchorValue: jsonPerS.perCpuS,
      note: `per CPU second; JSON is ${jsonBytes.toFixed(0)} bytes per alert`,
    },
    {
      group: GROUP,
      name: 'decode, Confluent-framed Avro, 1 core',
      value: decodePerS.perCpuS,
      unit: 'alerts/s',
      target: `≥ ${GOAL_PER_S}`,
      met: decodePerS.perCpuS >= GOAL_PER_S,
      note: `per CPU second (${wall(decodePerS)})`,
    },
    {
      group: GROUP,
      name: 'container file, deflate, 1000 alerts',
      value: containerPerS,
      unit: 'alerts/s',
      note: `${(file.length / batch.length).toFixed(0)} bytes per alert on disk; one run, wall clock, includes deflate`,
    },
  ];
}
