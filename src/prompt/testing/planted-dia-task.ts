import { z } from 'zod';
import type { TaskDefinition } from '../../pipeline/task.js';
import { diaSrcFits, type DiaSources } from '../../pipeline/tasks/dia-src-fits.js';
import { diaStamps } from '../../pipeline/tasks/dia-stamps.js';
import { imageFrom } from '../../science/index.js';
import { makeTanWcs, pixToSky } from '../../wcs/index.js';

/** Size of the image the planted sources sit on, pixels. */
const SIZE = 200;

/**
 * A task for worker tests of Alert Production's database half: writes a `diaSrc` of `count`
 * sources planted at fixed pixels of a 200 × 200 image centred on the visit's boresight
 * (0.2″ pixels), with a star in each stamp, through the same writer as the detectDia task.
 * Visits at the same position give sources at the same sky positions, so association can be
 * followed from visit to visit. Runs inline (it is not in the pipeline threads' registry).
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
      }),
    );
  },
};
