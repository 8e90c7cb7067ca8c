import { collections, DATASET_TYPES } from '../../registry/dataset-types.js';
import type { DataId } from '../../registry/registry.js';
import { calibrationDataId } from './preload.js';

/**
 * How a task's input of one dataset type is found for a visit-detector: its data ID (from the
 * visit-detector's, plus what the task asks for) and where it lives. Calibrations are looked
 * up by validity at the visit's time in the instrument's calibration collection; templates and
 * the sky map by data ID in the templates run (a template is asked for by `patch`, its band
 * defaulting to the visit's); a reference-catalog shard by `htm7` in the refcats run; the APDB
 * objects around the visit (`preloadedDiaObjects`) in the visit-detector's own preload run.
 * Datasets not in the handler-local repo are copied in from the central repo on first use and
 * reused after.
 */
export type InputRule =
  | { readonly kind: 'calibration'; readonly dataId: DataId; readonly collection: string }
  | { readonly kind: 'run'; readonly dataId: DataId; readonly collection: string };

/** The rule for `datasetType` of the visit-detector `base`, or undefined when none applies. */
export function inputRule(
  datasetType: string,
  base: DataId,
  asked: Partial<DataId> = {},
): InputRule | undefined {
  const calib = calibrationDataId(datasetType, base);
  if (calib)
    return { kind: 'calibration', dataId: calib, collection: collections.calib(base.instrument) };
  const templates = collections.templates(base.instrument);
  if (datasetType === DATASET_TYPES.skyMap.name)
    return { kind: 'run', dataId: { instrument: base.instrument }, collection: templates };
  if (datasetType === DATASET_TYPES.refcat.name) {
    // a reference-catalog shard, asked for by its HTM level-7 id (calibrate finds which)
    if (asked.htm7 === undefined) return undefined;
    return {
      kind: 'run',
      dataId: { instrument: base.instrument, htm7: asked.htm7 },
      collection: collections.refcats(base.instrument),
    };
  }
  if (datasetType === DATASET_TYPES.preloadedDiaObjects.name) {
    // the APDB region the worker read at next_visit, kept in the handler-local repo only
    if (base.group === undefined || base.detector === undefined) return undefined;
    return {
      kind: 'run',
      dataId: { instrument: base.instrument, detector: base.detector, group: base.group },
      collection: collections.localApdbPreload(base.instrument, base.group, base.detector),
    };
  }
  if (datasetType === DATASET_TYPES.template.name) {
    const band = asked.band ?? base.band;
    if (asked.patch === undefined || band === undefined) return undefined;
    return {
      kind: 'run',
      dataId: { instrument: base.instrument, band, patch: asked.patch },
      collection: templates,
    };
  }
  return undefined;
}
