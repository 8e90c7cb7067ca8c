import { describe, expect, it } from 'vitest';
import { makeSipPolynomial, makeTanWcs, pixToSky, type CelestialWcs } from '../../wcs/index.js';
import { createWcs } from '../../wcs/index.js';
import { deproject, fitTanSip, project } from './fit-tan-sip.js';
import { matchStars } from './match-stars.js';

/** Largest separation of two WCSs over a 2000 × 2000 detector, mas. */
function worstMas(a: CelestialWcs, b: CelestialWcs): number {
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j <= 10; j++)
    for (let i = 0; i <= 10; i++) {
      x.push(i * 199.9);
      y.push(j * 199.9);
    }
  const sa = pixToSky(a, Float64Array.from(x), Float64Array.from(y));
  const sb = pixToSky(b, Float64Array.from(x), Float64Array.from(y));
  let worst = 0;
  for (let k = 0; k < x.length; k++) {
    const p = project(sb.ra[k]!, sb.dec[k]!, sa.ra[k]!, sa.dec[k]!);
    worst = Math.max(worst, Math.hypot(p.xi, p.eta) * 3.6e6);
  }
  return worst;
}

const truth = createWcs({
  crpix: [1000.5, 1000.5],
  crval: [150.01, -30.02],
  linear: { kind: 'cd', cd: [-5.55e-5, 1.1e-7, 1.2e-7, 5.56e-5] },
  sip: {
    a: makeSipPolynomial(2, [
      [2, 0, 2e-6],
      [0, 2, -1e-6],
    ]),
    b: makeSipPolynomial(2, [[1, 1, 1.5e-6]]),
  },
});
// what the telescope reported: 1.5″ off, no distortion
const header = makeTanWcs({
  crval: [150.01 + 1.5 / 3600, -30.02],
  crpix: [999.5, 999.5],
  scaleArcsecPerPx: 0.2,
  rotationDeg: 0,
});

function stars(n: number, seed = 1): { x: number[]; y: number[]; ra: number[]; dec: number[] } {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const x = Array.from({ length: n }, () => rnd() * 1999);
  const y = Array.from({ length: n }, () => rnd() * 1999);
  const sky = pixToSky(truth, Float64Array.from(x), Float64Array.from(y));
  return { x, y, ra: Array.from(sky.ra), dec: Array.from(sky.dec) };
}

describe('TAN-SIP fit', () => {
  it('projects and deprojects on the tangent plane', () => {
    const p = project(150.3, -29.8, 150, -30);
    const back = deproject(p.xi, p.eta, 150, -30);
    expect(back.ra).toBeCloseTo(150.3, 10);
    expect(back.dec).toBeCloseTo(-29.8, 10);
  });

  it('recovers a distorted WCS from exact positions to micro-arcseconds', () => {
    const s = stars(60);
    const fit = fitTanSip({ ...s, guess: header, order: 2 });
    expect(fit.used).toBe(60);
    expect(fit.rmsMas).toBeLessThan(0.01);
    expect(worstMas(fit.wcs, truth)).toBeLessThan(0.05);
  });

  it('clips a false match, and with three stars fits the pointing offset only', () => {
    const s = stars(40, 7);
    s.ra[3] = s.ra[3]! + 2 / 3600; // a wrong match, 2″ away
    const fit = fitTanSip({ ...s, guess: header, order: 2 });
    expect(fit.usedMask[3]).toBe(0);
    expect(worstMas(fit.wcs, truth)).toBeLessThan(0.05);

    const few = stars(3, 9);
    expect(() => fitTanSip({ ...few, guess: header, order: 1 })).toThrow(/cannot fit/);
    const shift = fitTanSip({ ...few, guess: header, order: 0 });
    // the header's scale and lack of distortion remain; the 1.5″ offset is gone at the centre
    const centre = pixToSky(shift.wcs, Float64Array.of(1000), Float64Array.of(1000));
    const truthCentre = pixToSky(truth, Float64Array.of(1000), Float64Array.of(1000));
    const off = project(centre.ra[0]!, centre.dec[0]!, truthCentre.ra[0]!, truthCentre.dec[0]!);
    expect(Math.hypot(off.xi, off.eta) * 3600).toBeLessThan(0.3);
  });

  it('matches stars through a guess that is arcseconds off by an offset vote', () => {
    const s = stars(80, 3);
    // references placed by a header WCS 1.5″ (7.5 px) off
    const refPix = { x: s.x.map((v) => v - 7.5), y: s.y.map((v) => v + 0.3) };
    const m = matchStars(
      { x: s.x, y: s.y, brightness: s.x.map((_, k) => 1000 - k) },
      { ...refPix, brightness: s.x.map((_, k) => 15 + k * 0.05) },
      { searchPx: 50 },
    );
    expect(m.detection.length).toBe(80);
    expect(m.dx).toBeCloseTo(7.5, 6);
    expect(m.dy).toBeCloseTo(-0.3, 6);
    for (let i = 0; i < m.detection.length; i++) expect(m.reference[i]).toBe(m.detection[i]);
  });
});
