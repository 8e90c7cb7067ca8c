/**
 * Every error code promptly raises, in one registry. Each code is stable: callers and
 * operators match on it, never on message text. `docs/errors.md` lists the same codes
 * (a test keeps the two in step).
 */
export interface ErrorCodeInfo {
  /** HTTP status used when the error crosses an HTTP boundary. */
  readonly httpStatus: number;
  /** One sentence: what went wrong, in terms a user can act on. */
  readonly summary: string;
}

export const ERROR_CODES = {
  PROMPTLY_E_CONFIG_INVALID: {
    httpStatus: 500,
    summary: 'The configuration file or an environment override does not match the schema.',
  },
  PROMPTLY_E_CONFIG_NOT_FOUND: {
    httpStatus: 500,
    summary: 'The configuration file named on the command line does not exist.',
  },
  PROMPTLY_E_NEXT_VISIT_MALFORMED: {
    httpStatus: 400,
    summary:
      'A next_visit message decodes to no object: not JSON, not Avro of a known nextVisit schema, or not a JSON object.',
  },
  PROMPTLY_E_NEXT_VISIT_INVALID: {
    httpStatus: 422,
    summary: 'A next_visit is JSON but one or more fields are missing or out of range.',
  },
  PROMPTLY_E_NEXT_VISIT_EXPIRED: {
    httpStatus: 422,
    summary: 'A next_visit arrived later than the configured expiration after its send stamp.',
  },
  PROMPTLY_E_NEXT_VISIT_SCHEMA_MISMATCH: {
    httpStatus: 422,
    summary:
      'The Avro value_schema of a Kafka REST proxy body differs from nextVisit in field names or types.',
  },
  PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN: {
    httpStatus: 422,
    summary:
      'An Avro next_visit names a schema id promptly has not registered, or an Avro REST proxy body names no schema.',
  },
  PROMPTLY_E_FANOUT_UNREACHABLE: {
    httpStatus: 503,
    summary: "The fan-out's HTTP endpoint could not be reached or did not answer in time.",
  },
  PROMPTLY_E_INSTRUMENT_UNKNOWN: {
    httpStatus: 422,
    summary: 'The named instrument is not one promptly knows.',
  },
  PROMPTLY_E_DETECTOR_UNKNOWN: {
    httpStatus: 422,
    summary: 'The detector id or name does not belong to the instrument.',
  },
  PROMPTLY_E_WORK_ITEM_INVALID: {
    httpStatus: 422,
    summary: 'A work item taken from the queue does not decode to a fanned-out visit.',
  },
  PROMPTLY_E_BUS_CLOSED: {
    httpStatus: 503,
    summary: 'The bus was closed while an operation was in flight.',
  },
  PROMPTLY_E_BUS_NO_STREAM: {
    httpStatus: 404,
    summary: 'No stream or queue of that name exists on the bus.',
  },
  PROMPTLY_E_BUS_SUBJECT_INVALID: {
    httpStatus: 400,
    summary: 'A subject or subject filter is empty, has an empty token, or misuses a wildcard.',
  },
  PROMPTLY_E_BUS_CONFIG_INVALID: {
    httpStatus: 400,
    summary:
      'A stream or queue definition is invalid (bad name or limit) or its subjects overlap another stream or queue.',
  },
  PROMPTLY_E_BUS_UNAVAILABLE: {
    httpStatus: 503,
    summary: 'The message bus server cannot be reached.',
  },
  PROMPTLY_E_STORE_KEY_INVALID: {
    httpStatus: 400,
    summary: 'An object key is empty, absolute, or climbs out of the store with "..".',
  },
  PROMPTLY_E_STORE_NOT_FOUND: {
    httpStatus: 404,
    summary: 'No object exists at that key.',
  },
  PROMPTLY_E_STORE_IO: {
    httpStatus: 500,
    summary: 'The object store failed to read or write (disk full, permissions, server error).',
  },
  PROMPTLY_E_STORE_RANGE_INVALID: {
    httpStatus: 416,
    summary: 'A byte range is not a pair of integers 0 <= start <= end.',
  },
  PROMPTLY_E_STORE_CLOSED: {
    httpStatus: 503,
    summary: 'The object store was closed before or while the operation ran.',
  },
  PROMPTLY_E_STORE_EXISTS: {
    httpStatus: 409,
    summary: 'A write-once (ifAbsent) put found an object already at the key and wrote nothing.',
  },
  PROMPTLY_E_STORE_UNAVAILABLE: {
    httpStatus: 503,
    summary:
      'The object store server cannot be reached or kept failing (network error, timeout, 5xx) after its retries.',
  },
  PROMPTLY_E_LEDGER_INVALID: {
    httpStatus: 422,
    summary: 'A value given to the visit ledger (time, limit) is out of range.',
  },
  PROMPTLY_E_LEDGER_CLOSED: {
    httpStatus: 500,
    summary: 'The visit ledger was used after it was disposed.',
  },
  PROMPTLY_E_LEDGER_UNAVAILABLE: {
    httpStatus: 503,
    summary:
      "The visit ledger's database cannot be reached or refused the write; the next_visit was not accepted.",
  },
  PROMPTLY_E_INSTRUMENT_NOT_SERVED: {
    httpStatus: 422,
    summary:
      'The next_visit names an instrument promptly knows but this deployment does not process.',
  },
  PROMPTLY_E_OUTCOME_LOST: {
    httpStatus: 500,
    summary:
      'A visit-detector had no outcome long after its work item was due and could not be re-enqueued again; the reconciler recorded it as failed.',
  },
  PROMPTLY_E_BUS_TIMEOUT: {
    httpStatus: 504,
    summary: 'A command sent on the bus got no answer within its timeout.',
  },
  PROMPTLY_E_BUS_NO_RESPONDER: {
    httpStatus: 503,
    summary: 'A command was sent on the bus to a subject no responder serves.',
  },
  PROMPTLY_E_REGISTRY_CONFLICT: {
    httpStatus: 409,
    summary: 'A dataset with the same type and data ID but different content already exists.',
  },
  PROMPTLY_E_REGISTRY_NOT_FOUND: {
    httpStatus: 404,
    summary: 'The dataset, collection or dimension record does not exist.',
  },
  PROMPTLY_E_REGISTRY_INVALID: {
    httpStatus: 422,
    summary: 'A data ID, collection or validity range given to the registry is malformed.',
  },
  PROMPTLY_E_REGISTRY_UNAVAILABLE: {
    httpStatus: 503,
    summary:
      "The registry's database cannot be reached, did not answer within its timeouts, or stayed too contended to commit.",
  },
  PROMPTLY_E_FITS_TRUNCATED: {
    httpStatus: 422,
    summary: 'A FITS file ends before its headers or data say it should.',
  },
  PROMPTLY_E_FITS_HEADER: {
    httpStatus: 422,
    summary: 'A FITS header card or keyword value cannot be parsed or is not allowed.',
  },
  PROMPTLY_E_FITS_UNSUPPORTED: {
    httpStatus: 422,
    summary: 'A FITS feature (BITPIX, XTENSION, compression) is valid but not supported.',
  },
  PROMPTLY_E_FITS_DATA: {
    httpStatus: 422,
    summary: 'FITS data do not agree with the header (lying NAXIS, bad heap, corrupt tile).',
  },
  PROMPTLY_E_FITS_CHECKSUM: {
    httpStatus: 422,
    summary: 'A FITS CHECKSUM or DATASUM does not match the bytes.',
  },
  PROMPTLY_E_FITS_RANGE: {
    httpStatus: 416,
    summary: 'A requested HDU, column, row range or pixel rectangle is not in the FITS file.',
  },
  PROMPTLY_E_WCS_INVALID: {
    httpStatus: 422,
    summary: 'A header does not describe a supported celestial WCS, or a transform diverged.',
  },
  PROMPTLY_E_SIM_RENDER_CRASHED: {
    httpStatus: 500,
    summary:
      'A summit simulator render thread died while rendering a raw; the raw is rendered again once, and not written if that thread dies too.',
  },
  PROMPTLY_E_SIM_SKY_INVALID: {
    httpStatus: 500,
    summary:
      'A site-astronomy input of the summit simulator (time, coordinate, night date or site) is not finite or is out of range.',
  },
  PROMPTLY_E_ASTROMETRY_FAILED: {
    httpStatus: 422,
    summary:
      "Calibrate could not fit the exposure's WCS: no reference catalog under it, too few stars matched, or a degenerate fit.",
  },
  PROMPTLY_E_SCORE_TRUTH_INVALID: {
    httpStatus: 422,
    summary:
      'A truth file of the simulator is not the JSON the scorer reads: a field missing, not a number, or out of range.',
  },
  PROMPTLY_E_RELIABILITY_MODEL_INVALID: {
    httpStatus: 422,
    summary:
      'A reliability (real/bogus) model file is not the JSON detectDia applies: unreadable, another format or version, a number out of range, or trained on features this promptly does not compute.',
  },
  PROMPTLY_E_REFCAT_INVALID: {
    httpStatus: 422,
    summary:
      'A reference catalog shard or sky region is malformed: not a refcat FITS table, a column missing, or a position, radius or polygon out of range.',
  },
  PROMPTLY_E_RAW_KEY_INVALID: {
    httpStatus: 422,
    summary: 'An arrived object key is not of the form instrument/detector/group/snap/file.',
  },
  PROMPTLY_E_RAW_CORRUPT: {
    httpStatus: 422,
    summary: 'A raw image could not be read or does not match its key; it was moved aside.',
  },
  PROMPTLY_E_NOTICE_INVALID: {
    httpStatus: 400,
    summary:
      'An S3 event notification is not JSON of the S3 event shape (Records with bucket and object key), or a key is not validly URL-encoded.',
  },
  PROMPTLY_E_NOTICE_UNAUTHORIZED: {
    httpStatus: 401,
    summary: 'An S3 event notification came without the configured bearer token.',
  },
  PROMPTLY_E_ARRIVALS_CLOSED: {
    httpStatus: 503,
    summary: 'The arrivals source was closed before the notice was handed on.',
  },
  PROMPTLY_E_PIPELINE_CONFIG: {
    httpStatus: 500,
    summary: 'A pipeline definition or selection rule is invalid (the message names the line).',
  },
  PROMPTLY_E_PIPELINE_TASK_UNKNOWN: {
    httpStatus: 500,
    summary: 'A pipeline names a task that is not registered.',
  },
  PROMPTLY_E_PIPELINE_TASK_FAILED: {
    httpStatus: 500,
    summary: 'A pipeline task raised an error while processing a visit-detector.',
  },
  PROMPTLY_E_ROLE_START_TIMEOUT: {
    httpStatus: 503,
    summary:
      'A role process did not finish starting (connecting to its servers, creating its topology) in time; it exits so that its supervisor starts it again.',
  },
  PROMPTLY_E_PIPELINE_THREAD_DIED: {
    httpStatus: 500,
    summary:
      'The worker thread running a pipeline exited (crash, out of memory) before the pipeline ended.',
  },
  PROMPTLY_E_PIPELINE_INPUT_MISSING: {
    httpStatus: 500,
    summary: 'A pipeline task needs a dataset (raw, bias, flat…) that is not in the local repo.',
  },
  PROMPTLY_E_EXTERNAL_TIMEOUT: {
    httpStatus: 504,
    summary: 'An external-command task ran past its timeout and was killed.',
  },
  PROMPTLY_E_EXTERNAL_EXIT: {
    httpStatus: 500,
    summary: 'An external-command task exited with a non-zero status or a signal.',
  },
  PROMPTLY_E_VISIT_TIMED_OUT: {
    httpStatus: 504,
    summary: 'Not every expected snap arrived before the visit deadline.',
  },
  PROMPTLY_E_WORKER_SLOT_CRASHED: {
    httpStatus: 500,
    summary: 'A worker slot threw outside the pipeline; the item is redelivered.',
  },
  PROMPTLY_E_SECTION_INVALID: {
    httpStatus: 422,
    summary: 'A FITS section string (DATASEC, BIASSEC, DETSEC) is not of the form [x1:x2,y1:y2].',
  },
  PROMPTLY_E_IMAGE_GEOMETRY: {
    httpStatus: 422,
    summary: 'Image, amplifier or section sizes disagree, or a box falls outside its image.',
  },
  PROMPTLY_E_SCIENCE_OPTION_INVALID: {
    httpStatus: 422,
    summary: 'A pixel-algorithm option (mesh size, threshold, radius, FWHM) is out of range.',
  },
  PROMPTLY_E_KERNEL_FIT_FAILED: {
    httpStatus: 422,
    summary:
      'Image differencing found too few usable star stamps for the PSF-matching kernel, or its fit was singular.',
  },
  PROMPTLY_E_EXPOSURE_INVALID: {
    httpStatus: 422,
    summary:
      'An exposure is inconsistent (planes of different sizes, a bad mask-plane dictionary or PSF model), or an exposure FITS file lacks its IMAGE, MASK or VARIANCE extension or their cards.',
  },
  PROMPTLY_E_CALIBRATION_INVALID: {
    httpStatus: 422,
    summary:
      'A defects, crosstalk or linearizer calibration file is not in its format: an extension, column or card missing, or a value out of range.',
  },
  PROMPTLY_E_LEASE_FENCED: {
    httpStatus: 409,
    summary:
      'A write or token check used a fencing token that is no longer the current holder of its lease.',
  },
  PROMPTLY_E_LEASE_LOST: {
    httpStatus: 409,
    summary: 'This process lost a lease it held (released, expired, superseded or disconnected).',
  },
  PROMPTLY_E_LEASE_INVALID: {
    httpStatus: 400,
    summary: 'A lease name, holder id, TTL or state is empty, malformed or out of range.',
  },
  PROMPTLY_E_LEASE_CLOSED: {
    httpStatus: 503,
    summary:
      'The lease manager was closed or lost its connection before or while the operation ran.',
  },
  PROMPTLY_E_ALERT_MALFORMED: {
    httpStatus: 400,
    summary:
      'Bytes given as an alert or alert file do not decode: bad Confluent framing, truncated or corrupt Avro, or not an Avro container file.',
  },
  PROMPTLY_E_ALERT_SCHEMA_UNKNOWN: {
    httpStatus: 422,
    summary:
      'A framed alert names a schema id, or an alert file carries a schema, other than the alert schema promptly writes.',
  },
  PROMPTLY_E_ALERT_INVALID: {
    httpStatus: 422,
    summary:
      'An alert, DIA record or cutout request does not fit the alert schema or its bounds (missing field, wrong type, non-finite or out-of-range value).',
  },
  PROMPTLY_E_APDB_INVALID: {
    httpStatus: 422,
    summary:
      'A value given to the APDB or to association (sky position, radius, id, count, band, time) is missing, not finite or out of range.',
  },
  PROMPTLY_E_EPHEMERIS_INVALID: {
    httpStatus: 422,
    summary:
      'Orbital elements, a known-movers catalog or an ephemeris time is malformed: a field missing, not finite or out of range (only elliptic orbits are propagated).',
  },
  PROMPTLY_E_APDB_ALREADY_WRITTEN: {
    httpStatus: 409,
    summary:
      'The visit-detector has already written to the APDB; a second write is refused, so a rerun never stores its sources twice.',
  },
  PROMPTLY_E_APDB_CONFLICT: {
    httpStatus: 409,
    summary:
      'An APDB write holds an id already stored by another visit-detector (a diaSource or forced source id), so nothing was written.',
  },
  PROMPTLY_E_APDB_CLOSED: {
    httpStatus: 500,
    summary: 'The APDB was used after it was disposed.',
  },
  PROMPTLY_E_APDB_UNAVAILABLE: {
    httpStatus: 503,
    summary:
      "The APDB's database cannot be reached or did not answer in time; nothing was written.",
  },
  PROMPTLY_E_DAQ_NOT_FOUND: {
    httpStatus: 404,
    summary:
      "The camera's data acquisition system holds no such image (never captured, or dropped after its retention).",
  },
  PROMPTLY_E_LINK_DOWN: {
    httpStatus: 503,
    summary:
      'The summit–base link is down; the transfer was not made and the catch-up archiver backfills the image later.',
  },
  PROMPTLY_E_ARCHIVE_SOURCE_MISSING: {
    httpStatus: 404,
    summary:
      'An archive hand-off found neither the announced file nor its staged links; the catch-up archiver backfills the image from the DAQ.',
  },
  PROMPTLY_E_ARCHIVE_CHECKSUM: {
    httpStatus: 502,
    summary:
      'Bytes read back from a copy of an archived image do not have the SHA-256 the image writer announced.',
  },
  PROMPTLY_E_ARCHIVE_OVERDUE: {
    httpStatus: 500,
    summary:
      'An image was not archived in the Data Backbone within its budget (archive.dbbBudgetMs).',
  },
  PROMPTLY_E_ARCHIVE_UNRECOVERABLE: {
    httpStatus: 410,
    summary:
      "An image left the camera's DAQ before it reached the Data Backbone: it can no longer be archived.",
  },
  PROMPTLY_E_OODS_UNREADABLE: {
    httpStatus: 422,
    summary:
      'A staged file is not a readable raw (bad FITS structure, checksum or header); the OODS quarantined it.',
  },
  PROMPTLY_E_BATCH_INVALID: {
    httpStatus: 422,
    summary:
      'A batch launch or backend option is out of range or malformed (job id, argv, environment, workDir, cores, memory, time limit).',
  },
  PROMPTLY_E_BATCH_SUBMIT: {
    httpStatus: 502,
    summary: 'The batch system refused a job (sbatch failed); the message carries its stderr.',
  },
  PROMPTLY_E_BATCH_UNAVAILABLE: {
    httpStatus: 503,
    summary:
      'The batch system cannot be used: a Slurm tool is missing or its controller does not answer.',
  },
  PROMPTLY_E_BATCH_CLOSED: {
    httpStatus: 503,
    summary: 'The batch backend was closed before or while the operation ran.',
  },
  PROMPTLY_E_JOB_INVALID: {
    httpStatus: 422,
    summary:
      'A job request does not match its job type: unknown type, or parameters missing, of the wrong type or out of bounds (details name each field).',
  },
  PROMPTLY_E_JOB_NOT_FOUND: {
    httpStatus: 404,
    summary:
      'No job with that id is visible to the caller (it does not exist, or belongs to another owner).',
  },
  PROMPTLY_E_JOB_CONFLICT: {
    httpStatus: 409,
    summary:
      'The job is in a phase that does not allow the request (deleting a job that is still running, results of a job that has not completed).',
  },
  PROMPTLY_E_JOB_LIMIT: {
    httpStatus: 429,
    summary: 'The owner already has as many unfinished jobs as jobs.maxJobsPerOwner allows.',
  },
  PROMPTLY_E_JOB_STORE_UNAVAILABLE: {
    httpStatus: 503,
    summary: "The job manager's database (SQLite file or PostgreSQL) cannot be reached or written.",
  },
  PROMPTLY_E_JOB_GATE_TIMEOUT: {
    httpStatus: 504,
    summary:
      "A job's data did not arrive within its gate timeout; the job ended in ERROR without running.",
  },
  PROMPTLY_E_JOB_ENV_MISSING: {
    httpStatus: 500,
    summary:
      "The job manager's environment lacks a variable the job type requires (env in the job spec); the job ended in ERROR without running.",
  },
  PROMPTLY_E_JOB_EXIT: {
    httpStatus: 500,
    summary: "A job's process ended with a non-zero exit code or a signal.",
  },
  PROMPTLY_E_JOB_TIME_LIMIT: {
    httpStatus: 504,
    summary: 'A job ran past its time limit and was stopped by the batch system.',
  },
  PROMPTLY_E_JOB_LOST: {
    httpStatus: 500,
    summary:
      'The batch system no longer knows a job the manager had submitted (after a restart of either), so its end is unknown.',
  },
  PROMPTLY_E_UNAUTHENTICATED: {
    httpStatus: 401,
    summary: 'The request carries no bearer token, or one the job manager does not know.',
  },
  PROMPTLY_E_FORBIDDEN: {
    httpStatus: 403,
    summary: 'The token lacks the scope the request needs (submit, read or admin).',
  },
  PROMPTLY_E_PATH_REFUSED: {
    httpStatus: 400,
    summary:
      "A log or result path leaves the job's own directory (.., an absolute path, a symbolic link) and is refused.",
  },
  PROMPTLY_E_ABORTED: {
    httpStatus: 499,
    summary: 'The operation was aborted by its AbortSignal (shutdown or deadline).',
  },
  PROMPTLY_E_INTERNAL: {
    httpStatus: 500,
    summary: 'An unexpected internal error; the message and cause say more.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
