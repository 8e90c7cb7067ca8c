import { describe, expect, it } from 'vitest';
import { truthTracks, type TruthTransient } from './match-truth.js';
import { formatNightScore, scoreNight, scoreVisitDetector } from './score-dia.js';

const t = (id: string, x: number, y: number, fluxE: number, extra = {}): TruthTransient => ({
  kind: id.split('-')[0]!,
  id,
  ra: 150 + x / 36_000,
  dec: -30 + y / 36_000,
  x,
  y,
  mag: 25 - 2.5 * Math.log10(fluxE),
  fluxE,
  ...extra,
});

describe('scoring DIA sources against the truth', () => {
  // snap 0 and snap 1: a new source, a brightening variable, a mover, a fading variable
  const snaps = [
    [
      t('new-1', 10, 10, 500),
      t('var-2', 50, 50, 400, { templateMag: 25 - 2.5 * Math.log10(200) }),
      t('sso-3', 100, 100, 300),
      t('var-4', 150, 20, 100, { templateMag: 25 - 2.5 * Math.log10(300) }),
    ],
    [
      t('new-1', 10, 10, 500),
      t('var-2', 50, 50, 400, { templateMag: 25 - 2.5 * Math.log10(200) }),
      t('sso-3', 110, 100, 300),
      t('var-4', 150, 20, 100, { templateMag: 25 - 2.5 * Math.log10(300) }),
    ],
  ];
  const tracks = truthTracks(snaps);

  it('adds each track over its snaps, less what the template shows', () => {
    const byId = new Map(tracks.map((k) => [k.id, k]));
    expect(byId.get('new-1')?.diffFluxE).toBeCloseTo(1000, 6);
    expect(byId.get('var-2')?.diffFluxE).toBeCloseTo(400, 6);
    expect(byId.get('var-4')?.diffFluxE).toBeCloseTo(-400, 6);
  });

  it('matches nearest first, anywhere on a mover’s path, with the sign of the change', () => {
    const sources = {
      length: 5,
      x: [10.1, 52, 105, 150, 200],
      y: [10, 50, 100.2, 20, 200],
      ra: [150 + 10.1 / 36_000, 0, 150 + 105 / 36_000, 0, 0],
      dec: [-30 + 10 / 36_000, 0, -30 + 100.2 / 36_000, 0, 0],
      apFlux: [1000, 400, 600, 350, 50],
      apFluxErr: [10, 10, 10, 10, 10],
    };
    const s = scoreVisitDetector(sources, tracks);
    const byId = new Map(s.transients.map((r) => [r.id, r]));
    expect(byId.get('new-1')).toMatchObject({ found: true, fluxRatio: 1, expectedSnr: 100 });
    expect(byId.get('new-1')?.offsetPx).toBeCloseTo(0.1, 9);
    expect(byId.get('new-1')?.offsetMas).toBeCloseTo(10 * Math.cos(Math.PI / 6), 2); // 0.1″ of ra at −30°
    expect(byId.get('var-2')).toMatchObject({ found: true, offsetPx: 2 });
    expect(byId.get('sso-3')?.found).toBe(true);
    expect(byId.get('sso-3')?.offsetPx).toBeCloseTo(0.2, 9);
    // a brightening where the truth faded is not a detection of it
    expect(byId.get('var-4')?.found).toBe(false);
    // only the source at (200, 200) has no truth under it; the wrong-signed one has
    expect(s.falseSources).toBe(1);

    const night = scoreNight([s, s]);
    expect(night).toMatchObject({ visitDetectors: 2, transients: 8, found: 6 });
    expect(night.completenessSnr10).toBeCloseTo(6 / 8, 9);
    expect(night.falsePerVisitDetector).toBe(1);
    expect(night.bySnr.reduce((n, b) => n + b.total, 0)).toBe(8);
  });

  it('counts what the reliability cut keeps: purity, completeness at S/N ≥ 10, false sources', () => {
    const sources = {
      length: 5,
      x: [10.1, 52, 105, 150, 200],
      y: [10, 50, 100.2, 20, 200],
      ra: [0, 0, 0, 0, 0],
      dec: [0, 0, 0, 0, 0],
      apFlux: [1000, 400, 600, 350, 50],
      apFluxErr: [10, 10, 10, 10, 10],
      // new-1 kept, var-2 cut (NaN is cut too), sso-3 kept; the false one kept
      reliability: [0.9, 0.2, 0.5, NaN, 0.7],
    };
    const s = scoreVisitDetector(sources, tracks);
    expect(s.reliable).toEqual({ kept: 3, falseKept: 1 });
    const without = scoreVisitDetector({ ...sources, reliability: undefined }, tracks);
    expect(without.reliable).toBeUndefined();
    const night = scoreNight([s, without]);
    // only the visit-detector with the column counts
    expect(night.reliability).toEqual({
      threshold: 0.5,
      visitDetectors: 1,
      diaSources: 5,
      kept: 3,
      purity: 2 / 3,
      completenessSnr10: 2 / 4,
      falsePerVisitDetector: 1,
      falsePerVisitDetectorBefore: 1,
    });
    expect(formatNightScore(night)).toContain('reliability ≥ 0.5: 3/5 DIA sources kept');
    expect(scoreNight([without]).reliability).toBeUndefined();
  });
});
