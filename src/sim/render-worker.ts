/**
 * A render thread of the summit's {@link RenderPool}: builds the camera from the plain options
 * it is started with, then renders one job at a time into reused pixel buffers and hands each
 * raw's bytes back by transferring their ArrayBuffer. A render that throws is answered with its
 * coded error; the thread keeps serving.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toPromptlyError } from '../core/errors.js';
import { RenderBuffers } from './render-buffers.js';
import type { RenderReply, RenderRequest, RenderThreadData } from './render-protocol.js';
import { SimCamera } from './sim-camera.js';

const port = parentPort;
if (!port) throw new Error('render-worker.ts runs as a worker thread of RenderPool');
function isThreadData(value: unknown): value is RenderThreadData {
  if (typeof value !== 'object' || value === null || !('camera' in value)) return false;
  const c = value.camera;
  return typeof c === 'object' && c !== null && 'instrument' in c && 'seed' in c;
}
const data: unknown = workerData;
if (!isThreadData(data)) throw new Error('render thread started without camera options');
const camera = new SimCamera(data.camera);
const buffers = new RenderBuffers();

async function render(request: RenderRequest): Promise<void> {
  const { id, job } = request;
  let reply: RenderReply;
  try {
    const raw = await camera.raw(
      job.visit,
      job.detector,
      job.snap,
      job.openMs,
      job.seqNum,
      buffers,
    );
    reply = { id, ok: true, bytes: raw.bytes, truth: raw.truth };
  } catch (err) {
    const e = toPromptlyError(err);
    reply = { id, ok: false, code: e.code, message: e.message };
  }
  // Transfer, not copy: the bytes are the writer's own buffer (up to twice their length).
  const buffer = reply.ok ? reply.bytes.buffer : undefined;
  port?.postMessage(reply, buffer instanceof ArrayBuffer ? [buffer] : []);
}

// One render at a time: the buffers are shared between renders.
let chain = Promise.resolve();
port.on('message', (request: RenderRequest) => {
  chain = chain.then(() => render(request));
});
