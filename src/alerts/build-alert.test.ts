import { describe, expect, it } from 'vitest';
import { isPromptlyError } from '../core/errors.js';
import { buildAlert, type AlertInputs } from './build-alert.js';
import { DIA_SOURCE_FIELDS } from './schema/dia-source-schema.js';
import { sampleAlertInputs } from './sample-alerts.js';

function codeAndMessage(inputs: AlertInputs): [string | undefined, string] {
  try {
    buildAlert(inputs);
  } catch (err) {
    return [isPromptlyError(err) ? err.code : 'other', (err as Error).message];
  }
  return [undefined, ''];
}

describe('buildAlert', () => {
  it('fills every schema field, leaving unmeasured ones null', async () => {
    const alert = buildAlert(await sampleAlertInputs(1));
    expect(Object.keys(alert.diaSource)).toEqual(DIA_SOURCE_FIELDS.map((f) => f.name));
    expect(alert.diaSource.trailFlux).toBeNull();
    expect(alert.diaSourceId).toBe(alert.diaSource.diaSourceId);
    expect(alert.observation_reason).toBe('wfd');
    expect(alert.mpc_orbits).toBeNull();
    expect(Buffer.isBuffer(alert.cutoutDifference)).toBe(true);
  });

  it('orders previous sources and forced sources oldest first', async () => {
    const inputs = await sampleAlertInputs(2);
    const alert = buildAlert({
      ...inputs,
      prvDiaSources: [...inputs.prvDiaSources!].reverse(),
      prvDiaForcedSources: [...inputs.prvDiaForcedSources!].reverse(),
    });
    const times = alert.prvDiaSources!.map((s) => s.midpointMjdTai);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const forced = alert.prvDiaForcedSources!.map((s) => s.midpointMjdTai);
    expect(forced).toEqual([...forced].sort((a, b) => a - b));
  });

  it('turns NaN in a nullable float into null and refuses it in a required one', async () => {
    const inputs = await sampleAlertInputs(3);
    expect(
      buildAlert({ ...inputs, diaSource: { ...inputs.diaSource, psfFlux: NaN } }).diaSource.psfFlux,
    ).toBeNull();
    const [code, message] = codeAndMessage({
      ...inputs,
      diaSource: { ...inputs.diaSource, x: NaN },
    });
    expect(code).toBe('PROMPTLY_E_ALERT_INVALID');
    expect(message).toContain('diaSource.x');
  });

  it('refuses infinities, missing required fields, ids beyond 2^53 and 32-bit overflow, naming each', async () => {
    const inputs = await sampleAlertInputs(4);
    const s = inputs.diaSource;
    const bad: [Record<string, unknown>, string][] = [
      [{ ...s, psfFlux: Infinity }, 'diaSource.psfFlux'],
      [{ ...s, visit: undefined }, 'diaSource.visit'],
      [{ ...s, diaSourceId: 2 ** 60 }, 'diaSource.diaSourceId'],
      [{ ...s, detector: 2 ** 31 }, 'diaSource.detector'],
      [{ ...s, band: 7 }, 'diaSource.band'],
      [{ ...s, ra: 360 }, 'ra must be in [0, 360)'],
      [{ ...s, dec: -91 }, 'dec in [-90, 90]'],
    ];
    for (const [diaSource, what] of bad) {
      const [code, message] = codeAndMessage({
        ...inputs,
        diaSource: diaSource as AlertInputs['diaSource'],
      });
      expect(code).toBe('PROMPTLY_E_ALERT_INVALID');
      expect(message).toContain(what);
    }
  });

  it("refuses an object, history or ssSource that is not the source's", async () => {
    const inputs = await sampleAlertInputs(5);
    const other = { ...inputs.diaObject!, diaObjectId: 42 };
    expect(codeAndMessage({ ...inputs, diaObject: other })[0]).toBe('PROMPTLY_E_ALERT_INVALID');
    const stray = [{ ...inputs.prvDiaSources![0]!, diaObjectId: 42 }];
    expect(codeAndMessage({ ...inputs, prvDiaSources: stray })[0]).toBe('PROMPTLY_E_ALERT_INVALID');
    const itself = [inputs.diaSource];
    expect(codeAndMessage({ ...inputs, prvDiaSources: itself })[0]).toBe(
      'PROMPTLY_E_ALERT_INVALID',
    );
    const ss = {
      diaSourceId: 1,
      ssObjectId: 2,
      eclLambda: 10,
      eclBeta: 1,
      galLon: 20,
      galLat: 2,
    };
    expect(codeAndMessage({ ...inputs, ssSource: ss })[0]).toBe('PROMPTLY_E_ALERT_INVALID');
    const ok = buildAlert({
      ...inputs,
      ssSource: { ...ss, diaSourceId: inputs.diaSource.diaSourceId },
    });
    expect(ok.ssSource?.designation).toBeNull();
  });

  it('refuses oversize cutouts and scheduler text', async () => {
    const inputs = await sampleAlertInputs(6);
    const huge = new Uint8Array(4 * 1024 * 1024 + 1);
    expect(codeAndMessage({ ...inputs, cutouts: { science: huge } })[0]).toBe(
      'PROMPTLY_E_ALERT_INVALID',
    );
    expect(codeAndMessage({ ...inputs, targetName: 'x'.repeat(1025) })[0]).toBe(
      'PROMPTLY_E_ALERT_INVALID',
    );
  });
});
