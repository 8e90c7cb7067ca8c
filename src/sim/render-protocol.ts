import type { ErrorCode } from '../core/error-codes.js';
import type { SnapTruth } from './detector-scene.js';
import type { RenderJob } from './render-job.js';
import type { SimCameraOptions } from './sim-camera.js';

/** What a render thread is started with (`workerData`): the camera, as plain options. */
export interface RenderThreadData {
  readonly camera: SimCameraOptions;
}

/** Pool → render thread: render this job. */
export interface RenderRequest {
  readonly id: number;
  readonly job: RenderJob;
}

/**
 * Render thread → pool: the raw's bytes (their ArrayBuffer transferred, not copied) and its
 * truth, or the coded error the render threw.
 */
export type RenderReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly bytes: Uint8Array;
      readonly truth: SnapTruth;
    }
  | {
      readonly id: number;
      readonly ok: false;
      readonly code: ErrorCode;
      readonly message: string;
    };
