import { seededRandom } from '../core/seeded-random.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { keywordSourceFrom } from './keyword-source.js';
import { readWcs } from './read-wcs.js';
import { astropyAvailable, REFERENCE_PYTHON } from './testing/astropy-reference.js';
import { IMAGE_SIZE, randomHeader } from './testing/random-headers.js';
import { pixToSky, skyToPix } from './transforms.js';

// wcsware (wcslib-tools) prints about 9 significant digits only (1e-6 deg, 1e-5 px at
// x ~ 4000), so this independent check of wcslib's own SIP handling is coarse; the astropy
// comparison is the tight one.
const WCSWARE = '/usr/bin/wcsware';
const WRITER = fileURLToPath(new URL('./testing/write-wcs-fits.py', import.meta.url));
const usable = existsSync(WCSWARE) && astropyAvailable();
if (!usable)
  console.warn('skipping wcslib comparison: needs /usr/bin/wcsware and astropy to write the file');

/** One printed coordinate and half a unit of its last printed digit. */
interface Printed {
  readonly value: number;
  readonly halfUlp: number;
}

function parsePrinted(token: string): Printed {
  const t = token.trim();
  const decimals = t.includes('.') ? t.length - t.indexOf('.') - 1 : 0;
  return { value: Number(t), halfUlp: 0.5 * 10 ** -decimals };
}

function wcsware(mode: '-x' | '-w', file: string, a: Float64Array, b: Float64Array): Printed[][] {
  const input = Array.from(a, (v, i) => `${v} ${b[i]}`).join('\n') + '\n';
  const text = execFileSync(WCSWARE, [mode, '-h2', file], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const label = mode === '-x' ? 'World:' : 'Pixel:';
  return text
    .split('\n')
    .filter((line) => line.includes(label))
    .map((line) =>
      line
        .slice(line.indexOf(label) + label.length)
        .split(',')
        .map(parsePrinted),
    );
}

describe.skipIf(!usable)(
  'celestial transforms agree with wcslib (wcsware; skipped without it)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptly-wcslib-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const rand = seededRandom(99);
    const header = randomHeader(rand, { crval: [359.9, 60], form: 'cd', sipOrder: 4 });
    const wcs = readWcs(keywordSourceFrom(header));
    const file = join(dir, 'sip.fits');
    writeFileSync(join(dir, 'h.json'), JSON.stringify(header));
    execFileSync(REFERENCE_PYTHON, [WRITER, join(dir, 'h.json'), file], { stdio: 'ignore' });
    const n = 300;
    const x = Float64Array.from({ length: n }, () => rand() * IMAGE_SIZE);
    const y = Float64Array.from({ length: n }, () => rand() * IMAGE_SIZE);

    // Our error must fit inside wcsware's rounding (half a unit of the last printed digit).
    const SLACK = 1e-9;

    it('maps pixels to the sky as wcsp2s does, to the digits wcsware prints', () => {
      // wcsware takes 1-based pixels.
      const ref = wcsware(
        '-x',
        file,
        x.map((v) => v + 1),
        y.map((v) => v + 1),
      );
      expect(ref).toHaveLength(n);
      const ours = pixToSky(wcs, x, y);
      ref.forEach(([ra, dec], i) => {
        const dra = Math.abs(((ours.ra[i]! - ra!.value + 540) % 360) - 180);
        expect(dra).toBeLessThanOrEqual(ra!.halfUlp + SLACK);
        expect(Math.abs(ours.dec[i]! - dec!.value)).toBeLessThanOrEqual(dec!.halfUlp + SLACK);
      });
    });

    it('maps the sky to pixels as wcss2p does, to the digits wcsware prints', () => {
      const sky = pixToSky(wcs, x, y);
      const ref = wcsware('-w', file, sky.ra, sky.dec);
      expect(ref).toHaveLength(n);
      const ours = skyToPix(wcs, sky.ra, sky.dec);
      ref.forEach(([px, py], i) => {
        expect(Math.abs(ours.x[i]! + 1 - px!.value)).toBeLessThanOrEqual(px!.halfUlp + SLACK);
        expect(Math.abs(ours.y[i]! + 1 - py!.value)).toBeLessThanOrEqual(py!.halfUlp + SLACK);
      });
    });
  },
);
