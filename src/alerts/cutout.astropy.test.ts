import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_PYTHON, pythonHas } from '../testing/reference-python.js';
import { toKeywords } from '../wcs/index.js';
import { cutoutBox, makeCutout } from './cutout.js';
import { sampleImage } from './sample-alerts.js';

const HAVE_ASTROPY = pythonHas('astropy.io.fits', 'astropy.wcs', 'numpy');
if (!HAVE_ASTROPY)
  console.warn(
    'skipping cutout checks against astropy: python3-astropy is not installed for /usr/bin/python3',
  );

/** Sky agreement between the cutout's WCS and the parent's at the same pixel, degrees (~4 µas). */
const SKY_TOL_DEG = 1e-9;

// Reads the cutout with astropy, compares its pixels with the parent's box and its WCS with
// the parent's WCS (from its keywords) at every cutout pixel; prints a JSON summary.
const SCRIPT = `
import json, sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
cut_path, parent_path, x0, y0 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
spec = json.load(open(parent_path))
hdu = fits.open(cut_path)[0]
data = hdu.data
parent = np.array(spec['pixels'], dtype=np.float32).reshape(spec['height'], spec['width'])
h = fits.Header()
for k, v in spec['keywords']: h[k] = v
wp = WCS(h)
wc = WCS(hdu.header)
n = data.shape[0]
jj, ii = np.mgrid[0:n, 0:n]
sp = wp.pixel_to_world_values(ii + x0, jj + y0)
sc = wc.pixel_to_world_values(ii, jj)
d = np.hypot((sp[0] - sc[0]) * np.cos(np.radians(sp[1])), sp[1] - sc[1])
ys, xs = slice(max(0, y0), min(spec['height'], y0 + n)), slice(max(0, x0), min(spec['width'], x0 + n))
inside = parent[ys, xs]
got = data[ys.start - y0: ys.stop - y0, xs.start - x0: xs.stop - x0]
outside = np.ones_like(data, dtype=bool); outside[ys.start - y0: ys.stop - y0, xs.start - x0: xs.stop - x0] = False
print(json.dumps({'shape': list(data.shape), 'dtype': data.dtype.name, 'maxSkyDiff': float(d.max()),
  'pixelsEqual': bool(np.array_equal(inside, got)), 'outsideNaN': bool(np.all(np.isnan(data[outside]))),
  'ltv1': hdu.header['LTV1'], 'exptype': hdu.header.get('EXPTYPE')}))
`;

describe.skipIf(!HAVE_ASTROPY)('cutouts opened with astropy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promptly-cutout-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const image = sampleImage(11);
  const parentPath = join(dir, 'parent.json');
  writeFileSync(
    parentPath,
    JSON.stringify({
      width: image.width,
      height: image.height,
      pixels: Array.from(image.pixels),
      keywords: toKeywords(image.wcs).map(([k, v]) => [k, v]),
    }),
  );

  const cases: [string, number, number][] = [
    ['in the middle of the image', 100.3, 99.8],
    ['over the lower-left corner (NaN beyond the edge)', 3.2, 1.6],
    ['over the upper-right corner', 197.9, 198.4],
  ];
  for (const [where, x, y] of cases) {
    it(`is a 30×30 float32 image with the parent's pixels and sky positions, ${where}`, async () => {
      const bytes = await makeCutout(image, { x, y, cards: [['EXPTYPE', 'difference']] });
      const path = join(dir, `cut-${x}-${y}.fits`);
      writeFileSync(path, bytes);
      const box = cutoutBox({ x, y });
      const out = JSON.parse(
        execFileSync(
          REFERENCE_PYTHON,
          ['-c', SCRIPT, path, parentPath, String(box.x0), String(box.y0)],
          {
            encoding: 'utf8',
          },
        ),
      ) as {
        shape: number[];
        dtype: string;
        maxSkyDiff: number;
        pixelsEqual: boolean;
        outsideNaN: boolean;
        ltv1: number;
        exptype: string;
      };
      expect(out.shape).toEqual([30, 30]);
      expect(out.dtype).toMatch(/float32/);
      expect(out.pixelsEqual).toBe(true);
      expect(out.outsideNaN).toBe(true);
      expect(out.maxSkyDiff).toBeLessThan(SKY_TOL_DEG);
      expect(out.ltv1).toBe(-box.x0);
      expect(out.exptype).toBe('difference');
    });
  }
});
