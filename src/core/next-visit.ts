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
 * The summit's advance notice of a visit: every field of Rubin's ScriptQueue `nextVisit`
 * event. Times are TAI seconds since the Unix epoch; angles are degrees.
 */
export const nextVisitSchema = z.strictObject({
  /** ScriptQueue index; maps to a telescope/instrument. */
  salIndex: int.nonnegative(),
  /** Index of the script that announced the visit. */
  scriptSalIndex: int.nonnegative(),
  /** Observatory group id shared by every snap of the visit (Butler's group name). */
  groupId: z.string().min(1).max(128),
  /** Coordinate system of `position` (CoordSys). */
  coordinateSystem: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  /** [ra, dec] (ICRS) or [az, alt], degrees. */
  position: z.tuple([finite, finite]),
  /** Expected start of the first exposure, TAI seconds since the Unix epoch. */
  startTime: finite,
  /** Coordinate system of `cameraAngle` (RotSys). */
  rotationSystem: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  /** Camera rotation angle in degrees, in `rotationSystem`. */
  cameraAngle: finite,
  /** Physical filter name(s) as the camera reports them, e.g. `r_57` or `SDSSr~empty`. */
  filters: z.string(),
  /** Dome state (Dome). */
  dome: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** Estimated duration of the visit's script, seconds (excludes the initial slew). */
  duration: finite.nonnegative(),
  /** Number of snaps in the visit; 0 = not known in advance. */
  nimages: int.nonnegative().max(1000),
  /** Instrument name, e.g. `LSSTCam`. */
  instrument: z.string().min(1),
  /** Survey (observing block) name; drives pipeline selection. */
  survey: z.string(),
  /** Checkpoints of the announcing script. */
  totalCheckpoints: int.nonnegative(),
  /** When the summit sent the event, TAI seconds since the Unix epoch. */
  private_sndStamp: finite,
});

export type NextVisit = z.infer<typeof nextVisitSchema>;

/** A next_visit fanned out to one detector: the unit of work of a worker slot. */
export const fannedOutVisitSchema = nextVisitSchema.extend({
  /** Detector id (Rubin numbering). */
  detector: int.nonnegative(),
});

export type FannedOutVisit = z.infer<typeof fannedOutVisitSchema>;

function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
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
