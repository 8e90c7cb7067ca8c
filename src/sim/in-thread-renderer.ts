import { throwIfAborted } from '../core/errors.js';
import { RenderBuffers } from './render-buffers.js';
import type { RawRenderer, RenderedRaw, RenderJob } from './render-job.js';
import type { SimCamera } from './sim-camera.js';

/**
 * Renders on the caller's thread, one raw at a time into reused buffers: the same bytes as a
 * {@link RenderPool} thread gives, without the threads. For the benchmark's anchor and for
 * tools that render a handful of raws; the live summit uses the pool, because each render
 * blocks the event loop for its whole duration.
 */
export function inThreadRenderer(camera: SimCamera): RawRenderer {
  const buffers = new RenderBuffers();
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    render(job: RenderJob, signal?: AbortSignal): Promise<RenderedRaw> {
      const run = async (): Promise<RenderedRaw> => {
        throwIfAborted(closed ? AbortSignal.abort() : signal);
        const raw = await camera.raw(
          job.visit,
          job.detector,
          job.snap,
          job.openMs,
          job.seqNum,
          buffers,
        );
        return { bytes: raw.bytes, truth: raw.truth };
      };
      const result = chain.then(run, run);
      chain = result.catch(() => undefined);
      return result;
    },
    close(): Promise<void> {
      closed = true;
      return chain.then(() => undefined);
    },
  };
}
