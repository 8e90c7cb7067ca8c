import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runFitsFuzz } from './fuzz.js';
import { fpack, haveTools, makeImage, tempDir } from './testing/tools.js';

const cases = Number(process.env.PROMPTLY_FUZZ_CASES ?? 300);
const tmp = tempDir();
afterAll(() => tmp.remove());

describe('FITS reader fuzzing', () => {
  it(`ends each of ${cases} mutated files in data or a FITS-coded error, none hanging`, async () => {
    const extraBases: Array<{ name: string; bytes: Uint8Array }> = [];
    if (haveTools) {
      // algorithms we only decode: take their valid files from fpack
      const mask = makeImage(tmp.dir, 'mask.fits', 16, 60, 40, ['--mask']);
      const img = makeImage(tmp.dir, 'img.fits', 32, 60, 40);
      extraBases.push({
        name: 'fpack-plio',
        bytes: readFileSync(fpack(['-p'], mask, `${mask}.p.fz`)),
      });
      extraBases.push({
        name: 'fpack-hcompress',
        bytes: readFileSync(fpack(['-h', '-s', '4'], img, `${img}.h.fz`)),
      });
    } else {
      console.warn('fuzz: fpack missing, PLIO/HCOMPRESS bases left out');
    }
    // The bound only catches a hang (an endless loop on a crafted length), as libFuzzer's
    // -timeout does: it is far above any case's cost, so a loaded machine cannot trip it.
    const report = await runFitsFuzz({ cases, seed: 20261121, timeBoundMs: 20_000, extraBases });
    expect(report.failures).toEqual([]);
    expect(report.data + report.coded).toBe(cases);
    // the mutations must actually reach both outcomes
    expect(report.coded).toBeGreaterThan(cases / 10);
    expect(report.data).toBeGreaterThan(0);
  }, 120_000);
});
