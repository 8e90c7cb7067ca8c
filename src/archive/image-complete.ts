/**
 * The hand-over point of the archive path: the image writer announces each raw file it has
 * finished (written under a temporary name, fsynced, renamed into place, directory fsynced)
 * with one ImageComplete notice; the archive controller, OODS and DBB act on these notices
 * only, never on a directory listing of files that may still be being written.
 *
 * ```
 * sim/ (camera) -> archive/daq (2-day buffer) -> archive/image-writer (+ header-service
 *   metadata) -> ImageComplete -> archive/hand-off (hard links) -> archive/oods, archive/dbb
 *                                                   archive/catch-up <- DAQ vs DBB receipts
 * ```
 */

/** Where an image entered the archive path (one staging area per origin, as at the summit). */
export const IMAGE_ORIGINS = ['LATISS', 'ComCam', 'LSSTCam', 'catchup'] as const;
export type ImageOrigin = (typeof IMAGE_ORIGINS)[number];

/** Image names are `<obsId>_<detectorName>`: letters, digits, `_` and `-`, 1..128 chars. */
export const IMAGE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** One finished raw file, as the image writer announces it. */
export interface ImageComplete {
  /** The image's name, unique per instrument (see IMAGE_NAME_PATTERN). */
  readonly image: string;
  readonly instrument: string;
  /** Integer detector id of the instrument. */
  readonly detector: number;
  /** Visit group id and snap index (0-based) the image belongs to. */
  readonly group: string;
  readonly snap: number;
  /** The exposure (DAQ image name) and its observing day. */
  readonly obsId: string;
  readonly dayObs: number;
  readonly origin: ImageOrigin;
  /** Absolute path of the complete file (already fsynced under its final name). */
  readonly path: string;
  /** File size in bytes. */
  readonly sizeBytes: number;
  /** Lower-case hex SHA-256 of the whole file, computed by the writer from the bytes it wrote. */
  readonly sha256: string;
  /** True when the header metadata was missing or late and the file carries what was known. */
  readonly metadataIncomplete: boolean;
  /** Camera end-of-readout time and completion time, summit ms since the Unix epoch. */
  readonly readoutEndMs: number;
  readonly completedMs: number;
}
