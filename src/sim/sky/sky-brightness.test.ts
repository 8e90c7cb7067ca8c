import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { plannedVisit } from '../night-plan.js';
import { SimCamera } from '../sim-camera.js';
import { simCameraOptions } from '../sim-options.js';
import { BANDS, DARK_SKY_MAG, skyElectrons } from '../photometry.js';
import { skyBrightness } from './sky-brightness.js';

/**
 * Rubin's published dark-sky fiducials (SMTN-002, syseng_throughputs v1.9; rubin_sim
 * SysEngVals.sky_mag), AB mag/arcsec², and the counts per 0.2″ pixel in a 30 s visit that
 * follow from them with SMTN-002's zero points (Zp_t, e⁻/s).
 */
const FIDUCIAL_MAG = { u: 23.05, g: 22.25, r: 21.2, i: 20.46, z: 19.61, y: 18.6 } as const;
const FIDUCIAL_ZP = { u: 26.52, g: 28.51, r: 28.36, i: 28.17, z: 27.78, y: 26.82 } as const;
const fiducialSkyE30 = (b: (typeof BANDS)[number]): number =>
  Math.pow(10, -0.4 * (FIDUCIAL_MAG[b] - FIDUCIAL_ZP[b])) * 0.04 * 30;

const dark = {
  targetAltDeg: 90,
  sunAltDeg: -30,
  moonAltDeg: -20,
  moonPhaseAngleDeg: 0,
  moonSeparationDeg: 90,
};

describe('sky brightness', () => {
  it('puts the dark zenith sky of every band within 15 % of Rubin’s fiducial counts (e⁻ per pixel in 30 s)', () => {
    const rows: string[] = [];
    for (const band of BANDS) {
      const mag = skyBrightness({ ...dark, band }).magPerArcsec2;
      const e = skyElectrons(band, 30, 0.2, mag);
      const ratio = e / fiducialSkyE30(band);
      rows.push(
        `${band}: ${mag.toFixed(2)} mag/″², ${e.toFixed(0)} e⁻ vs ${fiducialSkyE30(band).toFixed(0)} (×${ratio.toFixed(3)})`,
      );
      expect(Math.abs(ratio - 1)).toBeLessThan(0.15);
      expect(Math.abs(mag - DARK_SKY_MAG[band]!)).toBeLessThan(1e-9);
    }
    console.info(rows.join('\n'));
  });

  it('renders a dark-time visit of every band with the fiducial sky level (within 15 %) through the camera', async () => {
    const camera = new SimCamera(
      simCameraOptions(
        'LSSTComCam',
        loadConfig({ overrides: { sim: { scale: 0.02, transientsPerDetector: 0 } } }).sim,
      ),
    );
    for (const band of BANDS) {
      const visit = plannedVisit(
        {
          ...loadConfig({}).sim,
          instrument: 'LSSTComCam',
          visits: 1,
          bands: [band],
          survey: 'dark',
          readoutS: 2,
        },
        0,
      );
      const conditions = {
        ...visit.conditions!,
        altDeg: 85,
        sunAltDeg: -30,
        moon: { ...visit.conditions!.moon, altDeg: -20 },
        skyMagPerArcsec2: skyBrightness({ ...dark, band, targetAltDeg: 85 }).magPerArcsec2,
      };
      const raw = await camera.raw({ ...visit, band, conditions }, 4, 0, visit.startMs, 1);
      const expected = fiducialSkyE30(band) * (visit.exposureTimeS / 30);
      expect(Math.abs(raw.truth.skyE / expected - 1), band).toBeLessThan(0.15);
    }
  });

  it('brightens toward the horizon, near a bright Moon (blue bands most) and in twilight', () => {
    const r = (o: Partial<typeof dark>) =>
      skyBrightness({ ...dark, band: 'r', ...o }).magPerArcsec2;
    expect(r({ targetAltDeg: 35 })).toBeLessThan(r({}));
    const fullMoon = {
      moonAltDeg: 50,
      moonPhaseAngleDeg: 5,
      moonSeparationDeg: 45,
      targetAltDeg: 60,
    };
    const brightening = (band: string) =>
      skyBrightness({ ...dark, band, targetAltDeg: 60 }).magPerArcsec2 -
      skyBrightness({ ...dark, ...fullMoon, band }).magPerArcsec2;
    // Full Moon 45° away: V ≈ 18.5–19 (K&S 1991 fig. 3); u and g brighten by several mag, y by ~1.
    console.info(
      `full Moon 45° away brightens: ${BANDS.map((b) => `${b} ${brightening(b).toFixed(2)}`).join(', ')} mag`,
    );
    expect(brightening('u')).toBeGreaterThan(3);
    expect(brightening('g')).toBeGreaterThan(brightening('r'));
    expect(brightening('y')).toBeLessThan(1.5);
    expect(
      skyBrightness({ ...dark, ...fullMoon, moonPhaseAngleDeg: 150, band: 'g' }).moonMag,
    ).toBeGreaterThan(skyBrightness({ ...dark, ...fullMoon, band: 'g' }).moonMag + 3);
    expect(r({ sunAltDeg: -12 })).toBeLessThan(r({}) - 0.5);
    expect(r({ sunAltDeg: -18 })).toBeGreaterThan(r({}) - 0.15);
  });
});
