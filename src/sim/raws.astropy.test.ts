import { REFERENCE_PYTHON } from '../testing/reference-python.js';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { simulateDataset, type DatasetManifest } from './simulate-dataset.js';

const PYTHON = REFERENCE_PYTHON;
const CHECK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'check-raws.py');

function haveAstropy(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import astropy, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const astropy = haveAstropy();
if (!astropy) console.warn('Debian python3 with astropy missing: astropy raw checks skipped');

function sim(seed: number) {
  return loadConfig({
    overrides: { sim: { visits: 2, scale: 0.06, seed, surveys: undefined } },
  }).sim;
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

describe('simulated ComCam dataset', () => {
  let dir: string;
  let a: string;
  let manifest: DatasetManifest;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-sim-raws-'));
    a = path.join(dir, 'a');
    manifest = await simulateDataset({ instrument: 'LSSTComCam', sim: sim(7), outDir: a });
  }, 60_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!astropy)(
    'opens in astropy with 16 Rice-compressed amplifier HDUs with consistent sections, header keywords and a TAN-SIP WCS in every raw',
    () => {
      const files = manifest.raws.map((f) => path.join(a, f));
      expect(files).toHaveLength(2 * 9 * 2);
      const report = JSON.parse(execFileSync(PYTHON, [CHECK, ...files], { encoding: 'utf8' })) as {
        files: {
          path: string;
          ok: boolean;
          problems: string[];
          amps: number;
          compressed: boolean;
        }[];
      };
      expect(report.files).toHaveLength(files.length);
      for (const f of report.files) {
        expect(f.problems, f.path).toEqual([]);
        expect(f.amps).toBe(16);
        expect(f.compressed).toBe(true);
      }
    },
    60_000,
  );

  it('writes byte-identical files from the same seed, and different raws from another seed', async () => {
    const b = path.join(dir, 'b');
    await simulateDataset({ instrument: 'LSSTComCam', sim: sim(7), outDir: b });
    const filesA = listFiles(a);
    expect(listFiles(b)).toEqual(filesA);
    for (const f of filesA) {
      expect(
        Buffer.compare(fs.readFileSync(path.join(a, f)), fs.readFileSync(path.join(b, f))),
        f,
      ).toBe(0);
    }
    const c = path.join(dir, 'c');
    const other = await simulateDataset({
      instrument: 'LSSTComCam',
      sim: sim(8),
      outDir: c,
      templates: false,
    });
    const raw = manifest.raws[0]!;
    expect(other.raws).toContain(raw);
    expect(
      Buffer.compare(fs.readFileSync(path.join(a, raw)), fs.readFileSync(path.join(c, raw))),
    ).not.toBe(0);
  }, 60_000);

  it('writes truth tables with new, moving and variable sources on the detector', () => {
    expect(manifest.truth).toHaveLength(2 * 9);
    const kinds = new Set<string>();
    for (const f of manifest.truth) {
      const t = JSON.parse(fs.readFileSync(path.join(a, f), 'utf8')) as {
        snaps: { sources: { kind: string; x: number; y: number; fluxE: number; mjd: number }[] }[];
      };
      expect(t.snaps).toHaveLength(2);
      for (const s of t.snaps) {
        for (const src of s.sources) {
          kinds.add(src.kind);
          expect(src.fluxE).toBeGreaterThan(0);
          expect(src.mjd).toBeGreaterThan(60000);
        }
      }
    }
    expect(kinds).toContain('new');
    expect(kinds).toContain('moving');
  });
});
