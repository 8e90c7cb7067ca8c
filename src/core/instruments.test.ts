import { describe, expect, it } from 'vitest';
import { activeDetectors, getDetector, getInstrument } from './instruments.js';

describe('instruments', () => {
  it('numbers LSSTCam as obs_lsst does: 189 science, then guide and wavefront in the corners', () => {
    const cam = getInstrument('LSSTCam');
    expect(cam.detectors).toHaveLength(205);
    expect(activeDetectors(cam)).toHaveLength(189);
    expect(activeDetectors(cam, ['guide'])).toHaveLength(8);
    expect(activeDetectors(cam, ['wavefront'])).toHaveLength(8);
    expect(getDetector(cam, 'R01_S00').id).toBe(0);
    expect(getDetector(cam, 'R22_S11').id).toBe(94);
    expect(getDetector(cam, 'R43_S22').id).toBe(188);
    expect(getDetector(cam, 189).name).toBe('R00_SG0');
    expect(getDetector(cam, 192).name).toBe('R00_SW1');
    expect(getDetector(cam, 204).name).toBe('R44_SW1');
    expect(new Set(cam.detectors.map((d) => d.name)).size).toBe(205);
  });

  it('gives LSSTComCam the nine sensors of raft R22 and LATISS one detector', () => {
    const comcam = getInstrument('LSSTComCam');
    expect(comcam.detectors.map((d) => d.name)).toEqual([
      'R22_S00',
      'R22_S01',
      'R22_S02',
      'R22_S10',
      'R22_S11',
      'R22_S12',
      'R22_S20',
      'R22_S21',
      'R22_S22',
    ]);
    expect(getDetector(comcam, 'R22_S11').id).toBe(4);
    expect(getInstrument('LATISS').detectors).toHaveLength(1);
  });

  it('refuses unknown instruments and detectors with coded errors', () => {
    expect(() => getInstrument('HSC')).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_INSTRUMENT_UNKNOWN' }),
    );
    expect(() => getDetector(getInstrument('LSSTComCam'), 9)).toThrow(
      expect.objectContaining({ code: 'PROMPTLY_E_DETECTOR_UNKNOWN' }),
    );
  });
});
