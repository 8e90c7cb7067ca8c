import { describe, expect, it } from 'vitest';
import { pixToSkyPoint, skyToPixPoint } from '../wcs/index.js';
import { detectorWcs, focalPlane, PIXEL_SIZE_MM } from './focal-plane.js';

/** Great-circle distance, degrees. */
function sep(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const r = Math.PI / 180;
  const c =
    Math.sin(dec1 * r) * Math.sin(dec2 * r) +
    Math.cos(dec1 * r) * Math.cos(dec2 * r) * Math.cos((ra1 - ra2) * r);
  return Math.acos(Math.min(1, c)) / r;
}

describe('focal planes', () => {
  it('places 189 science, 8 guide and 8 half-size wavefront sensors of LSSTCam without overlaps', () => {
    const fp = focalPlane('LSSTCam', { scale: 1 });
    expect(fp.detectors).toHaveLength(205);
    const boxes = fp.detectors.map((p) => {
      const rot = Math.abs(Math.round(p.orientationDeg / 90)) % 2 === 1;
      const w = (rot ? p.geometry.height : p.geometry.width) * PIXEL_SIZE_MM;
      const h = (rot ? p.geometry.width : p.geometry.height) * PIXEL_SIZE_MM;
      return { x: p.centerMm[0], y: p.centerMm[1], w, h, name: p.detector.name };
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap =
          Math.abs(a.x - b.x) < (a.w + b.w) / 2 && Math.abs(a.y - b.y) < (a.h + b.h) / 2;
        expect(overlap, `${a.name} overlaps ${b.name}`).toBe(false);
      }
    }
    const wf = fp.detectors.filter((p) => p.detector.purpose === 'wavefront');
    expect(wf).toHaveLength(8);
    for (const p of wf) expect(p.geometry.height).toBe(2000);
    // The field fits in LSSTCam's ~3.5° diameter.
    const r = Math.max(...boxes.map((b) => Math.hypot(b.x, b.y)));
    expect((r / PIXEL_SIZE_MM) * 0.2).toBeLessThan(1.75 * 3600 * 1.3);
  });

  it('gives ComCam one raft around the boresight and LATISS one detector on it', () => {
    const cc = focalPlane('LSSTComCam', { scale: 1 });
    expect(cc.detectors.map((p) => p.detector.name)).toContain('R22_S11');
    expect(cc.placement(4).centerMm).toEqual([0, 0]);
    const at = focalPlane('LATISS', { scale: 0.5 });
    expect(at.detectors).toHaveLength(1);
    expect(at.pixelScaleArcsec).toBeCloseTo(0.1);
  });

  it('maps the boresight to the pointing and spaces detector centres on the sky by pitch × plate scale', () => {
    const fp = focalPlane('LSSTComCam', { scale: 1 });
    const pointing = { ra: 150, dec: -30, rotationDeg: 37 };
    const centre = fp.placement(4).geometry;
    const wcs4 = detectorWcs(fp, 4, pointing);
    const c4 = pixToSkyPoint(wcs4, (centre.width - 1) / 2, (centre.height - 1) / 2);
    expect(sep(c4.ra, c4.dec, 150, -30) * 3600).toBeLessThan(1e-6);
    const wcs5 = detectorWcs(fp, 5, pointing);
    const c5 = pixToSkyPoint(wcs5, (centre.width - 1) / 2, (centre.height - 1) / 2);
    // 42.25 mm = 4225 px at 0.2″, plus < 0.01 px of distortion this close to the centre.
    expect(sep(c4.ra, c4.dec, c5.ra, c5.dec) * 3600).toBeCloseTo(4225 * 0.2, 0);
    // The same sky point seen by neighbouring detectors is where the focal plane says.
    const p = skyToPixPoint(wcs4, c5.ra, c5.dec, { sipInverse: 'iterate' });
    expect(Math.hypot(p.x - (centre.width - 1) / 2, p.y - (centre.height - 1) / 2)).toBeCloseTo(
      4225,
      1,
    );
  });

  it('shrinks the focal plane with the camera but keeps the pixel scale', () => {
    const full = focalPlane('LSSTCam', { scale: 1 });
    const small = focalPlane('LSSTCam', { scale: 0.125 });
    expect(small.pixelScaleArcsec).toBe(full.pixelScaleArcsec);
    const a = full.placement(0).centerMm;
    const b = small.placement(0).centerMm;
    expect(b[0] / a[0]).toBeCloseTo(small.linearScale, 6);
    expect(small.placement(0).geometry.width).toBe(8 * 64);
  });
});
