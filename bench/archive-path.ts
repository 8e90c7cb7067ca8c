/**
 * Archive path bench (issue 10), each number next to its anchor:
 * - image complete → OODS ingested, p50/p99, for realistic raws arriving at LSSTCam's pace
 *   (189 files per 17 s); anchor: the OODS's first design scanned its directory every 1 s;
 * - hand-off of one LSSTCam image (189 files) by hard links vs by copy + verify, same run;
 * - catch-up backfill after a 10-minute summit–base outage: the rate achieved against the
 *   configured 4× capture rate (summit time), and the unbounded capacity (real time) against
 *   LSSTCam's capture rate;
 * - DBB copy + checksum throughput per CPU second, against SHA-256 of the same bytes alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createMemoryBus } from '../src/bus/memory/memory-bus.js';
import { decodeJson, encodeJson } from '../src/bus/codec.js';
import { scaledClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { percentile } from '../src/observe/night-summary.js';
import { createStatusEmitter } from '../src/observe/status-emitter.js';
import { plannedVisit } from '../src/sim/night-plan.js';
import { SimCamera } from '../src/sim/sim-camera.js';
import { simCameraOptions, simPlanOptions } from '../src/sim/sim-options.js';
import { archiveLayout } from '../src/archive/archive-layout.js';
import { archiveSubjects, ensureArchiveTopology } from '../src/archive/archive-topology.js';
import { DataBackbone } from '../src/archive/dbb/data-backbone.js';
import { sha256Hex, writeFileDurably } from '../src/archive/files/durable-file.js';
import { ArchiveController } from '../src/archive/hand-off/archive-controller.js';
import type { ImageComplete } from '../src/archive/image-complete.js';
import { mergeRaw } from '../src/archive/image-writer/merge-raw.js';
import { baseFixture } from '../src/archive/testing/base-fixture.js';
import { waitArchiveDrained } from '../src/archive/archive-drain.js';
import { Oods } from '../src/archive/oods/oods.js';
import { OodsPins } from '../src/archive/oods/oods-pins.js';
import { archiveNight } from '../src/archive/testing/archive-night.js';
import { createFsObjectStore } from '../src/store/fs/fs-object-store.js';
import type { BenchRow } from './bench-row.js';

const GROUP = 'archive-path';
/** LSSTCam: 189 science detectors per 15 s exposure + 2 s readout. */
const LSSTCAM_FILES_PER_S = 189 / 17;

/** A ComCam detector raw as the image writer writes it, at `scale` of the real size. */
async function realisticRaw(scale: number): Promise<Uint8Array> {
  const config = loadConfig({ overrides: { instrument: 'LSSTComCam', sim: { scale } } });
  const camera = new SimCamera({
    ...simCameraOptions('LSSTComCam', config.sim),
    headerService: false,
  });
  const visit = plannedVisit(simPlanOptions('LSSTComCam', config.sim), 0);
  const raw = await camera.raw(visit, 4, 0, visit.startMs, 1);
  return mergeRaw(raw.bytes, [['GROUPID', visit.groupId]], visit.startMs);
}

/**
 * p50/p99 of image complete → OODS ingested for 120 raws arriving at LSSTCam's pace. With
 * `withDbb` the Data Backbone copies each file on the same two cores at the same time.
 */
async function oodsLatency(bytes: Uint8Array, withDbb: boolean): Promise<number[]> {
  const f = await baseFixture();
  let stopParts: (() => Promise<void>) | undefined;
  try {
    if (withDbb) await f.start();
    else {
      const status = createStatusEmitter(f.bus, f.clock, 'bench');
      const controller = new ArchiveController({
        instrument: 'LSSTComCam',
        bus: f.bus,
        clock: f.clock,
        handoffDir: f.layout.handoff,
        oodsStagingDir: f.layout.oodsStaging,
        dbbStagingDir: f.layout.dbbStaging,
        status,
      });
      const oods = new Oods({
        instrument: 'LSSTComCam',
        bus: f.bus,
        clock: f.clock,
        repo: f.oodsRepo,
        datastoreRoot: f.layout.oodsDatastore,
        stagingDir: f.layout.oodsStaging,
        quarantineDir: f.layout.oodsQuarantine,
        pins: new OodsPins(f.layout.oodsPins),
        maxAgeMs: 86_400_000,
        status,
      });
      await controller.start();
      await oods.start();
      stopParts = async () => {
        await controller.close();
        await oods.close();
      };
    }
    const n = 120;
    const spacing = 1000 / LSSTCAM_FILES_PER_S;
    const names: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const wait = t0 + i * spacing - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const name = `CC_O_20261203_${String(i + 1).padStart(6, '0')}_R22_S11`;
      names.push(name);
      await f.complete(name, bytes, { obsId: name.slice(0, 20), group: `g${i}` });
    }
    const latencies: number[] = [];
    for (const name of names) latencies.push(Number((await f.event('ingested', name)).latencyMs));
    return latencies;
  } finally {
    await stopParts?.();
    await f.close();
  }
}

async function oodsRows(bytes: Uint8Array): Promise<BenchRow[]> {
  const alone = await oodsLatency(bytes, false);
  const shared = await oodsLatency(bytes, true);
  const mb = (bytes.length / 1e6).toFixed(1);
  const anchor = { unit: 'ms', anchorName: 'OODS 1 s directory scan', anchorValue: 1000 } as const;
  const p99 = percentile(alone, 99);
  return [
    {
      group: GROUP,
      name: `image complete → OODS ingested p50 (${mb} MB raws at ${LSSTCAM_FILES_PER_S.toFixed(1)}/s)`,
      value: percentile(alone, 50),
      ...anchor,
    },
    {
      group: GROUP,
      name: 'image complete → OODS ingested p99',
      value: p99,
      ...anchor,
      target: '≤ 100 ms',
      met: p99 <= 100,
    },
    {
      group: GROUP,
      name: 'the same p99, the DBB copying on the same 2 cores',
      value: percentile(shared, 99),
      ...anchor,
    },
  ];
}

/** Hands off 189 files with one controller; seconds from the first notice to the last hand-off. */
async function handOff(bytes: Uint8Array, copy: boolean): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'promptly-bench-handoff-'));
  const layout = archiveLayout(dir);
  const bus = createMemoryBus();
  const clock = scaledClock(1);
  try {
    await ensureArchiveTopology(bus, { ackWaitMs: 60_000, maxDeliveries: 3 });
    const controller = new ArchiveController({
      instrument: 'LSSTCam',
      bus,
      clock,
      handoffDir: layout.handoff,
      oodsStagingDir: layout.oodsStaging,
      dbbStagingDir: layout.dbbStaging,
      status: createStatusEmitter(bus, clock, 'bench'),
      copy,
    });
    const staged = await bus.subscribe(archiveSubjects.dbb('LSSTCam'));
    await controller.start(); // before the files exist: its start-up scan finds none
    const notices: ImageComplete[] = [];
    const sha256 = sha256Hex(bytes);
    for (let i = 0; i < 189; i++) {
      const image = `MC_O_20261203_000001_D${String(i).padStart(3, '0')}`;
      const path = join(layout.handoff, 'LSSTCam', `${image}.fits`);
      await writeFileDurably(path, bytes);
      notices.push({
        image,
        instrument: 'LSSTCam',
        detector: i,
        group: 'g',
        snap: 0,
        obsId: 'MC_O_20261203_000001',
        dayObs: 20261203,
        origin: 'LSSTCam',
        path,
        sizeBytes: bytes.length,
        sha256,
        metadataIncomplete: false,
        readoutEndMs: clock.now(),
        completedMs: clock.now(),
      });
    }
    const t0 = performance.now();
    for (const n of notices) await bus.publish(archiveSubjects.complete('LSSTCam'), encodeJson(n));
    let seen = 0;
    for await (const _ of staged) if (++seen === notices.length) break;
    const seconds = (performance.now() - t0) / 1000;
    await controller.close();
    return seconds;
  } finally {
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function handOffRows(bytes: Uint8Array): Promise<BenchRow[]> {
  const link = await handOff(bytes, false);
  const copy = await handOff(bytes, true);
  return [
    {
      group: GROUP,
      name: `hand-off of one LSSTCam image (189 × ${(bytes.length / 1e6).toFixed(1)} MB) by hard links`,
      value: link * 1000,
      unit: 'ms',
      anchorName: 'copy + verify (same run)',
      anchorValue: copy * 1000,
    },
  ];
}

/**
 * A 10-minute outage from the first visit of a ComCam night of 18 visits (its whole backlog),
 * then the catch-up archiver's backfill: the steady rate between its first and last write, in
 * summit time at speed 10 with the configured 4× capture rate, and unbounded in real time.
 */
async function catchUpRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [factor, speed] of [
    [4, 10],
    [1000, 100],
  ] as const) {
    const night = await archiveNight({
      instrument: 'LSSTComCam',
      visits: 18,
      speed,
      overrides: {
        sim: { faults: ['link-outage@0:600'], scale: 0.0625 },
        archive: { catchUpRateFactor: factor },
      },
    });
    try {
      const s = night.summitArchive;
      const writes: { summit: number; real: number }[] = [];
      const sub = await night.bus.subscribe(archiveSubjects.event('written', 'LSSTComCam'));
      const following = (async () => {
        for await (const m of sub) {
          if ((decodeJson(m.data) as ImageComplete).origin === 'catchup')
            writes.push({ summit: night.clock.now(), real: performance.now() });
        }
      })();
      await night.observe();
      await s.writer.idle();
      await s.link.whenUp();
      const state = await waitArchiveDrained({
        instrument: night.config.instrument,
        root: night.config.archive.root,
        daq: s.daq,
        dbbStore: night.dbbStore,
        oodsRepo: night.oodsRepo,
        bus: night.bus,
        summit: s,
      });
      await sub.close();
      await following;
      if (state.notInDbb.length > 0)
        throw new Error(`catch-up left ${state.notInDbb.length} images`);
      const first = writes[0]!;
      const last = writes[writes.length - 1]!;
      const n = writes.length - 1;
      const captureRate =
        night.detectors.length / (night.config.sim.exposureTimeS + night.config.sim.readoutS);
      if (factor === 4) {
        const rate = n / ((last.summit - first.summit) / 1000);
        rows.push({
          group: GROUP,
          name: `catch-up after a 10-min outage, ${writes.length} ComCam images (summit time)`,
          value: rate,
          unit: 'images/s',
          anchorName: 'capture rate',
          anchorValue: captureRate,
          target: '4 × capture (the seed)',
          met: rate >= 3.5 * captureRate,
        });
      } else {
        rows.push({
          group: GROUP,
          name: `catch-up capacity, rate unbounded (real time, ${writes.length} raws at scale ${night.config.sim.scale})`,
          value: n / ((last.real - first.real) / 1000),
          unit: 'images/s',
          anchorName: 'LSSTCam capture rate',
          anchorValue: LSSTCAM_FILES_PER_S,
        });
      }
    } finally {
      await night.close();
    }
  }
  return rows;
}

async function dbbThroughput(bytes: Uint8Array): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'promptly-bench-dbb-'));
  const bus = createMemoryBus();
  const clock = scaledClock(1);
  const store = await createFsObjectStore({
    root: join(dir, 'store'),
    bucket: 'dbb',
    hashThreads: 0,
  });
  try {
    const dbb = new DataBackbone({
      instrument: 'LSSTComCam',
      bus,
      clock,
      store,
      stagingDir: join(dir, 'staging'),
      status: createStatusEmitter(bus, clock, 'bench'),
    });
    await ensureArchiveTopology(bus, { ackWaitMs: 60_000, maxDeliveries: 3 });
    const n = 40;
    const sha256 = sha256Hex(bytes);
    const staged = [];
    for (let i = 0; i < n; i++) {
      const image = `CC_O_20261203_${String(i + 1).padStart(6, '0')}_R22_S11`;
      const path = join(dir, 'staging', 'ComCam', `${image}.fits`);
      await writeFileDurably(path, bytes);
      staged.push({ image, path });
    }
    const cpu0 = process.cpuUsage();
    for (const s of staged) {
      await dbb.archive({
        image: s.image,
        instrument: 'LSSTComCam',
        detector: 4,
        group: 'g',
        snap: 0,
        obsId: s.image.slice(0, 20),
        dayObs: 20261203,
        origin: 'ComCam',
        path: s.path,
        stagedPath: s.path,
        sizeBytes: bytes.length,
        sha256,
        metadataIncomplete: false,
        readoutEndMs: 0,
        completedMs: 0,
      });
    }
    const cpu = process.cpuUsage(cpu0);
    const mbPerCpuS = (n * bytes.length) / 1e6 / ((cpu.user + cpu.system) / 1e6);
    const shaCpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) createHash('sha256').update(bytes).digest();
    const shaCpu = process.cpuUsage(shaCpu0);
    const shaMbPerCpuS = (n * bytes.length) / 1e6 / ((shaCpu.user + shaCpu.system) / 1e6);
    return [
      {
        group: GROUP,
        name: 'DBB copy + read-back SHA-256 verify, per core',
        value: mbPerCpuS,
        unit: 'MB/s',
        anchorName: 'SHA-256 alone (same run)',
        anchorValue: shaMbPerCpuS,
        note: 'higher is better',
      },
    ];
  } finally {
    await store.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runArchivePathBench(): Promise<BenchRow[]> {
  const full = await realisticRaw(1);
  const quarter = await realisticRaw(0.25);
  return [
    ...(await oodsRows(full)),
    ...(await handOffRows(quarter)),
    ...(await catchUpRows()),
    ...(await dbbThroughput(full)),
  ];
}
