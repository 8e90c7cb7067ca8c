/**
 * One Alert Production run (the `ApPipe` tasks: isr → calibrate → subtract → detectDia) on
 * one visit-detector of a dataset `simulateDataset` wrote, alone in this process so its peak
 * resident set is the pipeline's: `node alert-production-child.js <datasetDir>`. Prints one
 * JSON line ({@link ApChildResult}). The simulator never runs here.
 */
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FannedOutVisit, NextVisit } from '../src/core/next-visit.js';
import { HandOffs } from '../src/pipeline/hand-off.js';
import type { TaskContext, TaskDefinition } from '../src/pipeline/task.js';
import { calibrateTask } from '../src/pipeline/tasks/calibrate-task.js';
import { DIA_SOURCES, detectDiaTask } from '../src/pipeline/tasks/detect-dia-task.js';
import { isrTask } from '../src/pipeline/tasks/isr-task.js';
import { DIFFERENCE, subtractTask } from '../src/pipeline/tasks/subtract-task.js';
import type { DatasetManifest } from '../src/sim/simulate-dataset.js';

/** What the child prints. */
export interface ApChildResult {
  /**
   * Per stage: wall time and CPU time (user + system) of this process, ms, and the peak
   * resident set so far once it ended, bytes.
   */
  readonly stages: { name: string; wallMs: number; cpuMs: number; maxRssAfterBytes: number }[];
  /** Peak resident set of this process over its life, bytes. */
  readonly maxRssBytes: number;
  /** Resident set once the modules were loaded, before the first stage, bytes. */
  readonly startRssBytes: number;
  readonly diaSources: number;
  readonly stampsUsed: number;
  readonly residualRms: number;
  readonly outputBytes: number;
  readonly log: string[];
}

async function main(dir: string): Promise<void> {
  const manifest = JSON.parse(
    await readFile(path.join(dir, 'manifest.json'), 'utf8'),
  ) as DatasetManifest;
  const visit = manifest.visits[0]!;
  const events = (await readFile(path.join(dir, manifest.events), 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { kind: string; group: string; event?: NextVisit });
  const nextVisit = events.find((e) => e.kind === 'next_visit' && e.group === visit.groupId)?.event;
  if (!nextVisit) throw new Error(`no next_visit for ${visit.groupId}`);
  const detector = 0;
  const fanned: FannedOutVisit = { ...nextVisit, detector };
  const raws = manifest.raws.filter((r) => r.includes(visit.groupId));
  const file = (rel: string) => async (): Promise<Uint8Array | undefined> => {
    try {
      return new Uint8Array(await readFile(path.join(dir, rel)));
    } catch {
      return undefined;
    }
  };
  const band = visit.band;
  const work = mkdtempSync(path.join(tmpdir(), 'promptly-ap-child-'));
  let outputBytes = 0;
  const log: string[] = [];
  const context: TaskContext = {
    visit: fanned,
    dataId: { instrument: manifest.instrument, detector, group: visit.groupId, band },
    snaps: raws.map((r, snap) => ({
      snap,
      read: async () => (await file(r)())!,
    })),
    readInput: (type, asked) => {
      if (type === 'bias') return file(`calib/bias/bias-${detector}.fits`)();
      if (type === 'dark') return file(`calib/dark/dark-${detector}.fits`)();
      if (type === 'flat') return file(`calib/flat/${band}/flat-${detector}.fits`)();
      // the simulator's instrument effects need these, as in a night
      if (type === 'defects') return file(`calib/defects/defects-${detector}.fits`)();
      if (type === 'crosstalk') return file(`calib/crosstalk/crosstalk-${detector}.fits`)();
      if (type === 'linearizer') return file(`calib/linearizer/linearizer-${detector}.fits`)();
      if (type === 'skyMap') return file('skyMap.json')();
      if (type === 'template') return file(`templates/${band}/template-${asked?.patch}.fits`)();
      if (type === 'refcat') return file(`refcat/refcat-${asked?.htm7}.fits`)();
      return Promise.resolve(undefined);
    },
    writeOutput: (_type, bytes) => {
      outputBytes += bytes.length;
      return Promise.resolve();
    },
    handOffs: new HandOffs(),
    workDir: () => Promise.resolve(work),
    signal: new AbortController().signal,
    log: (m) => log.push(m),
  };
  const tasks: [string, TaskDefinition<unknown>][] = [
    ['isr', isrTask],
    ['calibrate', calibrateTask],
    ['subtract', subtractTask],
    ['detectDia', detectDiaTask],
  ];
  const startRssBytes = process.memoryUsage().rss;
  const stages: ApChildResult['stages'] = [];
  try {
    for (const [name, task] of tasks) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await task.run(context, task.configSchema.parse({}));
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      stages.push({
        name,
        wallMs,
        cpuMs: (c.user + c.system) / 1000,
        maxRssAfterBytes: process.resourceUsage().maxRSS * 1024,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const q = context.handOffs.get(DIFFERENCE)!.quality;
  const result: ApChildResult = {
    stages,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    startRssBytes,
    diaSources: context.handOffs.get(DIA_SOURCES)?.length ?? 0,
    stampsUsed: q.stampsUsed,
    residualRms: q.residualRmsMedian,
    outputBytes,
    log,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: alert-production-child <datasetDir>\n');
  process.exit(2);
}
await main(dir);
