import { z } from 'zod';
import type { TaskDefinition } from '../../pipeline/task.js';
import { diaSrcFits, type DiaSources } from '../../pipeline/tasks/dia-src-fits.js';
import { diaStamps } from '../../pipeline/tasks/dia-stamps.js';
import { imageFrom } from '../../science/index.js';
import { makeTanWcs, pixToSky, skyToPix } from '../../wcs/index.js';
import type { DiaForced } from '../../pipeline/tasks/dia-forced.js';
import { readDiaObjectTable } from '../../pipeline/tasks/dia-object-table.js';

/** Size of the image the planted sources sit on, pixels. */
const SIZE = 200;

/**
 * A task for worker tests of Alert Production's database half: writes a `diaSrc` of `count`
 * sources planted at fixed pixels of a 200 × 200 image centred on the visit's boresight
 * (0.2″ pixels), with a star in each stamp, through the same writer as the detectDia task.
 * Visits at the same position give sources at the same sky positions, so association can be
 * followed from visit to visit; the APDB objects preloaded at next_visit get the planted pixel
 * value as their forced flux. Runs inline (it is not in the pipeline threads' registry).
 */
export const plantedDiaTask: TaskDefinition<{ count: number; zeroPointMag: number }> = {
  kind: 'plantedDia',
  summary: 'Writes a diaSrc of planted sources (worker tests).',
  configSchema: z.strictObject({
    count: z.number().int().min(0).max(100).default(3),
    zeroPointMag: z.number().min(20).max(40).default(31.4),
  }),
  requires: () => [],
  produces: () => ['diaSrc'],
  async run(context, config) {
    const [ra0, dec0] = context.visit.position;
    const wcs = makeTanWcs({
      crval: [ra0, dec0],
      crpix: [(SIZE - 1) / 2, (SIZE - 1) / 2],
      scaleArcsecPerPx: 0.2,
      rotationDeg: 0,
    });
    const n = config.count;
    const x = Float64Array.from({ length: n }, (_, k) => 40 + 50 * k);
    const y = Float64Array.from({ length: n }, (_, k) => 60 + 30 * k);
    const sky = pixToSky(wcs, x, y);
    const flux = Float64Array.from({ length: n }, (_, k) => 1000 * (k + 1));
    const sources: DiaSources = {
      length: n,
      x,
      y,
      ra: sky.ra,
      dec: sky.dec,
      apFlux: flux,
      apFluxErr: flux.map(() => 50),
      snr: flux.map((f) => f / 50),
      isNegative: new Uint8Array(n),
      a: new Float64Array(n).fill(1.5),
      b: new Float64Array(n).fill(1.4),
      theta: new Float64Array(n),
      flags: new Int32Array(n),
      // as a reliability model would give: 0.25, 0.5, 0.75 for three sources
      reliability: Float64Array.from({ length: n }, (_, k) => (k + 1) / (n + 1)),
    };
    const image = imageFrom(SIZE, SIZE, new Float32Array(SIZE * SIZE));
    for (let k = 0; k < n; k++) image.data[Math.round(y[k]!) * SIZE + Math.round(x[k]!)] = flux[k]!;
    const stamps = diaStamps(sources, { difference: image, science: image, template: image });
    // forced "photometry" of the APDB objects preloaded at next_visit: the planted pixel value
    const preloaded = await context.readInput('preloadedDiaObjects');
    let forced: DiaForced | undefined;
    if (preloaded) {
      const objects = await readDiaObjectTable(preloaded);
      const pix = skyToPix(wcs, objects.ra, objects.dec);
      const at = Float64Array.from({ length: objects.length }, (_, k) => {
        const [px, py] = [Math.round(pix.x[k]!), Math.round(pix.y[k]!)];
        return px >= 0 && py >= 0 && px < SIZE && py < SIZE ? image.data[py * SIZE + px]! : NaN;
      });
      forced = {
        ...objects,
        x: pix.x,
        y: pix.y,
        psfFlux: at,
        psfFluxErr: at.map(() => 50),
        scienceFlux: at,
        scienceFluxErr: at.map(() => 50),
      };
    }
    await context.writeOutput(
      'diaSrc',
      await diaSrcFits({
        sources,
        wcs,
        stamps,
        width: SIZE,
        height: SIZE,
        zeroPointMag: config.zeroPointMag,
        cards: [['INSTRUME', context.dataId.instrument]],
        ...(forced ? { forced } : {}),
      }),
    );
  },
};
