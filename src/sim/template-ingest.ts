import { throwIfAborted } from '../core/errors.js';
import { DATASET_TYPES, collections } from '../registry/dataset-types.js';
import type { DatasetRef } from '../registry/registry.js';
import type { Repo } from '../registry/repo.js';
import type { SkyMap, SkyPatch } from '../wcs/index.js';
import type { NightPlanOptions, PlannedVisit } from './night-plan.js';
import { refcatPlanVisits, type RefcatCamera } from './refcat/refcat-ingest.js';
import type { SkyModel } from './sky-catalog.js';
import type { CoaddSpec } from './template-inputs.js';
import { patchesForImage, renderTemplate, templateFits, templateGrid } from './templates.js';

/** Visits whose templates the summit writes before the night starts (the plan's first ones). */
export const TEMPLATE_EAGER_VISITS = 20;

/** What template selection needs of the camera: detectors' true WCS and size, the pixel scale. */
export interface TemplateCamera extends RefcatCamera {
  readonly focalPlane: RefcatCamera['focalPlane'] & { readonly pixelScaleArcsec: number };
}

/** The template grid a camera's detectors use: patches as large as its largest detector. */
export function cameraTemplateGrid(camera: TemplateCamera, detectors: readonly number[]): SkyMap {
  const g0 = camera.focalPlane.placement(detectors[0] ?? 0).geometry;
  return templateGrid(Math.max(g0.width, g0.height), camera.focalPlane.pixelScaleArcsec);
}

/** Every (band, patch) the visit-detectors touch, patches by id, bands in first-seen order. */
export function templatePatches(
  camera: TemplateCamera,
  grid: SkyMap,
  visits: readonly PlannedVisit[],
  detectors: readonly number[],
): Map<string, SkyPatch[]> {
  const byBand = new Map<string, Map<number, SkyPatch>>();
  for (const v of visits) {
    let patches = byBand.get(v.band);
    if (!patches) byBand.set(v.band, (patches = new Map<number, SkyPatch>()));
    for (const d of detectors) {
      const g = camera.focalPlane.placement(d).geometry;
      for (const p of patchesForImage(grid, camera.wcs(v, d), g.width, g.height)) {
        patches.set(p.id, p);
      }
    }
  }
  return new Map(
    [...byBand].map(([band, patches]) => [band, [...patches.values()].sort((a, b) => a.id - b.id)]),
  );
}

/** Options of {@link writeTemplates}. */
export interface WriteTemplatesOptions {
  readonly instrument: string;
  readonly sky: SkyModel;
  readonly camera: TemplateCamera;
  readonly grid: SkyMap;
  readonly patches: ReadonlyMap<string, readonly SkyPatch[]>;
  /** The coadds' input visits; default `DEFAULT_COADD_SPEC` (`template-inputs.ts`). */
  readonly coadd?: CoaddSpec;
  /** Leave templates the repo already holds untouched, without rendering them; default true. */
  readonly skipPresent?: boolean;
  /** Also handed each template's bytes as it is rendered (e.g. to write a file). */
  readonly onTemplate?: (band: string, patch: SkyPatch, bytes: Uint8Array) => Promise<void>;
  readonly signal?: AbortSignal;
}

/**
 * Renders the templates of `patches` and puts each into `repo` (when given) as dataset
 * `template` (instrument, band, patch) in run `collections.templates`, after the `skyMap`
 * the pipeline finds them by. Idempotent: a template already there is skipped (or, with
 * `skipPresent: false`, put again, which the repo accepts for the same bytes).
 */
export async function writeTemplates(
  repo: Repo | undefined,
  options: WriteTemplatesOptions,
): Promise<{ refs: DatasetRef[]; rendered: number; present: number }> {
  const { instrument, signal } = options;
  const run = collections.templates(instrument);
  const skip = options.skipPresent ?? true;
  const call = signal ? { signal } : {};
  if (repo) {
    const skyMapId = { instrument };
    if (!skip || !(await repo.find(DATASET_TYPES.skyMap.name, skyMapId, [run]))) {
      const spec = new TextEncoder().encode(JSON.stringify(options.grid.spec));
      await repo.put(DATASET_TYPES.skyMap.name, skyMapId, run, spec, call);
    }
  }
  const refs: DatasetRef[] = [];
  let rendered = 0;
  let present = 0;
  const scale = options.camera.focalPlane.pixelScaleArcsec;
  for (const [band, patches] of options.patches) {
    for (const p of patches) {
      throwIfAborted(signal);
      const dataId = { instrument, band, patch: p.id };
      if (repo && skip && (await repo.find(DATASET_TYPES.template.name, dataId, [run]))) {
        present++;
        continue;
      }
      const coadd = renderTemplate(
        options.sky,
        p,
        band,
        scale,
        options.coadd ? { spec: options.coadd } : {},
      );
      const bytes = await templateFits(instrument, band, p, coadd);
      rendered++;
      if (options.onTemplate) await options.onTemplate(band, p, bytes);
      if (repo) refs.push(await repo.put(DATASET_TYPES.template.name, dataId, run, bytes, call));
    }
  }
  return { refs, rendered, present };
}

/**
 * The summit's template step, beside its calibrations and reference catalog: the sky map and
 * every template the plan's first `maxVisits` visits (default {@link TEMPLATE_EAGER_VISITS})
 * touch, in their bands, that the central repo lacks — so a worker's `subtract` finds them.
 */
export async function ensureTemplates(options: {
  readonly central: Repo;
  readonly instrument: string;
  readonly sky: SkyModel;
  readonly camera: TemplateCamera;
  readonly plan: NightPlanOptions;
  readonly detectors: readonly number[];
  readonly maxVisits?: number;
  /** The coadds' input visits; default `DEFAULT_COADD_SPEC`. */
  readonly coadd?: CoaddSpec;
  readonly signal?: AbortSignal;
}): Promise<{ visits: number; templates: number; rendered: number }> {
  const visits = refcatPlanVisits(options.plan, options.maxVisits ?? TEMPLATE_EAGER_VISITS);
  const grid = cameraTemplateGrid(options.camera, options.detectors);
  const patches = templatePatches(options.camera, grid, visits, options.detectors);
  const result = await writeTemplates(options.central, {
    instrument: options.instrument,
    sky: options.sky,
    camera: options.camera,
    grid,
    patches,
    ...(options.coadd ? { coadd: options.coadd } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const templates = [...patches.values()].reduce((n, p) => n + p.length, 0);
  return { visits: visits.length, templates, rendered: result.rendered };
}
