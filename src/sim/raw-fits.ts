import {
  compressImage,
  Header,
  headerOf,
  makeImageHdu,
  primaryHdu,
  writeFits,
  type Cards,
  type WritableHdu,
} from '../fits/index.js';
import type { CelestialWcs } from '../wcs/index.js';
import { ampTransform, type DetectorGeometry } from './amp-layout.js';
import type { AmpElectronics } from './camera.js';
import {
  cameraCards,
  headerServiceCards,
  mergeHeaderCards,
  type SnapMetadata,
} from './header-service.js';

export { obsId, type SnapMetadata } from './header-service.js';

/** How a raw is written. */
export interface RawFitsOptions {
  /** Rice-compress each amplifier HDU (as fpack / the camera writes); default true. */
  readonly compress?: boolean;
  /**
   * The detector's WCS as the header service derives it from the reported pointing and the
   * camera geometry, written to the primary header (never the true WCS, which is truth only).
   */
  readonly wcs?: CelestialWcs;
  /** Merge the header service's cards (default true); false: the camera's cards only (the DAQ's). */
  readonly headerService?: boolean;
  /** More primary cards (appended after the merged header). */
  readonly extraCards?: Cards;
  /** SATURATE per amp, ADU above the overscan (written when given). */
  readonly saturationAdu?: readonly number[];
}

/**
 * The amplifier HDU header cards, as the camera writes them (CHANNEL, CCDSUM, DATASEC, DETSEC,
 * DETSIZE, DTV1/2, DTM1_1…DTM2_2) plus what promptly's ISR reads from them: BIASSEC and PARSEC
 * (overscans), GAIN (e⁻/ADU), RDNOISE (e⁻) and BIASLVL (ADU) — the simulated electronics'
 * nominal values, which the real camera leaves to calibration products — and SATURATE (ADU
 * above the overscan) when the camera simulates saturation.
 */
function ampCards(
  geometry: DetectorGeometry,
  i: number,
  e: AmpElectronics | undefined,
  saturationAdu: number | undefined,
): Cards {
  const amp = geometry.amps[i]!;
  const t = ampTransform(geometry, amp);
  const sat: Cards =
    saturationAdu === undefined
      ? []
      : [['SATURATE', saturationAdu, 'saturation, ADU above overscan (simulated full well)']];
  return [
    ['CHANNEL', amp.channel, 'readout channel'],
    ['CCDSUM', '1 1', 'on-chip binning'],
    ['DATASEC', amp.datasec, 'imaging area'],
    ['DETSEC', amp.detsec, 'place in the detector'],
    ['DETSIZE', geometry.detsize, 'assembled detector size'],
    ['DTV1', t.dtv1, 'detector transformation vector'],
    ['DTV2', t.dtv2, 'detector transformation vector'],
    ['DTM1_1', t.dtm11, 'detector transformation matrix'],
    ['DTM2_2', t.dtm22, 'detector transformation matrix'],
    ['DTM1_2', 0, 'detector transformation matrix'],
    ['DTM2_1', 0, 'detector transformation matrix'],
    ['BIASSEC', amp.biassec, 'serial overscan'],
    ['PARSEC', amp.parsec, 'parallel overscan'],
    ['GAIN', e?.gain ?? 1, 'e-/ADU (simulated electronics)'],
    ['RDNOISE', e?.readNoiseE ?? 0, 'read noise, e- (simulated electronics)'],
    ['BIASLVL', e?.biasLevelAdu ?? 0, 'nominal bias level, ADU (simulated electronics)'],
    ...sat,
  ];
}

/**
 * A raw as the camera and header service write it: a data-less primary header (camera
 * cards merged with the header service's: pointing, filter, site, weather, WCS), then 16
 * int32 amplifier HDUs in the camera's order (EXTNAME Segment10…17, Segment07…00) with their
 * sections and detector transformation ({@link ampCards}), Rice-compressed in one-row tiles
 * by default. Deterministic: the same inputs give
 * the same bytes.
 */
export async function rawFits(
  meta: SnapMetadata,
  geometry: DetectorGeometry,
  electronics: readonly AmpElectronics[],
  amps: readonly Int32Array[],
  options: RawFitsOptions = {},
): Promise<Uint8Array> {
  const cards =
    options.headerService === false
      ? cameraCards(meta, geometry)
      : mergeHeaderCards(cameraCards(meta, geometry), headerServiceCards(meta, options.wcs));
  const primary = primaryHdu([...cards, ...(options.extraCards ?? [])]);
  const compress = options.compress ?? true;
  const ampHdus: WritableHdu[] = geometry.amps.map((amp, i) => {
    const pixels = amps[i] as Int32Array;
    const header = headerOf(ampCards(geometry, i, electronics[i], options.saturationAdu?.[i]));
    if (!compress) {
      return makeImageHdu(pixels, [amp.rawWidth, amp.rawHeight], { extname: amp.name, header });
    }
    const h = new Header();
    h.set('XTENSION', 'IMAGE', 'image extension');
    h.set('BITPIX', 32);
    h.set('NAXIS', 2);
    h.set('NAXIS1', amp.rawWidth);
    h.set('NAXIS2', amp.rawHeight);
    h.set('PCOUNT', 0);
    h.set('GCOUNT', 1);
    h.set('EXTNAME', amp.name, 'amplifier');
    for (const c of header) h.append(c);
    return compressImage(
      { header: h, bitpix: 32, axes: [amp.rawWidth, amp.rawHeight], pixels },
      { compression: 'RICE_1' },
    );
  });
  return writeFits([primary, ...ampHdus]);
}
