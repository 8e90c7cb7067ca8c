import { seededRandom } from '../core/seeded-random.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CelestialWcs } from './celestial-wcs.js';
import { footprint } from './footprint.js';
import { keywordSourceFrom } from './keyword-source.js';
import { makeTanWcs } from './make-tan-wcs.js';
import { readWcs } from './read-wcs.js';
import {
  astropyAvailable,
  runAstropy,
  separationDeg,
  type HeaderRecord,
  type ReferenceResult,
} from './testing/astropy-reference.js';
import { IMAGE_SIZE, randomHeader, type RandomHeaderSpec } from './testing/random-headers.js';
import { toKeywords } from './to-keywords.js';
import { pixToSky, skyToPix } from './transforms.js';

/** Tolerances the brief sets: pix→sky as angular separation, sky→pix in pixels. */
const SKY_TOL_DEG = 1e-8;
const PIX_TOL = 1e-6;
/** astropy all_world2pix stopping tolerance (its default 1e-4 px is far too loose). */
const ASTROPY_WORLD2PIX_TOL = 1e-11;
const POINTS = 500;

interface Case {
  readonly name: string;
  readonly header: HeaderRecord;
  readonly wcs: CelestialWcs;
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly ra: Float64Array;
  readonly dec: Float64Array;
}

const available = astropyAvailable();
if (!available)
  console.warn('skipping astropy.wcs comparisons: /usr/bin/python3 cannot import astropy.wcs');

function buildCases(): Case[] {
  const rand = seededRandom(20261121);
  const specs: Array<[string, RandomHeaderSpec]> = [
    ['TAN with a CD matrix', { crval: [150.3, 30.2], form: 'cd' }],
    ['TAN with PC and CDELT', { crval: [45, -20], form: 'pc' }],
    ['TAN with CDELT and CROTA2', { crval: [200, 10], form: 'crota' }],
    ['TAN with the north pole inside the image', { crval: [123, 89.9], form: 'cd' }],
    [
      'TAN centred on the pole (CRVAL2 = 90, LONPOLE defaults to 0)',
      { crval: [0, 90], form: 'pc' },
    ],
    ['TAN near the south pole', { crval: [300, -89.95], form: 'cd' }],
    ['TAN across RA = 0', { crval: [0.05, -5], form: 'cd' }],
    ['TAN with LONPOLE = 170', { crval: [80, 40], form: 'cd', lonpole: 170 }],
    ['TAN with flipped parity', { crval: [10, 10], form: 'cd', flip: true }],
  ];
  const centres: Array<readonly [number, number]> = [
    [210.5, -33.3],
    [17, 89.9],
    [359.98, 2],
    [95, -89.9],
  ];
  for (let order = 2; order <= 5; order++) {
    for (const inverse of [false, true]) {
      const centre = centres[(order * 2 + (inverse ? 1 : 0)) % centres.length] ?? [0, 0];
      specs.push([
        `TAN-SIP order ${order} ${inverse ? 'with' : 'without'} AP/BP at (${centre.join(', ')})`,
        { crval: centre, form: inverse ? 'pc' : 'cd', sipOrder: order, inverse },
      ]);
    }
  }
  const cases: Case[] = [];
  const randomPixels = (): Float64Array =>
    Float64Array.from({ length: POINTS }, () => -100 + rand() * (IMAGE_SIZE + 200));
  for (const [name, spec] of specs) {
    const header = randomHeader(rand, spec);
    const wcs = readWcs(keywordSourceFrom(header));
    const sky = pixToSky(wcs, randomPixels(), randomPixels());
    cases.push({
      name,
      header,
      wcs,
      px: randomPixels(),
      py: randomPixels(),
      ra: sky.ra,
      dec: sky.dec,
    });
  }
  // The writer: astropy reads what toKeywords writes and must agree with our reader.
  const sipCase = cases.find((c) => c.name.startsWith('TAN-SIP order 4 with AP/BP'));
  if (sipCase !== undefined) {
    const header = Object.fromEntries(toKeywords(sipCase.wcs).map(([k, v]) => [k, v]));
    const wcs = readWcs(keywordSourceFrom(header));
    cases.push({ ...sipCase, name: 'TAN-SIP with AP/BP written by toKeywords', header, wcs });
  }
  // The simulator's helper against astropy reading the equivalent CROTA2 header.
  const made = makeTanWcs({
    crval: [250, 60],
    crpix: [1000, 1500],
    scaleArcsecPerPx: 0.7,
    rotationDeg: 33,
  });
  const s = 0.7 / 3600;
  cases.push({
    name: 'makeTanWcs against a CDELT + CROTA2 header',
    header: {
      CTYPE1: 'RA---TAN',
      CTYPE2: 'DEC--TAN',
      CRPIX1: 1001,
      CRPIX2: 1501,
      CRVAL1: 250,
      CRVAL2: 60,
      CDELT1: -s,
      CDELT2: s,
      CROTA2: 33,
    },
    wcs: made,
    px: randomPixels(),
    py: randomPixels(),
    ...pixToSky(made, randomPixels(), randomPixels()),
  });
  return cases;
}

function maxPixError(
  ours: { x: Float64Array; y: Float64Array },
  ref: { x: Array<number | null>; y: Array<number | null> },
): number {
  let worst = 0;
  ours.x.forEach((x, i) => {
    const rx = ref.x[i];
    const ry = ref.y[i];
    if (rx === null || rx === undefined || ry === null || ry === undefined) {
      worst = Infinity;
      return;
    }
    worst = Math.max(worst, Math.abs(x - rx), Math.abs((ours.y[i] as number) - ry));
  });
  return worst;
}

describe.skipIf(!available)(
  'celestial transforms agree with astropy.wcs (skipped without astropy)',
  () => {
    const cases = buildCases();
    let results: ReferenceResult[] = [];
    let version = '';
    const report: string[] = [];
    beforeAll(() => {
      const out = runAstropy(
        cases.map((c) => ({
          header: c.header,
          pix: { x: Array.from(c.px), y: Array.from(c.py) },
          sky: { ra: Array.from(c.ra), dec: Array.from(c.dec) },
          footprint: [IMAGE_SIZE, IMAGE_SIZE] as const,
        })),
        ASTROPY_WORLD2PIX_TOL,
      );
      results = out.cases;
      version = out.astropy;
      return () => {
        console.log(
          `astropy ${version}, ${cases.length} headers × ${POINTS} points each way:\n${report.join('\n')}`,
        );
      };
    });

    cases.forEach((c, k) => {
      it(`pixel to sky matches all_pix2world within 1e-8 deg: ${c.name}`, () => {
        const ref = results[k]!;
        const ours = pixToSky(c.wcs, c.px, c.py);
        let worst = 0;
        for (let i = 0; i < POINTS; i++) {
          const d = separationDeg(
            ours.ra[i]!,
            ours.dec[i]!,
            ref.pix2world.ra[i]!,
            ref.pix2world.dec[i]!,
          );
          worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
          expect(ours.ra[i]).toBeGreaterThanOrEqual(0);
          expect(ours.ra[i]).toBeLessThan(360);
        }
        report.push(`  ${c.name}: pix→sky max ${worst.toExponential(2)} deg`);
        expect(worst).toBeLessThan(SKY_TOL_DEG);
      });

      it(`sky to pixel matches astropy within 1e-6 px: ${c.name}`, () => {
        const ref = results[k]!;
        const ours = skyToPix(c.wcs, c.ra, c.dec);
        const hasInverse = c.wcs.sip?.ap !== undefined;
        // With AP/BP, skyToPix applies them (as the SIP convention says); astropy's
        // all_world2pix ignores AP/BP, so compare with its wcs_world2pix + sip_foc2pix chain.
        const worst = maxPixError(ours, hasInverse ? ref.world2pixPoly! : ref.world2pix);
        report.push(
          `  ${c.name}: sky→pix max ${worst.toExponential(2)} px${hasInverse ? ' (AP/BP)' : ''}`,
        );
        expect(worst).toBeLessThan(PIX_TOL);
      });

      if (c.wcs.sip?.ap !== undefined) {
        it(`sky to pixel by Newton iteration matches all_world2pix even when AP/BP exist: ${c.name}`, () => {
          const ours = skyToPix(c.wcs, c.ra, c.dec, { sipInverse: 'iterate' });
          const worst = maxPixError(ours, results[k]!.world2pix);
          report.push(`  ${c.name}: sky→pix (iterate) max ${worst.toExponential(2)} px`);
          expect(worst).toBeLessThan(PIX_TOL);
          // The AP/BP of these headers are deliberately imperfect inverses, so the two
          // astropy references differ: each comparison above really tells the paths apart.
          expect(maxPixError(ours, results[k]!.world2pixPoly!)).toBeGreaterThan(1e-3);
        });
      }

      it(`footprint matches calc_footprint at corner centres and at outer corners: ${c.name}`, () => {
        const refs = [results[k]!.footprint!, results[k]!.footprintEdges!];
        [true, false].forEach((center, j) => {
          const ref = refs[j]!;
          const ours = footprint(c.wcs, IMAGE_SIZE, IMAGE_SIZE, { center });
          for (let i = 0; i < 4; i++) {
            expect(separationDeg(ours.ra[i]!, ours.dec[i]!, ref.ra[i]!, ref.dec[i]!)).toBeLessThan(
              SKY_TOL_DEG,
            );
          }
        });
      });
    });
  },
);
