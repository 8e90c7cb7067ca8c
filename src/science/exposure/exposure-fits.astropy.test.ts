import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_PYTHON, pythonHas } from '../../testing/reference-python.js';
import { pixToSky } from '../../wcs/index.js';
import { writeExposureFile } from './exposure-fits.js';
import { moffatPsf } from './psf.js';
import { sampleExposure } from './testing/sample-exposure.js';

const HAVE_ASTROPY = pythonHas('astropy.io.fits', 'astropy.wcs', 'numpy');
if (!HAVE_ASTROPY)
  console.warn(
    'skipping exposure FITS checks against astropy: python3-astropy is not installed for /usr/bin/python3',
  );

/** Sky agreement between astropy.wcs on each plane's header and our WCS, degrees (~4 µas). */
const SKY_TOL_DEG = 1e-9;

// Opens the exposure with astropy; reports EXTNAMEs, shapes, dtypes, MP_ cards, whether the
// planes equal the raw little-endian copies we wrote beside it, and the largest sky distance
// between astropy.wcs (per plane) and our pixel→sky at every pixel.
const SCRIPT = `
import json, sys, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
path, img_path, mask_path, var_path, sky_path = sys.argv[1:6]
hdul = fits.open(path)
w = hdul[1].header['NAXIS1']; h = hdul[1].header['NAXIS2']
img = np.fromfile(img_path, dtype='<f4').reshape(h, w)
mask = np.fromfile(mask_path, dtype='<u4').reshape(h, w)
var = np.fromfile(var_path, dtype='<f4').reshape(h, w)
sky = np.fromfile(sky_path, dtype='<f8').reshape(2, h, w)
jj, ii = np.mgrid[0:h, 0:w]
out = {'extnames': [x.header.get('EXTNAME') for x in hdul],
       'shapes': [list(x.data.shape) if x.data is not None else None for x in hdul],
       'dtypes': [x.data.dtype.name if x.data is not None else None for x in hdul],
       'mp': {k: v for k, v in hdul[2].header.items() if k.startswith('MP_')},
       'psf': [hdul[0].header['PSFMODEL'], hdul[0].header['PSFFWHM'], hdul[0].header['PSFBETA']],
       'imageEqual': bool(np.array_equal(hdul[1].data, img, equal_nan=True)),
       'maskEqual': bool(np.array_equal(hdul[2].data.astype(np.uint32), mask)),
       'varianceEqual': bool(np.array_equal(hdul[3].data, var)),
       'maxSkyDiff': []}
for k in (1, 2, 3):
    ra, dec = WCS(hdul[k].header).pixel_to_world_values(ii, jj)
    dra = ((ra - sky[0] + 180) % 360) - 180
    out['maxSkyDiff'].append(float(np.max(np.hypot(dra * np.cos(np.radians(dec)), dec - sky[1]))))
print(json.dumps(out))
`;

describe.skipIf(!HAVE_ASTROPY)('exposure FITS opened with astropy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promptly-exposure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has IMAGE/MASK/VARIANCE of the right shapes and dtypes, equal pixels, MP_ cards and the same sky positions', async () => {
    const [w, h] = [64, 48];
    const exp = sampleExposure(w, h, moffatPsf({ fwhmPx: 2.8, beta: 3 }));
    const path = join(dir, 'exposure.fits');
    await writeExposureFile(path, exp);
    const raw = (name: string, a: ArrayBufferView): string => {
      const p = join(dir, name);
      writeFileSync(p, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return p;
    };
    const x = new Float64Array(w * h);
    const y = new Float64Array(w * h);
    for (let i = 0; i < w * h; i++) {
      x[i] = i % w;
      y[i] = Math.floor(i / w);
    }
    const sky = pixToSky(exp.wcs!, x, y);
    const both = new Float64Array(2 * w * h);
    both.set(sky.ra, 0);
    both.set(sky.dec, w * h);
    const out = JSON.parse(
      execFileSync(
        REFERENCE_PYTHON,
        [
          '-c',
          SCRIPT,
          path,
          raw('img.bin', exp.image.data),
          raw('mask.bin', exp.mask),
          raw('var.bin', exp.variance.data),
          raw('sky.bin', both),
        ],
        { encoding: 'utf8' },
      ),
    ) as {
      extnames: (string | null)[];
      shapes: (number[] | null)[];
      dtypes: (string | null)[];
      mp: Record<string, number>;
      psf: [string, number, number];
      imageEqual: boolean;
      maskEqual: boolean;
      varianceEqual: boolean;
      maxSkyDiff: number[];
    };
    expect(out.extnames).toEqual([null, 'IMAGE', 'MASK', 'VARIANCE']);
    expect(out.shapes).toEqual([null, [h, w], [h, w], [h, w]]);
    expect(out.dtypes).toEqual([null, 'float32', 'int32', 'float32']);
    expect(out.mp).toEqual({
      MP_BAD: 0,
      MP_SAT: 1,
      MP_INTRP: 2,
      MP_CR: 3,
      MP_EDGE: 4,
      MP_DETECTED: 5,
      MP_DETECTED_NEGATIVE: 6,
      MP_SUSPECT: 7,
      MP_NO_DATA: 8,
      MP_DIFF_EDGE: 9,
    });
    expect(out.psf).toEqual(['MOFFAT', 2.8, 3]);
    expect(out.imageEqual && out.maskEqual && out.varianceEqual).toBe(true);
    for (const d of out.maxSkyDiff) expect(d).toBeLessThan(SKY_TOL_DEG);
  });
});
