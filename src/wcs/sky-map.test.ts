import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { makeTanWcs } from './make-tan-wcs.js';
import { checkSkyMapSpec, SkyMap } from './sky-map.js';
import { pixToSkyPoint, skyToPix } from './transforms.js';

const map = new SkyMap({ name: 'test-4k', stepPx: 4096, pixelScaleArcsec: 0.2 });

describe('SkyMap', () => {
  it('finds every patch again by its id, with the same centre and WCS', () => {
    for (const [j, i] of [
      [0, 0],
      [-130, 7],
      [390, 0],
      [-390, 3],
    ] as const) {
      const p = map.patch(j, i);
      const again = map.patchById(p.id);
      expect(again).toEqual(p);
      expect(again.wcs.crval).toEqual([p.ra, p.dec]);
    }
    expect(() => map.patchById(-1)).toThrow();
    expect(() => map.patchById(100_000 * 1_000_000 + 999_999)).toThrow();
  });

  it('covers every pixel of a detector-sized image with patches that contain it', () => {
    // A 4k detector anywhere, rotated: every sampled pixel falls inside one of its patches.
    for (const [ra, dec, rot] of [
      [10, -30, 17],
      [359.99, 0.01, 90],
      [200, -89, 45],
    ] as const) {
      const wcs = makeTanWcs({
        crval: [ra, dec],
        crpix: [2047.5, 2047.5],
        scaleArcsecPerPx: 0.2,
        rotationDeg: rot,
      });
      const patches = map.patchesForImage(wcs, 4096, 4096);
      expect(patches.length).toBeGreaterThan(0);
      for (let k = 0; k < 50; k++) {
        const x = ((k * 37) % 50) * 81.9;
        const y = ((k * 11) % 50) * 81.9;
        const at = pixToSkyPoint(wcs, x, y);
        const inside = patches.some((p) => {
          const q = skyToPix(p.wcs, Float64Array.of(at.ra), Float64Array.of(at.dec));
          const [px, py] = [q.x[0]!, q.y[0]!];
          return px >= 0 && py >= 0 && px <= p.sizePx - 1 && py <= p.sizePx - 1;
        });
        expect(inside, `pixel (${x}, ${y}) at ${ra}, ${dec}`).toBe(true);
      }
    }
  });

  it('refuses a spec from outside that is out of bounds', () => {
    expect(checkSkyMapSpec({ name: 'a', stepPx: 4096, pixelScaleArcsec: 0.2 })).toEqual({
      name: 'a',
      stepPx: 4096,
      pixelScaleArcsec: 0.2,
    });
    for (const bad of [
      null,
      { name: 'a b', stepPx: 4096, pixelScaleArcsec: 0.2 },
      { name: 'a', stepPx: 4, pixelScaleArcsec: 0.2 },
      { name: 'a', stepPx: 4096.5, pixelScaleArcsec: 0.2 },
      { name: 'a', stepPx: 4096, pixelScaleArcsec: 0 },
    ]) {
      let err: unknown;
      try {
        checkSkyMapSpec(bad);
      } catch (e) {
        err = e;
      }
      expect(isPromptlyError(err, 'PROMPTLY_E_WCS_INVALID')).toBe(true);
    }
  });
});
