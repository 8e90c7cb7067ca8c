import { z } from 'zod';
import { PromptlyError, type ErrorDetail } from './errors.js';

/** Coordinate system of `position` (Rubin's Script.MetadataCoordSys). */
export const CoordSys = { NONE: 1, ICRS: 2, OBSERVED: 3, MOUNT: 4 } as const;
/** Coordinate system of `cameraAngle` (Rubin's Script.MetadataRotSys). */
export const RotSys = { NONE: 1, SKY: 2, HORIZON: 3, MOUNT: 4 } as const;
/** Dome state the script needs (Rubin's Script.MetadataDome). */
export const Dome = { CLOSED: 1, OPEN: 2, EITHER: 3 } as const;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const int = z.number().int();

/**
 * Bounds of every time intake accepts: 2000-01-01 and 2100-01-01 (00:00 UTC) as seconds since
 * the Unix epoch. TAI and UTC differ by 37 s, far below what these bounds are for: catching a
 * stamp in ms, in MJD, or zero.
 */
export const NEXT_VISIT_TIME_BOUNDS_S = { min: 946_684_800, max: 4_102_444_800 } as const;

/**
 * Limits intake enforces beyond the types (docs/intake.md explains each). `groupId` becomes
 * part of object keys and subjects, so it is held to a charset: letters, digits and `. _ : + -`
 * (Rubin's ISO timestamps `2024-06-12T03:04:05.678` and `<day_obs>-<seq>` forms fit).
 */
export const NEXT_VISIT_LIMITS = {
  groupIdMaxChars: 128,
  groupIdPattern: /^[A-Za-z0-9._:+-]+$/,
  instrumentMaxChars: 64,
  surveyMaxChars: 128,
  filtersMaxChars: 256,
  /** Longest script a next_visit may announce, s (a day: no visit is longer than a night). */
  durationMaxS: 86_400,
  /** Most snaps one group may announce (long calibration sequences share one group id). */
  nimagesMax: 1000,
  checkpointsMax: 100_000,
  /** SAL's counters and PIDs are 32-bit signed integers. */
  int32Max: 2_147_483_647,
  identityMaxChars: 128,
  revCodeMaxChars: 64,
} as const;

const L = NEXT_VISIT_LIMITS;
const T = NEXT_VISIT_TIME_BOUNDS_S;
const inYears = `within years 2000..2100 (${T.min}..${T.max} s since the Unix epoch)`;

/** A time in seconds since the Unix epoch, finite and within NEXT_VISIT_TIME_BOUNDS_S. */
const epochSeconds = finite.refine((v) => v >= T.min && v < T.max, `must be ${inYears}`);

/** An envelope stamp: 0 means "not set" (the Avro default Rubin's schema declares). */
const envelopeStamp = finite.refine(
  (v) => v === 0 || (v >= T.min && v < T.max),
  `must be 0 (not set) or ${inYears}`,
);

/**
 * The SAL envelope: fields every SAL topic carries, as Rubin's ScriptQueue writes them to
 * Kafka. All optional (promptly's own summit and older senders omit them); when present they
 * are typed and bounded, kept on the visit and its work items, and turned into latency
 * intervals (summit send → Kafka → promptly) on the `next_visit.accepted` status event.
 */
export const salEnvelopeShape = {
  /** When the EFD recorded the event, UTC (not TAI) seconds since the Unix epoch; 0 = not set. */
  private_efdStamp: envelopeStamp.optional(),
  /** When the Kafka message was created, TAI seconds since the Unix epoch; 0 = not set. */
  private_kafkaStamp: envelopeStamp.optional(),
  /** When SAL received the event, TAI seconds since the Unix epoch; 0 = not set. */
  private_rcvStamp: envelopeStamp.optional(),
  /** Revision hash of the topic's definition, e.g. `c9aab3df`. */
  private_revCode: z.string().max(L.revCodeMaxChars).optional(),
  /** Publisher's sequence number for this topic. */
  private_seqNum: int.nonnegative().max(L.int32Max).optional(),
  /** Identity of the publisher, e.g. `ScriptQueue:2`. */
  private_identity: z.string().max(L.identityMaxChars).optional(),
  /** Process id of the publisher. */
  private_origin: int.nonnegative().max(L.int32Max).optional(),
} as const;

/** Names of the SAL envelope fields intake accepts besides nextVisit's own. */
export const SAL_ENVELOPE_FIELDS = Object.keys(
  salEnvelopeShape,
) as readonly (keyof typeof salEnvelopeShape)[];

const metadataSystem = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

const nextVisitShape = {
  /** ScriptQueue index; maps to a telescope/instrument. */
  salIndex: int.nonnegative().max(L.int32Max),
  /** Index of the script that announced the visit. */
  scriptSalIndex: int.nonnegative().max(L.int32Max),
  /** Observatory group id shared by every snap of the visit (Butler's group name). */
  groupId: z
    .string()
    .min(1)
    .max(L.groupIdMaxChars)
    .regex(L.groupIdPattern, 'must use only letters, digits and . _ : + -'),
  /** Coordinate system of `position` (CoordSys). */
  coordinateSystem: metadataSystem,
  /**
   * [longitude, latitude] in degrees: [ra, dec] when ICRS (ra in [0, 360)), else [az, alt].
   * Longitude within [-360, 360] (mount azimuth wraps), latitude within [-90, 90].
   */
  position: z.tuple([finite.min(-360).max(360), finite.min(-90).max(90)]),
  /** Expected start of the first exposure, TAI seconds since the Unix epoch. */
  startTime: epochSeconds,
  /** Coordinate system of `cameraAngle` (RotSys). */
  rotationSystem: metadataSystem,
  /** Camera rotation angle in degrees, in `rotationSystem`. */
  cameraAngle: finite,
  /** Physical filter name(s) as the camera reports them, e.g. `r_57` or `SDSSr~empty`. */
  filters: z.string().max(L.filtersMaxChars),
  /** Dome state (Dome). */
  dome: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** Estimated duration of the visit's script, seconds (excludes the initial slew). */
  duration: finite.nonnegative().max(L.durationMaxS),
  /** Number of snaps in the visit; 0 = not known in advance. */
  nimages: int.nonnegative().max(L.nimagesMax),
  /** Instrument name, e.g. `LSSTCam`. */
  instrument: z.string().min(1).max(L.instrumentMaxChars),
  /** Survey (observing block) name; drives pipeline selection. */
  survey: z.string().max(L.surveyMaxChars),
  /** Checkpoints of the announcing script. */
  totalCheckpoints: int.nonnegative().max(L.checkpointsMax),
  /** When the summit sent the event, TAI seconds since the Unix epoch (expiry counts from it). */
  private_sndStamp: epochSeconds,
  ...salEnvelopeShape,
};

/** ICRS positions are (ra, dec): ra in [0, 360). */
function checkPosition(
  visit: { coordinateSystem: number; position: [number, number] },
  ctx: z.RefinementCtx,
): void {
  const [ra] = visit.position;
  if (visit.coordinateSystem === CoordSys.ICRS && !(ra >= 0 && ra < 360)) {
    ctx.addIssue({
      code: 'custom',
      path: ['position', 0],
      message: 'ra must be in [0, 360) degrees when coordinateSystem is ICRS',
    });
  }
}

/**
 * The summit's advance notice of a visit: every field of Rubin's ScriptQueue `nextVisit`
 * event, plus its optional SAL envelope. Times are TAI seconds since the Unix epoch; angles
 * are degrees. Unknown fields are refused.
 */
export const nextVisitSchema = z.strictObject(nextVisitShape).superRefine(checkPosition);

export type NextVisit = z.infer<typeof nextVisitSchema>;

/** A next_visit fanned out to one detector: the unit of work of a worker slot. */
export const fannedOutVisitSchema = z
  .strictObject({
    ...nextVisitShape,
    /** Detector id (Rubin numbering). */
    detector: int.nonnegative(),
  })
  .superRefine(checkPosition);

export type FannedOutVisit = z.infer<typeof fannedOutVisitSchema>;

/**
 * One detail per problem, each naming its field: an unknown key becomes a detail whose path
 * is that key, so "which field" never has to be read out of a message.
 */
export function zodDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  const at = (path: readonly PropertyKey[]): string =>
    [prefix, ...path.map(String)].filter((p) => p !== '').join('.') || '(root)';
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: at([...issue.path, key]),
          message: `unknown field "${key}" (neither a nextVisit field nor a SAL envelope field)`,
        }))
      : [{ path: at(issue.path), message: issue.message }],
  );
}

/**
 * Parses a next_visit from untrusted input. A value that is not an object is
 * PROMPTLY_E_NEXT_VISIT_MALFORMED; field problems are PROMPTLY_E_NEXT_VISIT_INVALID with one
 * detail per field.
 */
export function parseNextVisit(input: unknown): NextVisit {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PromptlyError('PROMPTLY_E_NEXT_VISIT_MALFORMED', 'next_visit must be a JSON object');
  }
  const result = nextVisitSchema.safeParse(input);
  if (!result.success) {
    const details = zodDetails(result.error);
    throw new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_INVALID',
      `next_visit invalid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      { details },
    );
  }
  return result.data;
}

/** Parses a fanned-out visit (a work item) from untrusted input. */
export function parseFannedOutVisit(input: unknown): FannedOutVisit {
  const result = fannedOutVisitSchema.safeParse(input);
  if (!result.success) {
    const details = zodDetails(result.error);
    throw new PromptlyError(
      'PROMPTLY_E_WORK_ITEM_INVALID',
      `work item invalid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      { details },
    );
  }
  return result.data;
}

/** The band (single letter) of a physical filter name: `r_57` → `r`, `SDSSg~empty` → `g`. */
export function bandOf(filters: string): string {
  const first = filters.split('~')[0] ?? '';
  const m = /^(?:SDSS)?([ugrizy])(?:_|$|\d)/.exec(first);
  return m?.[1] ?? (first || 'unknown');
}
