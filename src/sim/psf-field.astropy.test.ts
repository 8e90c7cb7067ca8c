import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonHas, REFERENCE_PYTHON } from '../testing/reference-python.js';
import { plannedVisit, type NightPlanOptions, type PlannedVisit } from './night-plan.js';
import { EFFECTIVE_WAVELENGTH_NM } from './photometry.js';
import { SimCamera } from './sim-camera.js';

const HELPER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'psf-fwhm.py');
const astropy = pythonHas('astropy', 'numpy', 'scipy');
if (!astropy) console.warn('Debian python3 with astropy/scipy missing: PSF measurements skipped');

interface Measured {
  path: string;
  stars: number;
  bright: number;
  fwhm_px: number;
  ellipticity: number;
  angle_deg: number;
}

function plan(instrument: string): NightPlanOptions {
  return {
    instrument,
    visits: 0,
    cadenceS: 35,
    exposureTimeS: 30,
    snaps: 2,
    readoutS: 2,
    bands: ['g', 'r', 'i', 'z'],
    survey: 'TEST',
    seed: 3,
  };
}

function camera(instrument: string): SimCamera {
  return new SimCamera({
    instrument,
    seed: 3,
    scale: 1,
    starDensityPerDeg2: 40_000,
    magLimit: 24,
    transientsPerDetector: 0,
    cosmicRatePerCm2S: 0,
  });
}

/** The textbook delivered seeing: zenith seeing at 500 nm × X^0.6 × (λ/500 nm)^−0.2, ″. */
function expectedSeeingArcsec(v: PlannedVisit): number {
  const c = v.conditions!;
  const lambda = EFFECTIVE_WAVELENGTH_NM[v.band]!;
  return c.zenithSeeingArcsec * Math.pow(c.airmass, 0.6) * Math.pow(lambda / 500, -0.2);
}

/** An ellipticity (1 − b/a) and major-axis angle (degrees) as a spin-2 vector. */
function spin2(e: number, angleDeg: number): readonly [number, number] {
  const t = (2 * angleDeg * Math.PI) / 180;
  return [e * Math.cos(t), e * Math.sin(t)];
}

describe.skipIf(!astropy)('the PSF of rendered raws, measured with astropy', () => {
  let dir: string;
  const raws: {
    label: string;
    file: string;
    visit: PlannedVisit;
    truthFwhmPx: number;
    truthE: readonly [number, number];
  }[] = [];
  let measured: Map<string, Measured>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptly-psf-'));
    const add = async (label: string, cam: SimCamera, visit: PlannedVisit, detector: number) => {
      const raw = await cam.raw(visit, detector, 0, visit.startMs, 1);
      const file = path.join(dir, `${label}.fits`);
      fs.writeFileSync(file, raw.bytes);
      const p = raw.truth.psf!;
      raws.push({
        label,
        file,
        visit,
        truthFwhmPx: raw.truth.psfFwhmPx,
        truthE: spin2(p.ellipticity, p.positionAngleDeg),
      });
    };
    const comCam = camera('LSSTComCam');
    // The centre detector (R22_S11) in two visits of different band and air mass.
    const visits = Array.from({ length: 300 }, (_, k) => plannedVisit(plan('LSSTComCam'), k));
    const first = visits[0]!;
    // Another band, and the air mass furthest from the first's.
    const other = visits
      .filter((v) => v.band !== first.band)
      .sort(
        (a, b) =>
          Math.abs(b.conditions!.airmass - first.conditions!.airmass) -
          Math.abs(a.conditions!.airmass - first.conditions!.airmass),
      )[0]!;
    await add('centre-1', comCam, first, 4);
    await add('centre-2', comCam, other, 4);
    // Two corners of LSSTCam's science array: R01_S00 (x −, y −) and R03_S02 (x +, y −).
    const lsstCam = camera('LSSTCam');
    const v = plannedVisit(plan('LSSTCam'), 0);
    await add('corner-R01_S00', lsstCam, v, 0);
    await add('corner-R03_S02', lsstCam, v, 20);
    await add('centre-R22_S11', lsstCam, v, 94);
    const out = JSON.parse(
      execFileSync(REFERENCE_PYTHON, [HELPER, ...raws.map((r) => r.file)], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      }),
    ) as { raws: Measured[] };
    measured = new Map(out.raws.map((m, k) => [raws[k]!.label, m]));
  }, 180_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('follows seeing × airmass^0.6 × (λ/500 nm)^−0.2 within 5 % at the centre of the field', () => {
    for (const label of ['centre-1', 'centre-2']) {
      const r = raws.find((x) => x.label === label)!;
      const m = measured.get(label)!;
      expect(m.stars, label).toBeGreaterThanOrEqual(10);
      const fwhmArcsec = m.fwhm_px * 0.2;
      const expected = expectedSeeingArcsec(r.visit);
      console.info(
        `${label}: X ${r.visit.conditions!.airmass.toFixed(3)}, zenith ` +
          `${r.visit.conditions!.zenithSeeingArcsec.toFixed(3)}″ → expected ${expected.toFixed(3)}″, ` +
          `measured ${fwhmArcsec.toFixed(3)}″ on ${m.stars} stars ` +
          `(${((fwhmArcsec / expected - 1) * 100).toFixed(1)} %), truth ${(r.truthFwhmPx * 0.2).toFixed(3)}″`,
      );
      expect(Math.abs(fwhmArcsec / expected - 1)).toBeLessThan(0.05);
      expect(Math.abs(m.fwhm_px / r.truthFwhmPx - 1)).toBeLessThan(0.03);
    }
  });

  it('is broader and differently elongated in two corners of LSSTCam than at its centre', () => {
    const centre = measured.get('centre-R22_S11')!;
    const a = measured.get('corner-R01_S00')!;
    const b = measured.get('corner-R03_S02')!;
    console.info(
      `LSSTCam FWHM centre ${(centre.fwhm_px * 0.2).toFixed(3)}″ e ${centre.ellipticity.toFixed(3)}; ` +
        `R01_S00 ${(a.fwhm_px * 0.2).toFixed(3)}″ e ${a.ellipticity.toFixed(3)} at ${a.angle_deg.toFixed(0)}°; ` +
        `R03_S02 ${(b.fwhm_px * 0.2).toFixed(3)}″ e ${b.ellipticity.toFixed(3)} at ${b.angle_deg.toFixed(0)}°`,
    );
    for (const m of [centre, a, b]) expect(m.stars).toBeGreaterThanOrEqual(10);
    for (const m of [a, b]) expect(m.bright).toBeGreaterThanOrEqual(8);
    expect(a.fwhm_px / centre.fwhm_px).toBeGreaterThan(1.06);
    expect(b.fwhm_px / centre.fwhm_px).toBeGreaterThan(1.06);
    // Each corner's measured elongation is its truth's; the two corners' differ.
    const ea = spin2(a.ellipticity, a.angle_deg);
    const eb = spin2(b.ellipticity, b.angle_deg);
    const ta = raws.find((r) => r.label === 'corner-R01_S00')!.truthE;
    const tb = raws.find((r) => r.label === 'corner-R03_S02')!.truthE;
    console.info(
      `truth e R01_S00 (${ta.map((x) => x.toFixed(3)).join(', ')}), measured (${ea.map((x) => x.toFixed(3)).join(', ')}); ` +
        `R03_S02 (${tb.map((x) => x.toFixed(3)).join(', ')}), measured (${eb.map((x) => x.toFixed(3)).join(', ')})`,
    );
    expect(Math.hypot(ea[0] - ta[0], ea[1] - ta[1])).toBeLessThan(0.01);
    expect(Math.hypot(eb[0] - tb[0], eb[1] - tb[1])).toBeLessThan(0.01);
    expect(Math.hypot(ea[0] - eb[0], ea[1] - eb[1])).toBeGreaterThan(0.04);
  });
});
