import { parentPort, workerData } from 'node:worker_threads';
import { PromptlyError, toPromptlyError } from '../../core/errors.js';
import { executePipeline } from '../executor.js';
import type { CompiledPipeline } from '../pipeline-set.js';
import type { TaskContext } from '../task.js';
import type { TaskRegistry } from '../task-registry.js';
import type {
  FromThread,
  HostCall,
  PipelineThreadData,
  ToThread,
  WireError,
} from './thread-protocol.js';
import { transferableBytes } from './transfer.js';
import { HandOffs } from '../hand-off.js';

/**
 * A pipeline thread: runs one visit-detector's pipeline at a time with the same executor and
 * tasks as the main thread, off its event loop. Pixels live and die here (the tasks' scratch
 * map is this thread's); only the task's I/O crosses, as calls the main thread answers:
 * raw snaps and inputs in, outputs out, bytes transferred rather than copied.
 */
const port = parentPort;
if (port === null) throw new Error('pipeline-thread runs as a worker thread');
const data = workerData as PipelineThreadData;
const tasks = ((await import(data.tasksModule)) as { taskRegistry(): TaskRegistry }).taskRegistry();

let nextCall = 1;
const calls = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
const aborts = new Map<number, AbortController>();

const send = (message: FromThread, transfer: ArrayBuffer[] = []): void =>
  port.postMessage(message, transfer);

function wire(err: unknown): WireError {
  const e = toPromptlyError(err, 'PROMPTLY_E_PIPELINE_TASK_FAILED');
  return { code: e.code, message: e.message };
}

function hostCall(job: number, op: HostCall, transfer: ArrayBuffer[] = []): Promise<unknown> {
  const call = nextCall++;
  return new Promise((resolve, reject) => {
    calls.set(call, { resolve, reject });
    send({ type: 'call', job, call, op }, transfer);
  });
}

async function run(message: Extract<ToThread, { type: 'run' }>): Promise<void> {
  const { job } = message;
  const abort = new AbortController();
  aborts.set(job, abort);
  try {
    const pipeline: CompiledPipeline = {
      name: message.pipeline.name,
      description: '',
      requires: [],
      produces: [],
      steps: message.pipeline.steps.map((s) => ({
        label: s.label,
        task: tasks.get(s.kind),
        config: s.config,
      })),
    };
    const context: TaskContext = {
      visit: message.visit,
      dataId: message.dataId,
      snaps: message.snaps.map((snap, index) => ({
        snap,
        read: async () => (await hostCall(job, { kind: 'read-snap', index })) as Uint8Array,
      })),
      readInput: async (datasetType, dataId) =>
        (await hostCall(job, {
          kind: 'read-input',
          datasetType,
          ...(dataId ? { dataId } : {}),
        })) as Uint8Array | undefined,
      writeOutput: async (datasetType, bytes) => {
        const owned = transferableBytes(bytes);
        await hostCall(job, { kind: 'write-output', datasetType, bytes: owned }, [
          owned.buffer as ArrayBuffer,
        ]);
      },
      handOffs: new HandOffs(),
      workDir: async () => (await hostCall(job, { kind: 'work-dir' })) as string,
      signal: abort.signal,
      log: (line) => send({ type: 'log', job, message: line }),
    };
    const timings = await executePipeline(pipeline, context);
    send({ type: 'done', job, timings });
  } catch (err) {
    send({ type: 'failed', job, error: wire(err) });
  } finally {
    aborts.delete(job);
  }
}

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'run':
      void run(message);
      return;
    case 'abort':
      aborts.get(message.job)?.abort(new PromptlyError('PROMPTLY_E_ABORTED', 'run aborted'));
      return;
    case 'reply': {
      const pending = calls.get(message.call);
      if (pending === undefined) return;
      calls.delete(message.call);
      if (message.ok) pending.resolve(message.value);
      else
        pending.reject(
          new PromptlyError(
            message.error?.code ?? 'PROMPTLY_E_INTERNAL',
            message.error?.message ?? 'host call failed',
          ),
        );
      return;
    }
  }
});
