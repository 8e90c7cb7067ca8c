import type { DatasetType } from './registry.js';

/**
 * The dataset types promptly's repos hold. Registered in every repo (central and
 * handler-local) at start-up so ingest and transfer never meet an unknown type.
 */
export const DATASET_TYPES = {
  raw: {
    name: 'raw',
    dimensions: ['instrument', 'detector', 'group', 'snap'],
    storageClass: 'Exposure',
    isCalibration: false,
  },
  bias: {
    name: 'bias',
    dimensions: ['instrument', 'detector'],
    storageClass: 'Exposure',
    isCalibration: true,
  },
  flat: {
    name: 'flat',
    dimensions: ['instrument', 'detector', 'band'],
    storageClass: 'Exposure',
    isCalibration: true,
  },
  /** Master dark, e⁻/s per pixel (simulated camera; ISR may subtract it × DARKTIME). */
  dark: {
    name: 'dark',
    dimensions: ['instrument', 'detector'],
    storageClass: 'Exposure',
    isCalibration: true,
  },
  /**
   * Defects of a detector: a FITS binary table DEFECTS of boxes x0, y0, width, height
   * (0-based detector pixels; `src/science/isr-calibs/defects-fits.ts`). ISR masks them BAD
   * and interpolates over them.
   */
  defects: {
    name: 'defects',
    dimensions: ['instrument', 'detector'],
    storageClass: 'Defects',
    isCalibration: true,
  },
  /** Crosstalk coefficients between a detector's amps, a FITS n × n image (`crosstalk-fits.ts`). */
  crosstalk: {
    name: 'crosstalk',
    dimensions: ['instrument', 'detector'],
    storageClass: 'CrosstalkCalib',
    isCalibration: true,
  },
  /** Linearity correction per amp, a FITS table of polynomials (`linearizer-fits.ts`). */
  linearizer: {
    name: 'linearizer',
    dimensions: ['instrument', 'detector'],
    storageClass: 'Linearizer',
    isCalibration: true,
  },
  /** Deep template (coadd) of one sky-map patch in a band (run `collections.templates`). */
  template: {
    name: 'template',
    dimensions: ['instrument', 'band', 'patch'],
    storageClass: 'Exposure',
    isCalibration: false,
  },
  /** The sky map templates live on (SkyMapSpec JSON, beside the templates). */
  skyMap: {
    name: 'skyMap',
    dimensions: ['instrument'],
    storageClass: 'Json',
    isCalibration: false,
  },
  /**
   * One shard (HTM level-7 trixel) of the reference catalog: a FITS binary table of
   * positions at J2016.0, proper motions and grizy magnitudes with errors
   * (src/sim/refcat/refcat-fits.ts), in run `collections.refcats`.
   */
  refcat: {
    name: 'refcat',
    dimensions: ['instrument', 'htm7'],
    storageClass: 'SourceCatalog',
    isCalibration: false,
  },
  /**
   * The known-movers catalog of one observing night: MPCORB-like orbits of the solar-system
   * objects the worker predicts and associates (JSON, src/science/ephemeris/mover-catalog.ts),
   * in run `collections.ssObjects`.
   */
  ssObjects: {
    name: 'ssObjects',
    dimensions: ['instrument', 'day_obs'],
    storageClass: 'Json',
    isCalibration: false,
  },
  postISRCCD: {
    name: 'postISRCCD',
    dimensions: ['instrument', 'detector', 'group'],
    storageClass: 'Exposure',
    isCalibration: false,
  },
  src: {
    name: 'src',
    dimensions: ['instrument', 'detector', 'group'],
    storageClass: 'SourceCatalog',
    isCalibration: false,
  },
  /** A difference image: science − PSF-matched template; IMAGE, VARIANCE, MASK with the WCS. */
  differenceExp: {
    name: 'differenceExp',
    dimensions: ['instrument', 'detector', 'group'],
    storageClass: 'Exposure',
    isCalibration: false,
  },
  /** DIA sources found on the difference image (positive and negative), FITS table. */
  diaSrc: {
    name: 'diaSrc',
    dimensions: ['instrument', 'detector', 'group'],
    storageClass: 'SourceCatalog',
    isCalibration: false,
  },
  /**
   * One visit-detector's alerts, an Avro object container file (lsst.v11_0-shaped records,
   * src/alerts), as published on `alerts.<instrument>`.
   */
  /**
   * The APDB's objects around a visit, read at next_visit for one visit-detector (a FITS table
   * of id, ra, dec): DIA detection forced-photometers the ones on the detector.
   */
  preloadedDiaObjects: {
    name: 'preloadedDiaObjects',
    dimensions: ['instrument', 'detector', 'group'],
    storageClass: 'DataFrame',
    isCalibration: false,
  },
  alerts: {
    name: 'alerts',
    dimensions: ['instrument', 'detector', 'group'],
    storageClass: 'AlertContainer',
    isCalibration: false,
  },
  pipelineLog: {
    name: 'pipeline_log',
    dimensions: ['instrument', 'detector', 'group'],
    storageClass: 'Text',
    isCalibration: false,
  },
  outcome: {
    name: 'outcome',
    dimensions: ['instrument', 'detector', 'group'],
    storageClass: 'Json',
    isCalibration: false,
  },
} as const satisfies Record<string, DatasetType>;

export const ALL_DATASET_TYPES: readonly DatasetType[] = Object.values(DATASET_TYPES);

/** Collection names, in one place. */
export const collections = {
  /** Calibration collection of an instrument (validity ranges). */
  calib: (instrument: string) => `${instrument}/calib`,
  /** Run that holds calibration files of an instrument. */
  calibRun: (instrument: string) => `${instrument}/calib/run`,
  /** Run that holds the deep templates of an instrument. */
  templates: (instrument: string) => `${instrument}/templates/deep`,
  /** Run that holds the reference catalog shards an instrument's pipelines read. */
  refcats: (instrument: string) => `${instrument}/refcats`,
  /** Run that holds the known-movers catalogs (`ssObjects`, one per observing night) of an instrument. */
  ssObjects: (instrument: string) => `${instrument}/ssObjects`,
  /** Raws of one visit-detector in a handler-local repo (one run each, so pruning is per item). */
  localRaw: (instrument: string, group: string, detector: number) =>
    `${instrument}/raw/${group}/${detector}`,
  /** What one visit-detector preloaded from the APDB, in a handler-local repo. */
  localApdbPreload: (instrument: string, group: string, detector: number) =>
    `${instrument}/apdb/${group}/${detector}`,
  /** Outputs of one visit-detector in a handler-local repo. */
  localOutput: (instrument: string, group: string, detector: number) =>
    `${instrument}/prompt/${group}/${detector}`,
  /** Where outputs of a night are exported in the central repo. */
  centralOutput: (instrument: string, dayObs: number) => `${instrument}/prompt/output-${dayObs}`,
  /**
   * Where catch-up processing exports a night's outputs: a run of its own, since a failed
   * night attempt may have exported some datasets (its log at least) under the same data IDs.
   */
  reprocessedOutput: (instrument: string, dayObs: number) =>
    `${instrument}/prompt/output-${dayObs}-reprocessed`,
  /** One outcome per visit-detector. */
  outcomes: (instrument: string) => `${instrument}/prompt/outcomes`,
  /** One outcome of catch-up processing per visit-detector (the night's stays in `outcomes`). */
  reprocessedOutcomes: (instrument: string) => `${instrument}/prompt/outcomes-reprocessed`,
} as const;
