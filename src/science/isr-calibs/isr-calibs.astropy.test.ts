import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_PYTHON, pythonHas } from '../../testing/reference-python.js';
import { crosstalkFits, readCrosstalkFits } from './crosstalk-fits.js';
import { defectsFits, readDefectsFits } from './defects-fits.js';
import { linearizerFits, readLinearizerFits } from './linearizer-fits.js';

const HAVE_ASTROPY = pythonHas('astropy.io.fits', 'numpy');
const SKIP = 'astropy missing under /usr/bin/python3 (Debian: python3-astropy)';
if (!HAVE_ASTROPY) console.warn(`isr calibration interop skipped: ${SKIP}`);

const SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'testing',
  'astropy-isr-calibs.py',
);
const dir = mkdtempSync(path.join(tmpdir(), 'promptly-isr-calibs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Reference {
  defects: { columns: string[]; units: string[]; rows: number[][]; detector: number };
  crosstalk: { shape: number[]; dtype: string; values: number[][] };
  linearizer: { amps: string[]; types: string[]; coeffs: number[][] };
}

describe.skipIf(!HAVE_ASTROPY)('ISR calibration files read by astropy', () => {
  const boxes = [
    { x0: 0, y0: 0, width: 1, height: 4000 },
    { x0: 17, y0: 1200, width: 1, height: 800 },
    { x0: 300, y0: 301, width: 4, height: 4 },
    { x0: 4071, y0: 3999, width: 1, height: 1 },
  ];
  const n = 16;
  const coefficients = Float64Array.from({ length: n * n }, (_, i) =>
    i % 17 === 0 ? 0 : (((i * 7919) % 97) - 48) * 1e-5,
  );
  const amps = Array.from({ length: n }, (_, i) => ({
    amp: i < 8 ? `Segment1${i}` : `Segment0${15 - i}`,
    coefficients: [0, 1, 4.5e-8 * (1 + i / 10), 3.1e-15 * (1 + i / 7)],
  }));

  it('holds the same boxes, coefficients and polynomials astropy reads, exactly', async () => {
    const files = {
      defects: await defectsFits(boxes, [['DETECTOR', 4]]),
      crosstalk: await crosstalkFits({ n, coefficients }),
      linearizer: await linearizerFits(amps),
    };
    const paths = Object.entries(files).map(([name, bytes]) => {
      const p = path.join(dir, `${name}.fits`);
      writeFileSync(p, bytes);
      return p;
    });
    const ref = JSON.parse(
      execFileSync(REFERENCE_PYTHON, [SCRIPT, ...paths], { encoding: 'utf8' }),
    ) as Reference;
    expect(ref.defects.columns).toEqual(['x0', 'y0', 'width', 'height']);
    expect(ref.defects.units).toEqual(['pixel', 'pixel', 'pixel', 'pixel']);
    expect(ref.defects.rows).toEqual(boxes.map((b) => [b.x0, b.y0, b.width, b.height]));
    expect(ref.defects.detector).toBe(4);
    // NAXIS2 (numpy's first axis) is the target amp, NAXIS1 the source
    expect(ref.crosstalk.shape).toEqual([n, n]);
    expect(ref.crosstalk.dtype).toBe('float64');
    expect(ref.crosstalk.values.flat()).toEqual(Array.from(coefficients));
    expect(ref.linearizer.amps).toEqual(amps.map((a) => a.amp));
    expect(ref.linearizer.types).toEqual(amps.map(() => 'POLYNOMIAL'));
    expect(ref.linearizer.coeffs).toEqual(amps.map((a) => a.coefficients));
    // and our readers give back what was written
    expect(await readDefectsFits(files.defects)).toEqual(boxes);
    expect(Array.from((await readCrosstalkFits(files.crosstalk)).coefficients)).toEqual(
      Array.from(coefficients),
    );
    expect(await readLinearizerFits(files.linearizer)).toEqual(amps);
  });
});

describe('ISR calibration readers', () => {
  it('refuse a file without their extension, and out-of-range values, with PROMPTLY_E_CALIBRATION_INVALID', async () => {
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
        return 'none';
      } catch (err) {
        return (err as { code?: string }).code;
      }
    };
    const defects = await defectsFits([{ x0: 1, y0: 2, width: 3, height: 4 }]);
    expect(await code(readCrosstalkFits(defects))).toBe('PROMPTLY_E_CALIBRATION_INVALID');
    expect(await code(readLinearizerFits(defects))).toBe('PROMPTLY_E_CALIBRATION_INVALID');
    expect(await code(readDefectsFits(new Uint8Array(2880)))).toBe(
      'PROMPTLY_E_CALIBRATION_INVALID',
    );
    expect(
      await code(readDefectsFits(await defectsFits([{ x0: -1, y0: 0, width: 1, height: 1 }]))),
    ).toBe('PROMPTLY_E_CALIBRATION_INVALID');
    const big = new Float64Array(4).fill(0.5);
    expect(await code(readCrosstalkFits(await crosstalkFits({ n: 2, coefficients: big })))).toBe(
      'PROMPTLY_E_CALIBRATION_INVALID',
    );
  });
});
