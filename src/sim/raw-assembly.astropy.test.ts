import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FitsFile, readAnyImage, type HduInfo } from '../fits/index.js';
import { assembleAmps, parseSection, type AmpPlacement } from '../science/index.js';
import { pythonHas, REFERENCE_PYTHON } from '../testing/reference-python.js';
import { plannedVisit } from './night-plan.js';
import { SimCamera } from './sim-camera.js';

/*
 * The camera's amplifier geometry, which the Python helper (testing/obs-lsst-assembly.py)
 * assembles by, independently of our DETSEC: HDU k = 1..8 is Segment1(k−1), bottom row,
 * column k−1, flipped in x (output node at its right edge); HDU k = 9..16 is Segment0(16−k),
 * top row, column 16−k, flipped in y, and in x on ITL sensors only (e2v's top amps read from
 * the left). Data are raw columns [prescan, prescan + nx), rows [0, ny). This is eotest's
 * AmplifierGeometry and what real ComCam/LSSTCam raws say (Segment10 DETSEC [509:1,1:2000],
 * DTV1 513, DTV2 0, DTM1_1 −1, DTM2_2 1).
 */
const HELPER = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'testing',
  'obs-lsst-assembly.py',
);
const astropy = pythonHas('astropy', 'numpy');
if (!astropy) console.warn('Debian python3 with astropy missing: obs_lsst-style assembly skipped');

function isImage2d(hdu: HduInfo): boolean {
  if (hdu.kind === 'compressed-image') return hdu.header.get('ZNAXIS') === 2;
  return hdu.kind === 'image' && hdu.axes.length === 2;
}

/** promptly's assembly of a raw: each amp's DATASEC cut and placed by its DETSEC. */
async function assembleOurs(bytes: Uint8Array): Promise<{ width: number; data: Float32Array }> {
  const file = FitsFile.fromBytes(bytes);
  const placements: AmpPlacement[] = [];
  let width = 0;
  let height = 0;
  for (const hdu of await file.hdus()) {
    if (hdu.index === 0 || !isImage2d(hdu)) continue;
    const image = await readAnyImage(file.source, hdu);
    const rawWidth = image.shape[0] ?? 0;
    const data = parseSection(hdu.header.getString('DATASEC'));
    const det = parseSection(hdu.header.getString('DETSEC'));
    const trimmed = new Float32Array(data.box.width * data.box.height);
    for (let r = 0; r < data.box.height; r++) {
      for (let c = 0; c < data.box.width; c++) {
        const v = image.pixels[(data.box.y0 + r) * rawWidth + data.box.x0 + c];
        trimmed[r * data.box.width + c] = Number(v);
      }
    }
    placements.push({
      data: trimmed,
      width: data.box.width,
      height: data.box.height,
      detSec: det,
    });
    width = Math.max(width, det.box.x0 + det.box.width);
    height = Math.max(height, det.box.y0 + det.box.height);
  }
  const out = assembleAmps(width, height, placements);
  return { width, data: out.data };
}

interface Case {
  readonly instrument: string;
  readonly detector: number;
  readonly vendor: 'ITL' | 'E2V';
}

describe('raws assembled as obs_lsst assembles them', () => {
  const cases: Case[] = [
    { instrument: 'LSSTComCam', detector: 4, vendor: 'ITL' },
    { instrument: 'LSSTCam', detector: 0, vendor: 'ITL' }, // R01_S00
    { instrument: 'LSSTCam', detector: 94, vendor: 'E2V' }, // R22_S11
  ];
  let dir: string;
  const specs: {
    path: string;
    vendor: string;
    nx: number;
    ny: number;
    prescan: number;
    ours: string;
  }[] = [];
  const bright: { x: number; y: number; width: number; data: Float32Array }[][] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-assembly-'));
    for (const c of cases) {
      const camera = new SimCamera({
        instrument: c.instrument,
        seed: 21,
        scale: 0.12,
        starDensityPerDeg2: 20_000,
        magLimit: 23,
        transientsPerDetector: 4,
        cosmicRatePerCm2S: 0,
      });
      const visit = plannedVisit(
        {
          instrument: c.instrument,
          visits: 1,
          cadenceS: 35,
          exposureTimeS: 30,
          snaps: 1,
          readoutS: 2,
          bands: ['r'],
          survey: 'TEST',
          seed: 21,
        },
        0,
      );
      const raw = await camera.raw(visit, c.detector, 0, visit.startMs, 1);
      const g = camera.focalPlane.placement(c.detector).geometry;
      expect(g.vendor).toBe(c.vendor);
      const file = path.join(dir, `${c.instrument}-${c.detector}.fits`);
      fs.writeFileSync(file, raw.bytes);
      const ours = await assembleOurs(raw.bytes);
      const oursFile = `${file}.f32`;
      fs.writeFileSync(
        oursFile,
        Buffer.from(ours.data.buffer, ours.data.byteOffset, ours.data.byteLength),
      );
      specs.push({
        path: file,
        vendor: c.vendor,
        nx: g.ampWidth,
        ny: g.ampHeight,
        prescan: g.prescan,
        ours: oursFile,
      });
      bright.push(
        raw.truth.sources
          .filter((s) => s.kind === 'new' && s.mag < 21)
          .map((s) => ({ x: s.x, y: s.y, width: ours.width, data: ours.data })),
      );
    }
  }, 60_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!astropy)(
    'opens every raw in astropy and assembles it by the camera geometry and by DTV/DTM into our assembled image',
    () => {
      const spec = path.join(dir, 'spec.json');
      fs.writeFileSync(spec, JSON.stringify({ raws: specs }));
      const report = JSON.parse(
        execFileSync(REFERENCE_PYTHON, [HELPER, spec], { encoding: 'utf8' }),
      ) as {
        raws: {
          path: string;
          problems: string[];
          max_abs_diff_camera: number;
          max_abs_diff_dtv: number;
        }[];
      };
      expect(report.raws).toHaveLength(cases.length);
      for (const r of report.raws) {
        expect(r.problems, r.path).toEqual([]);
        expect(r.max_abs_diff_camera, r.path).toBe(0);
        expect(r.max_abs_diff_dtv, r.path).toBe(0);
      }
    },
    60_000,
  );

  it('puts every bright injected source on a local peak of the assembled image at its true pixel', () => {
    let checked = 0;
    for (const sources of bright) {
      for (const s of sources) {
        const x = Math.round(s.x);
        const y = Math.round(s.y);
        const height = s.data.length / s.width;
        if (x < 3 || y < 3 || x >= s.width - 3 || y >= height - 3) continue;
        let best = -Infinity;
        let bx = 0;
        let by = 0;
        for (let dy = -3; dy <= 3; dy++) {
          for (let dx = -3; dx <= 3; dx++) {
            const v = s.data[(y + dy) * s.width + x + dx]!;
            if (v > best) [best, bx, by] = [v, x + dx, y + dy];
          }
        }
        expect(Math.hypot(bx - s.x, by - s.y)).toBeLessThan(1.5);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2);
  });
});
