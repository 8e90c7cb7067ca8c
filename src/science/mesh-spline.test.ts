import { REFERENCE_PYTHON } from '../testing/reference-python.js';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { interpolateMesh } from './mesh-spline.js';
import { makeRng } from './testing/synth.js';

const PYTHON = REFERENCE_PYTHON;
const SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'testing',
  'natural-spline.py',
);

function scipyAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import scipy.interpolate'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const haveScipy = scipyAvailable();
if (!haveScipy) console.warn('scipy missing under /usr/bin/python3: spline reference test skipped');

describe('interpolateMesh', () => {
  it.skipIf(!haveScipy)(
    'matches scipy natural cubic splines (tensor product) to 1e-4, extrapolated edges included',
    () => {
      const rng = makeRng(17);
      const nx = 7;
      const ny = 5;
      const cell = 16;
      const width = 7 * 16 - 5; // a partial last cell
      const height = 5 * 16;
      const mesh = Float32Array.from({ length: nx * ny }, () => 100 + 10 * rng());
      const ours = interpolateMesh(mesh, nx, ny, cell, width, height);
      const ref = JSON.parse(
        execFileSync(PYTHON, [SCRIPT], {
          input: JSON.stringify({ mesh: Array.from(mesh), nx, ny, cell, width, height }),
        }).toString(),
      ) as number[];
      expect(ref).toHaveLength(width * height);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref[i]!));
      expect(worst).toBeLessThan(1e-4 * 110);
    },
  );

  it('is constant along an axis with a single mesh row or column', () => {
    const out = interpolateMesh(Float32Array.from([1, 2, 3]), 3, 1, 10, 30, 4);
    for (let x = 0; x < 30; x++) expect(out[x]).toBe(out[3 * 30 + x]);
    // nodes at x = 4.5, 14.5, 24.5; a linear mesh gives a line, extrapolated past the ends
    for (const x of [0, 4, 14, 24, 29]) expect(out[x]).toBeCloseTo(1 + (x - 4.5) / 10, 5);
    expect(Array.from(interpolateMesh(Float32Array.from([5]), 1, 1, 8, 3, 2))).toEqual([
      5, 5, 5, 5, 5, 5,
    ]);
  });
});
