/**
 * FITS tile-compression bench: a 4096×4096 int32 sky image (background 1000 ADU, Gaussian
 * noise σ = 20, stars), compressed and decompressed by `promptly fits convert` (whole
 * process) against fpack/funpack in the same run, in-process codec throughput, and the
 * 10 000-case fuzz run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FitsFile,
  compressImage,
  createFitsWriter,
  fileSink,
  makeImageHdu,
  readCompressedImage,
  runFitsFuzz,
} from '../src/fits/index.js';
import type { BenchRow } from './bench-row.js';

const GROUP = 'fits-codec';
const SIZE = 4096;
const RUNS = 5;
/** The built CLI; PROMPTLY_BENCH_CLI may point at another entry with the same commands. */
const MAIN_JS =
  process.env.PROMPTLY_BENCH_CLI ?? fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** A sky image: Gaussian noise (Box–Muller on a xorshift generator) plus Gaussian stars. */
function skyImage(n: number): Int32Array {
  const px = new Int32Array(n * n);
  let s = 0x9e3779b9;
  const u = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < px.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    px[i] = Math.round(1000 + 20 * r * Math.cos(t));
    if (i + 1 < px.length) px[i + 1] = Math.round(1000 + 20 * r * Math.sin(t));
  }
  for (let k = 0; k < 3000; k++) {
    const x0 = u() * n;
    const y0 = u() * n;
    const peak = 200 + 60000 * u() ** 3;
    const sig = 1.2 + 1.5 * u();
    const rad = Math.ceil(4 * sig);
    for (let y = Math.max(0, Math.floor(y0 - rad)); y < Math.min(n, y0 + rad); y++) {
      for (let x = Math.max(0, Math.floor(x0 - rad)); x < Math.min(n, x0 + rad); x++) {
        const d2 = (x - x0) ** 2 + (y - y0) ** 2;
        px[y * n + x] =
          (px[y * n + x] as number) + Math.round(peak * Math.exp(-d2 / (2 * sig * sig)));
      }
    }
  }
  return px;
}

interface Timed {
  ms: number | undefined;
  error?: string;
}

/** One timed run of a command after removing its output (fpack/funpack refuse to overwrite). */
function runOnce(cmd: string, args: readonly string[], output: string): number | string {
  rmSync(output, { force: true });
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) return `${cmd} exited ${r.status}: ${String(r.stderr).trim().slice(0, 200)}`;
  return ms;
}

/**
 * Median wall times (ms) of two commands run alternately `RUNS` times each, so that both
 * see the same machine load. A failing command gives `ms: undefined` and the error.
 */
function timePair(
  a: { cmd: string; args: readonly string[]; output: string },
  b: { cmd: string; args: readonly string[]; output: string },
): [Timed, Timed] {
  const ta: number[] = [];
  const tb: number[] = [];
  let ea: string | undefined;
  let eb: string | undefined;
  for (let i = 0; i < RUNS && ea === undefined && eb === undefined; i++) {
    const ra = runOnce(a.cmd, a.args, a.output);
    const rb = runOnce(b.cmd, b.args, b.output);
    if (typeof ra === 'string') ea = ra;
    else ta.push(ra);
    if (typeof rb === 'string') eb = rb;
    else tb.push(rb);
  }
  const done = (t: number[], e: string | undefined): Timed =>
    e === undefined ? { ms: median(t) } : { ms: undefined, error: e };
  return [done(ta, ea), done(tb, eb)];
}

function ratioRow(
  name: string,
  ours: Timed,
  anchorName: string,
  anchor: Timed,
  limit: number,
): BenchRow {
  const value = ours.ms ?? NaN;
  const anchorValue = anchor.ms ?? NaN;
  const ok = ours.ms !== undefined && anchor.ms !== undefined && ours.ms / anchor.ms <= limit;
  return {
    group: GROUP,
    name,
    value,
    unit: 'ms',
    anchorName,
    anchorValue,
    target: `ratio ≤ ${limit}`,
    met: ok,
    ...(ours.error !== undefined || anchor.error !== undefined
      ? { note: ours.error ?? anchor.error }
      : {}),
  };
}

/**
 * Wall time of `node -e 0`: the start-up every whole-process row above pays before the CLI
 * loads, and fpack/funpack do not. A note for reading the ratios, not a target.
 */
function nodeStartRow(): BenchRow {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  return {
    group: GROUP,
    name: 'node -e 0 (start-up included in the rows above)',
    value: median(times),
    unit: 'ms',
    note: 'start-up of node itself, for reading the whole-process ratios',
  };
}

/** Runs the FITS codec bench; needs a built tree (`dist/`) and fpack/funpack on PATH. */
export async function runFitsCodecBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'promptly-bench-fits-'));
  try {
    const pixels = skyImage(SIZE);
    const plain = join(dir, 'sky.fits');
    const sink = await fileSink(plain);
    const writer = createFitsWriter(sink);
    await writer.writeHdu(makeImageHdu(pixels, [SIZE, SIZE]));
    await writer.close();
    const rawMB = (SIZE * SIZE * 4) / 1e6;

    const tools = existsSync('/usr/bin/fpack') && existsSync('/usr/bin/funpack');
    const fz = join(dir, 'sky.fz');
    if (tools) {
      spawnSync('/usr/bin/fpack', ['-r', '-O', fz, plain]);
      const node = process.execPath;
      const cli = (args: string[], output: string) => ({
        cmd: node,
        args: [MAIN_JS, 'fits', 'convert', ...args],
        output,
      });
      const oursFits = join(dir, 'ours.fits');
      const refFits = join(dir, 'ref.fits');
      const [decOurs, decRef] = timePair(cli([fz, oursFits, '--compress', 'none'], oursFits), {
        cmd: '/usr/bin/funpack',
        args: ['-O', refFits, fz],
        output: refFits,
      });
      rows.push(
        ratioRow(
          'decompress 4k×4k int32 Rice (whole process)',
          decOurs,
          'funpack (same run)',
          decRef,
          1.0,
        ),
      );
      const oursFz = join(dir, 'ours.fz');
      const refFz = join(dir, 'ref.fz');
      const [encOurs, encRef] = timePair(cli([plain, oursFz, '--compress', 'rice'], oursFz), {
        cmd: '/usr/bin/fpack',
        args: ['-r', '-O', refFz, plain],
        output: refFz,
      });
      rows.push(
        ratioRow(
          'compress 4k×4k int32 Rice (whole process)',
          encOurs,
          'fpack (same run)',
          encRef,
          1.0,
        ),
      );
      rows.push(nodeStartRow());
    } else {
      rows.push({
        group: GROUP,
        name: 'whole-process convert',
        value: NaN,
        unit: 'ms',
        note: 'fpack/funpack not installed',
      });
    }

    // in-process throughput (uncompressed MB per second), median of RUNS
    if (existsSync(fz)) {
      const f = await FitsFile.open(fz);
      const hdu = await f.hdu(1);
      const dec: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await readCompressedImage(f.source, hdu);
        dec.push(performance.now() - t0);
      }
      await f.close();
      rows.push({
        group: GROUP,
        name: 'Rice decode in process (file → Int32Array)',
        value: rawMB / (median(dec) / 1000),
        unit: 'MB/s',
      });
    }
    const enc: number[] = [];
    const image = {
      header: makeImageHdu(pixels, [SIZE, SIZE]).header,
      bitpix: 32 as const,
      axes: [SIZE, SIZE],
      pixels,
    };
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      compressImage(image);
      enc.push(performance.now() - t0);
    }
    rows.push({
      group: GROUP,
      name: 'Rice encode in process (Int32Array → HDU)',
      value: rawMB / (median(enc) / 1000),
      unit: 'MB/s',
    });

    const fuzz = await runFitsFuzz({ cases: 10_000, seed: 1 });
    rows.push({
      group: GROUP,
      name: 'fuzz 10 000 mutated files (all end in data or FITS code ≤ 200 ms)',
      value: fuzz.cases / (fuzz.totalMs / 1000),
      unit: 'cases/s',
      target: 'no failure',
      met: fuzz.failures.length === 0,
      note: `${fuzz.data} data, ${fuzz.coded} coded, ${fuzz.failures.length} failed, slowest ${fuzz.maxMs.toFixed(1)} ms`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
