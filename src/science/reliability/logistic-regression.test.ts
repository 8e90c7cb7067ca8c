import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../../core/errors.js';
import { REFERENCE_PYTHON } from '../../testing/reference-python.js';
import { makeGauss, makeRng } from '../testing/synth.js';
import { rocAuc, thresholdStats } from './classifier-metrics.js';
import { fitLogistic, predictLogistic } from './logistic-regression.js';
import { RELIABILITY_FEATURES } from './reliability-features.js';
import { parseReliabilityModel, reliabilityModelOf, reliabilityOf } from './reliability-model.js';

const SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'testing',
  'logistic-reference.py',
);

function scipyAvailable(): boolean {
  try {
    execFileSync(REFERENCE_PYTHON, ['-c', 'import scipy.optimize, scipy.stats'], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}
const haveScipy = scipyAvailable();
if (!haveScipy)
  console.warn('python3-scipy missing under /usr/bin/python3: logistic reference test skipped');

/**
 * Two classes in `m` features: feature 0 and 1 carry the class (means ±`gap`/2, unit σ),
 * the rest is noise with scales far apart (standardisation must even them out).
 */
function problem(seed: number, n: number, m: number, gap: number) {
  const gauss = makeGauss(makeRng(seed));
  const x: Float64Array[] = [];
  const y: number[] = [];
  for (let r = 0; r < n; r++) {
    const label = r % 2;
    const row = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const shift = i < 2 ? (label ? gap / 2 : -gap / 2) : 0;
      row[i] = (shift + gauss()) * 10 ** (i % 4) + 3 * i;
    }
    x.push(row);
    y.push(label);
  }
  return { x, y };
}

describe('logistic regression of the reliability model', () => {
  it('learns a separable problem and scores held-out examples right', () => {
    const train = problem(1, 400, 5, 8);
    const test = problem(2, 400, 5, 8);
    const fit = fitLogistic(train.x, train.y, { l2: 1 });
    const scores = test.x.map((x) => predictLogistic(fit, x));
    expect(rocAuc(scores, test.y)).toBeGreaterThan(0.999);
    const cut = thresholdStats(scores, test.y, 0.5);
    expect(cut.purity).toBeGreaterThan(0.99);
    expect(cut.completeness).toBeGreaterThan(0.99);
    // the informative features weigh, the noise does not
    expect(fit.weights[0]).toBeGreaterThan(1);
    expect(fit.weights[1]).toBeGreaterThan(1);
    for (const w of fit.weights.slice(2)) expect(Math.abs(w)).toBeLessThan(0.5);
  });

  it('gives the same weights for the same data, bit for bit', () => {
    const { x, y } = problem(3, 200, 4, 2);
    expect(fitLogistic(x, y)).toEqual(fitLogistic(x, y));
  });

  it('refuses what it cannot fit', () => {
    expect(() => fitLogistic([], [])).toThrow(RangeError);
    expect(() => fitLogistic([Float64Array.of(1)], [2])).toThrow(/not 0 or 1/);
    expect(() => fitLogistic([Float64Array.of(NaN)], [1])).toThrow(/not finite/);
    expect(() => fitLogistic([Float64Array.of(1)], [1], { l2: 0 })).toThrow(/l2/);
  });

  it('computes the ROC AUC with ties counted half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(rocAuc([0.5, 0.6], [1, 1])).toBeNaN();
  });

  it.skipIf(!haveScipy)(
    'matches scipy’s L-BFGS-B on the same penalised objective to 1e-5, and scipy’s Mann–Whitney AUC to 1e-12',
    () => {
      const { x, y } = problem(4, 300, 4, 1.5);
      const l2 = 2.5;
      const fit = fitLogistic(x, y, { l2 });
      const ref = JSON.parse(
        execFileSync(REFERENCE_PYTHON, [SCRIPT], {
          input: JSON.stringify({ x: x.map((r) => Array.from(r)), y, l2 }),
        }).toString(),
      ) as { weights: number[]; intercept: number; auc: number };
      fit.weights.forEach((w, i) => expect(Math.abs(w - ref.weights[i]!)).toBeLessThan(1e-5));
      expect(Math.abs(fit.intercept - ref.intercept)).toBeLessThan(1e-5);
      const scores = x.map((r) => predictLogistic(fit, r));
      expect(Math.abs(rocAuc(scores, y) - ref.auc)).toBeLessThan(1e-12);
    },
  );
});

describe('the reliability model document', () => {
  const m = RELIABILITY_FEATURES.length;
  const { x, y } = problem(5, 200, m, 3);
  const fit = fitLogistic(x, y);
  const model = reliabilityModelOf(
    fit,
    { l2: 1, positiveWeight: 1 },
    {
      commands: ['promptly reliability train --work-dir w --out m.json'],
      testFraction: 0.3,
      split: 'test',
      visitDetectors: { train: 7, test: 3 },
      sources: { train: 140, test: 60, real: 100, bogus: 100, ambiguous: 0 },
      heldOut: { rocAuc: 0.9, purity: null },
    },
  );

  it('round-trips through JSON with the same scores', () => {
    const back = parseReliabilityModel(JSON.parse(JSON.stringify(model)));
    expect(back).toEqual(model);
    for (const row of x.slice(0, 20))
      expect(reliabilityOf(back, row)).toBe(reliabilityOf(model, row));
  });

  it('refuses another version, a non-finite weight, or features this code does not compute', () => {
    const bad = [
      { ...model, version: 2 },
      { ...model, weights: [...model.weights.slice(1), 'NaN'] },
      { ...model, features: [...model.features].reverse() },
      { ...model, mean: model.mean.slice(1) },
      { ...model, extra: 1 },
    ];
    for (const doc of bad) {
      let caught: unknown;
      try {
        parseReliabilityModel(JSON.parse(JSON.stringify(doc)), 'test.json');
      } catch (err) {
        caught = err;
      }
      expect(isPromptlyError(caught, 'PROMPTLY_E_RELIABILITY_MODEL_INVALID')).toBe(true);
    }
  });
});
