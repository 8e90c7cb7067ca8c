import type { SnapTruth } from './detector-scene.js';
import type { PlannedVisit } from './night-plan.js';

/** One detector-snap for the camera to render (what `SimCamera.raw` takes), plain data. */
export interface RenderJob {
  readonly visit: PlannedVisit;
  readonly detector: number;
  /** Snap index in the visit, from 0. */
  readonly snap: number;
  /** Shutter open of the snap, summit ms (UTC). */
  readonly openMs: number;
  /** Sequence number of the exposure in the night. */
  readonly seqNum: number;
}

/** A rendered raw: the FITS file's bytes and the snap's truth. */
export interface RenderedRaw {
  readonly bytes: Uint8Array;
  readonly truth: SnapTruth;
}

/**
 * Renders raws for the summit: {@link RenderPool} on worker threads (the default), or
 * `inThreadRenderer` on the caller's thread (benchmark anchor, one-off tools). Both give the
 * same bytes for the same camera options and job.
 */
export interface RawRenderer {
  /**
   * Renders, reads out and writes one detector-snap. Rejects with PROMPTLY_E_ABORTED when
   * `signal` fires or the renderer is closed first.
   */
  render(job: RenderJob, signal?: AbortSignal): Promise<RenderedRaw>;
  /** Stops rendering; pending renders reject with PROMPTLY_E_ABORTED. */
  close(): Promise<void>;
}
