import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_PYTHON, pythonHas } from '../../testing/reference-python.js';
import { REFCAT_BANDS } from './error-model.js';
import { htmId } from './htm.js';
import { refcatShardRows } from './refcat-catalog.js';
import { refcatShardFits } from './refcat-fits.js';

/**
 * A refcat shard read by an independent FITS reader: astropy's Table (Debian package
 * python3-astropy). Columns, units and dtypes must be as documented in refcat-fits.ts, and
 * the values equal to ours (doubles exactly, floats to float32 precision).
 */
const available = pythonHas('astropy', 'numpy');
const reason =
  'skipping the astropy refcat check: /usr/bin/python3 cannot import astropy (apt-get install python3-astropy)';
if (!available) console.warn(reason);

const SCRIPT = `
import json, sys, warnings
import numpy as np
from astropy.io import fits
from astropy.table import Table
warnings.simplefilter('error')  # an unparseable unit would warn: fail instead
path = sys.argv[1]
with fits.open(path) as f:
    primary = dict(f[0].header)
    names = [h.name for h in f]
t = Table.read(path, hdu='REFCAT')
cols = {c: {'unit': None if t[c].unit is None else t[c].unit.to_string(),
            'dtype': t[c].dtype.str} for c in t.colnames}
first = {c: (None if np.isnan(v) else float(v)) if t[c].dtype.kind == 'f' else int(v)
         for c, v in zip(t.colnames, t[0])}
json.dump({'hdus': names, 'names': t.colnames, 'cols': cols, 'rows': len(t), 'first': first,
           'HTMID': primary['HTMID'], 'HTMLEVEL': primary['HTMLEVEL'], 'EPOCH': primary['EPOCH'],
           'ra_sum': float(np.sum(t['ra'])), 'g_nan': int(np.sum(np.isnan(t['g_mag'])))},
          sys.stdout)
`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!available)('a refcat shard read by astropy', () => {
  it('has the documented columns, units and values', async () => {
    const sky = { seed: 3, densityPerDeg2: 20_000, magLimit: 24 };
    const rows = refcatShardRows(sky, htmId(7, 53.1, -27.8));
    expect(rows.length).toBeGreaterThan(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-refcat-'));
    dirs.push(dir);
    const file = path.join(dir, 'shard.fits');
    fs.writeFileSync(file, await refcatShardFits(rows, sky.seed));
    const out = JSON.parse(
      execFileSync(REFERENCE_PYTHON, ['-c', SCRIPT, file], { encoding: 'utf8' }),
    ) as {
      hdus: string[];
      names: string[];
      cols: Record<string, { unit: string | null; dtype: string }>;
      rows: number;
      first: Record<string, number | null>;
      HTMID: number;
      HTMLEVEL: number;
      EPOCH: number;
      ra_sum: number;
    };
    expect(out.hdus).toEqual(['PRIMARY', 'REFCAT']);
    expect(out.HTMID).toBe(rows.shard);
    expect(out.HTMLEVEL).toBe(7);
    expect(out.EPOCH).toBe(2016);
    expect(out.rows).toBe(rows.length);
    const expected: Record<string, [string | null, string]> = {
      id: [null, '>i8'],
      ra: ['deg', '>f8'],
      dec: ['deg', '>f8'],
      ra_err: ['mas', '>f4'],
      dec_err: ['mas', '>f4'],
      pm_ra: ['mas / yr', '>f8'],
      pm_dec: ['mas / yr', '>f8'],
      pm_ra_err: ['mas / yr', '>f4'],
      pm_dec_err: ['mas / yr', '>f4'],
      epoch: ['yr', '>f8'],
    };
    for (const b of REFCAT_BANDS) {
      expected[`${b}_mag`] = ['mag', '>f4'];
      expected[`${b}_mag_err`] = ['mag', '>f4'];
    }
    expect(out.names).toEqual(Object.keys(expected));
    for (const [name, [unit, dtype]] of Object.entries(expected))
      expect(out.cols[name], name).toEqual({ unit, dtype });
    expect(out.first.id).toBe(rows.id[0]);
    expect(out.first.ra).toBe(rows.ra[0]);
    expect(out.first.dec).toBe(rows.dec[0]);
    expect(out.first.pm_ra).toBe(rows.pmRa[0]);
    expect(out.first.ra_err).toBe(rows.raErr[0]);
    expect(out.first.r_mag).toBe(rows.mag.r[0]);
    expect(out.ra_sum).toBeCloseTo(
      rows.ra.reduce((s, v) => s + v, 0),
      6,
    );
  });
});
