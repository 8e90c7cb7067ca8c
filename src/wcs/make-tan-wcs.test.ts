import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { makeTanWcs } from './make-tan-wcs.js';
import { pixToSkyPoint } from './transforms.js';

describe('makeTanWcs', () => {
  const spec = { crval: [150, 0] as const, crpix: [1000, 1000] as const, scaleArcsecPerPx: 0.5 };

  it('puts north up and east left when the rotation is 0', () => {
    const w = makeTanWcs({ ...spec, rotationDeg: 0 });
    expect(w.crpix).toEqual([1001, 1001]);
    const up = pixToSkyPoint(w, 1000, 1100);
    const left = pixToSkyPoint(w, 900, 1000);
    expect(up.dec - 0).toBeCloseTo((100 * 0.5) / 3600, 9);
    expect(left.ra - 150).toBeCloseTo((100 * 0.5) / 3600, 9);
  });

  it('turns north counter-clockwise by the rotation, and east to the right when flipped', () => {
    const w = makeTanWcs({ ...spec, rotationDeg: 90 });
    // North now points along −x.
    expect(pixToSkyPoint(w, 900, 1000).dec).toBeCloseTo((100 * 0.5) / 3600, 9);
    const f = makeTanWcs({ ...spec, rotationDeg: 0, flipX: true });
    expect(pixToSkyPoint(f, 1100, 1000).ra - 150).toBeCloseTo((100 * 0.5) / 3600, 9);
  });

  it('has the requested pixel scale', () => {
    const w = makeTanWcs({ ...spec, rotationDeg: 37 });
    expect(Math.abs(w.cd[0] * w.cd[3] - w.cd[1] * w.cd[2])).toBeCloseTo((0.5 / 3600) ** 2, 18);
  });

  it('rejects a scale that is not positive', () => {
    let err: unknown;
    try {
      makeTanWcs({ ...spec, scaleArcsecPerPx: 0, rotationDeg: 0 });
    } catch (e) {
      err = e;
    }
    expect(isPromptlyError(err, 'PROMPTLY_E_WCS_INVALID')).toBe(true);
  });
});
