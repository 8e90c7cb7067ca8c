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
import type { DetectorGeometry } from './amp-layout.js';
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
  /** The detector's WCS, written to the primary header by the header service. */
  readonly wcs?: CelestialWcs;
  /** More primary cards (appended after the merged header). */
  readonly extraCards?: Cards;
}

/** The amplifier HDU header cards: sections, gain, read noise, bias level. */
function ampCards(geometry: DetectorGeometry, i: number, e: AmpElectronics | undefined): Cards {
  const amp = geometry.amps[i]!;
  return [
    ['DATASEC', amp.datasec, 'imaging area'],
    ['BIASSEC', amp.biassec, 'serial overscan'],
    ['PARSEC', amp.parsec, 'parallel overscan'],
    ['DETSEC', amp.detsec, 'place in the detector'],
    [
      'DTV1',
      amp.flipX ? amp.x0 + geometry.ampWidth + 1 + geometry.prescan : amp.x0 - geometry.prescan,
      'detector transformation vector',
    ],
    [
      'DTV2',
      amp.flipY ? amp.y0 + geometry.ampHeight + 1 : amp.y0,
      'detector transformation vector',
    ],
    ['DTM1_1', amp.flipX ? -1 : 1, 'detector transformation matrix'],
    ['DTM2_2', amp.flipY ? -1 : 1, 'detector transformation matrix'],
    ['GAIN', e?.gain ?? 1, 'e-/ADU'],
    ['RDNOISE', e?.readNoiseE ?? 0, 'read noise, e-'],
    ['BIASLVL', e?.biasLevelAdu ?? 0, 'nominal bias level, ADU'],
  ];
}

/**
 * A raw as the camera and header service write it: a data-less primary header (camera
 * cards merged with the header service's: pointing, filter, site, weather, WCS), then 16
 * int32 amplifier HDUs (EXTNAME SegmentNN) with DATASEC, BIASSEC, PARSEC, DETSEC, GAIN and
 * RDNOISE, Rice-compressed in one-row tiles by default. Deterministic: the same inputs give
 * the same bytes.
 */
export async function rawFits(
  meta: SnapMetadata,
  geometry: DetectorGeometry,
  electronics: readonly AmpElectronics[],
  amps: readonly Int32Array[],
  options: RawFitsOptions = {},
): Promise<Uint8Array> {
  const cards = mergeHeaderCards(cameraCards(meta), headerServiceCards(meta, options.wcs));
  const primary = primaryHdu([...cards, ...(options.extraCards ?? [])]);
  const compress = options.compress ?? true;
  const ampHdus: WritableHdu[] = geometry.amps.map((amp, i) => {
    const pixels = amps[i] as Int32Array;
    const header = headerOf(ampCards(geometry, i, electronics[i]));
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
