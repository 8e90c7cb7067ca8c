/**
 * Detection bench: background + threshold detection + measurement on a 4096×4096 float32 star
 * field (sky 1000 with a gradient, Gaussian noise σ = 30, Moffat β = 3 stars of FWHM 3 px),
 * against Debian's `source-extractor` on the same pixels written as FITS, with an equivalent
 * configuration (BACK_SIZE 64, BACK_FILTERSIZE 3, the same Gaussian filter and threshold,
 * DETECT_MINAREA 5, an aperture of radius 5 px), in the same run, rounds interleaved.
 *
 * Time: source-extractor is always a whole process (start, FITS read, catalog written). Ours
 * is given twice: in process on the image in memory through the banded core (what a pipeline
 * worker pays per detector), and as a whole `node` process that streams the FITS file in row
 * bands, as source-extractor does (start-up and module loading included, no catalog
 * written). Memory: maximum RSS of each whole process from `/usr/bin/time`; and ours less the
 * RSS it had with its modules loaded and the file opened (the detection's own working
 * memory); `node -e 0`'s own maximum RSS is given as a note.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFitsWriter, fileSink, makeImageHdu } from '../src/fits/index.js';
import { estimateBackgroundMesh } from '../src/science/background.js';
import { detectRows, meshBackgroundRows } from '../src/science/banded-detect.js';
import { measureRows } from '../src/science/banded-measure.js';
import { imageRows } from '../src/science/row-source.js';
import { gaussianKernel1d, separableNoiseFactor } from '../src/science/smooth.js';
import type { BenchRow } from './bench-row.js';

const GROUP = 'detection';
const SIZE = 4096;
const RUNS = 5;
const FWHM_PX = 3;
const N_SIGMA = 5;
const MIN_AREA = 5;
const MESH_PX = 64;
const AP_RADIUS_PX = 5;
const SEX = '/usr/bin/source-extractor';
const TIME = '/usr/bin/time';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Sky + gradient + Gaussian noise (Box–Muller on xorshift32) + Moffat stars, image units. */
function starField(n: number): Float32Array {
  const px = new Float32Array(n * n);
  let s = 0x2545f491;
  const u = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < px.length; i++) {
    const x = i % n;
    const y = (i - x) / n;
    const g = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    px[i] = 1000 + 0.01 * x + 0.005 * y + 30 * g;
  }
  const beta = 3;
  const alpha = FWHM_PX / (2 * Math.sqrt(2 ** (1 / beta) - 1));
  const norm = (beta - 1) / (Math.PI * alpha * alpha);
  for (let k = 0; k < 4000; k++) {
    const x0 = 10 + u() * (n - 20);
    const y0 = 10 + u() * (n - 20);
    const flux = 1500 * (300000 / 1500) ** u();
    for (let y = Math.max(0, Math.floor(y0 - 12)); y < Math.min(n, y0 + 12); y++) {
      for (let x = Math.max(0, Math.floor(x0 - 12)); x < Math.min(n, x0 + 12); x++) {
        const d2 = (x - x0) ** 2 + (y - y0) ** 2;
        px[y * n + x] = px[y * n + x]! + flux * norm * (1 + d2 / (alpha * alpha)) ** -beta;
      }
    }
  }
  return px;
}

/** source-extractor configuration equivalent to our options (see source-extractor.test.ts). */
function writeSexConfig(dir: string): void {
  const k1 = gaussianKernel1d(FWHM_PX);
  const rows = ['CONV NORM', '# promptly bench kernel: Gaussian FWHM 3 px'];
  for (const a of k1) rows.push(Array.from(k1, (b) => (a * b).toExponential(8)).join(' '));
  writeFileSync(join(dir, 'kernel.conv'), rows.join('\n') + '\n');
  const params = ['X_IMAGE', 'Y_IMAGE', 'FLUX_ISO', 'FLUXERR_ISO', 'FLUX_APER(1)'];
  params.push('FLUXERR_APER(1)', 'ISOAREAF_IMAGE', 'A_IMAGE', 'B_IMAGE', 'THETA_IMAGE', 'FLAGS');
  writeFileSync(join(dir, 'sex.param'), params.join('\n') + '\n');
  // SExtractor thresholds the filtered image in σ of the unfiltered one
  const thresh = N_SIGMA * separableNoiseFactor(k1);
  const config = [
    'CATALOG_NAME cat.txt',
    'CATALOG_TYPE ASCII_HEAD',
    'PARAMETERS_NAME sex.param',
    'DETECT_TYPE CCD',
    `DETECT_MINAREA ${MIN_AREA}`,
    `DETECT_THRESH ${thresh}`,
    `ANALYSIS_THRESH ${thresh}`,
    'FILTER Y',
    'FILTER_NAME kernel.conv',
    'DEBLEND_NTHRESH 32',
    'DEBLEND_MINCONT 1.0',
    'CLEAN N',
    'MASK_TYPE NONE',
    `PHOT_APERTURES ${2 * AP_RADIUS_PX}`,
    'SATUR_LEVEL 1e20',
    'GAIN 0',
    'PIXEL_SCALE 0',
    'SEEING_FWHM 1.0',
    'BACK_TYPE AUTO',
    `BACK_SIZE ${MESH_PX}`,
    'BACK_FILTERSIZE 3',
    'BACKPHOTO_TYPE GLOBAL',
    'CHECKIMAGE_TYPE NONE',
    'VERBOSE_TYPE QUIET',
    'WRITE_XML N',
    'NTHREADS 1',
  ];
  writeFileSync(join(dir, 'default.sex'), config.join('\n') + '\n');
}

/**
 * Our whole-process run: stream the FITS file in row bands (background mesh pass, detection
 * pass, aperture pass), as source-extractor does, and print a JSON summary. Only the
 * detection modules are imported.
 */
function childScript(fitsPath: string): string {
  const url = (p: string): string => new URL(p, import.meta.url).href;
  return `
const { FitsRowFile } = await import(${JSON.stringify(url('../src/fits/row-file.js'))});
const { estimateBackgroundMeshRows } = await import(${JSON.stringify(url('../src/science/background.js'))});
const { detectRows, meshBackgroundRows } = await import(${JSON.stringify(url('../src/science/banded-detect.js'))});
const { measureRows } = await import(${JSON.stringify(url('../src/science/banded-measure.js'))});
const file = FitsRowFile.open(${JSON.stringify(fitsPath)});
const rssLoaded = process.memoryUsage().rss;
const bg = estimateBackgroundMeshRows(file, { meshSize: ${MESH_PX}, filterSize: 3 });
const rows = meshBackgroundRows(bg.mesh, file.width, file.height);
const det = detectRows(file, rows, { nSigma: ${N_SIGMA}, minArea: ${MIN_AREA}, psfFwhmPx: ${FWHM_PX} });
const cat = measureRows(file, rows, det, { apertureRadiusPx: ${AP_RADIUS_PX} });
file.close();
process.stdout.write(JSON.stringify({ rssLoaded, sources: cat.length }));
`;
}

interface ProcessRun {
  ms: number;
  /** Maximum resident set, bytes (from /usr/bin/time), NaN without it. */
  maxRss: number;
  stdout: string;
}

/** Runs a command under `/usr/bin/time` (when present) and times it from spawn to exit. */
function runProcess(cmd: string, args: string[], cwd: string, haveTime: boolean): ProcessRun {
  const rssFile = join(cwd, 'time.out');
  const [c, a] = haveTime ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(c, a, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(`${cmd} exited ${r.status}: ${String(r.stderr).trim().slice(0, 300)}`);
  }
  const maxRss = haveTime ? Number(readFileSync(rssFile, 'utf8').trim()) * 1024 : NaN;
  return { ms, maxRss, stdout: String(r.stdout) };
}

function row(
  name: string,
  value: number,
  unit: string,
  anchorName: string,
  anchorValue: number,
  limit: number,
  note?: string,
): BenchRow {
  return {
    group: GROUP,
    name,
    value,
    unit,
    anchorName,
    anchorValue,
    target: `ratio ≤ ${limit}`,
    met: value / anchorValue <= limit,
    ...(note !== undefined ? { note } : {}),
  };
}

/** Runs the detection bench; needs a built tree (`dist/`), source-extractor and /usr/bin/time. */
export async function runDetectionBench(): Promise<BenchRow[]> {
  const pixels = starField(SIZE);
  const image = { width: SIZE, height: SIZE, data: pixels };
  let lastCount = 0;
  // the banded path a pipeline worker runs on an image it holds: no full-frame temporaries
  const ours = (): number => {
    const t0 = performance.now();
    const bg = estimateBackgroundMesh(image, { meshSize: MESH_PX, filterSize: 3 });
    const rows = meshBackgroundRows(bg.mesh, SIZE, SIZE);
    const det = detectRows(imageRows(image), rows, {
      nSigma: N_SIGMA,
      minArea: MIN_AREA,
      psfFwhmPx: FWHM_PX,
    });
    const cat = measureRows(imageRows(image), rows, det, { apertureRadiusPx: AP_RADIUS_PX });
    lastCount = cat.length;
    return performance.now() - t0;
  };
  const coldMs = ours();
  const what = `${SIZE}×${SIZE} float32, bg + detect + measure`;

  if (!existsSync(SEX)) {
    const note = 'not measured: source-extractor not installed (Debian package source-extractor)';
    return [
      { group: GROUP, name: `${what}, in process, first call`, value: coldMs, unit: 'ms', note },
    ];
  }
  const haveTime = existsSync(TIME);
  const dir = mkdtempSync(join(tmpdir(), 'promptly-bench-detect-'));
  try {
    const fitsPath = join(dir, 'field.fits');
    const writer = createFitsWriter(await fileSink(fitsPath));
    await writer.writeHdu(makeImageHdu(pixels, [SIZE, SIZE]));
    await writer.close();
    writeSexConfig(dir);
    const script = childScript(fitsPath);
    const node = process.execPath;

    const warm: number[] = [];
    const sex: ProcessRun[] = [];
    const child: ProcessRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      warm.push(ours());
      sex.push(runProcess(SEX, [fitsPath, '-c', 'default.sex'], dir, haveTime));
      child.push(runProcess(node, ['--input-type=module', '-e', script], dir, haveTime));
    }
    const sexRows = readFileSync(join(dir, 'cat.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#')).length;
    const sexMs = median(sex.map((r) => r.ms));
    const anchor = 'source-extractor whole process (same run)';
    const rows: BenchRow[] = [
      row(
        `${what}, in process, banded (median of ${RUNS})`,
        median(warm),
        'ms',
        anchor,
        sexMs,
        1.0,
        `first call ${coldMs.toFixed(0)} ms; ${lastCount} sources, source-extractor ${sexRows}`,
      ),
      row(
        `${what}, whole node process (start, FITS streamed in row bands)`,
        median(child.map((r) => r.ms)),
        'ms',
        anchor,
        sexMs,
        1.0,
      ),
    ];
    if (!haveTime) {
      rows.push({
        group: GROUP,
        name: 'peak memory',
        value: NaN,
        unit: 'MB',
        note: 'not measured: /usr/bin/time missing (Debian package time)',
      });
      return rows;
    }
    const MB = 1e6;
    const nodeBaseline = median(
      Array.from({ length: 3 }, () => runProcess(node, ['-e', '0'], dir, haveTime).maxRss),
    );
    const sexRss = median(sex.map((r) => r.maxRss)) / MB;
    const childRss = median(child.map((r) => r.maxRss)) / MB;
    const loaded = median(
      child.map((r) => (JSON.parse(r.stdout) as { rssLoaded: number }).rssLoaded),
    );
    const rssAnchor = 'source-extractor max RSS (same run)';
    rows.push(
      row(
        `${what}, whole process max RSS`,
        childRss,
        'MB',
        rssAnchor,
        sexRss,
        2,
        `the image alone is ${((SIZE * SIZE * 4) / MB).toFixed(0)} MB`,
      ),
      row(
        `${what}, max RSS − RSS before detection (working memory)`,
        childRss - loaded / MB,
        'MB',
        rssAnchor,
        sexRss,
        2,
        `node -e 0 alone: ${(nodeBaseline / MB).toFixed(1)} MB max RSS`,
      ),
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
