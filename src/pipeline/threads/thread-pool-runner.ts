import { Worker } from 'node:worker_threads';
import { PromptlyError, toPromptlyError } from '../../core/errors.js';
import { threadEntry, type ThreadEntry } from '../../core/thread-entry.js';
import type { StepTiming } from '../executor.js';
import type { PipelineRunner } from '../pipeline-runner.js';
import type { CompiledPipeline } from '../pipeline-set.js';
import type { TaskContext } from '../task.js';
import type { FromThread, HostCall, PipelineThreadData, ToThread } from './thread-protocol.js';
import { transferableBytes } from './transfer.js';

/** How a {@link ThreadPoolRunner} is built. */
export interface ThreadPoolRunnerOptions {
  /** Threads, i.e. pipelines computing at once (integer 1..256). */
  readonly threads: number;
  /**
   * Module (file URL) exporting `taskRegistry()`, which the threads resolve task kinds with.
   * Default: the tasks promptly ships. Every step's kind must be known there.
   */
  readonly tasksModule?: URL;
}

interface Job {
  readonly id: number;
  readonly pipeline: CompiledPipeline;
  readonly context: TaskContext;
  readonly onStart: (() => void) | undefined;
  readonly resolve: (t: StepTiming[]) => void;
  readonly reject: (e: PromptlyError) => void;
  thread: Thread | undefined;
  settled: boolean;
  readonly onAbort: () => void;
}

interface Thread {
  readonly worker: Worker;
  /** The job computing on it; a thread whose job was aborted stays busy until it ends. */
  job: Job | undefined;
}

/**
 * Runs each pipeline on a worker thread, so a detector's ISR, detection or subtraction never
 * holds up another's ingest, a bus delivery or a heartbeat on the main event loop. At most
 * `threads` compute at once; more wait in FIFO order. Threads start on first need and are
 * kept. The main thread keeps every repo handle: a task's reads and writes cross as calls it
 * answers, and bytes cross by transfer.
 *
 * A run aborted by its context's signal rejects at once with PROMPTLY_E_ABORTED; its thread
 * sees the abort on its own signal and takes new work once the task returns. A thread that
 * exits mid-run (crash, out of memory) fails that run with PROMPTLY_E_PIPELINE_THREAD_DIED and
 * is replaced; no other run is touched.
 */
export class ThreadPoolRunner implements PipelineRunner {
  readonly concurrency: number;
  readonly #entry: ThreadEntry;
  readonly #data: PipelineThreadData;
  readonly #threads = new Set<Thread>();
  readonly #queue: Job[] = [];
  #nextJob = 1;
  #closed = false;

  constructor(options: ThreadPoolRunnerOptions) {
    const n = options.threads;
    if (!Number.isInteger(n) || n < 1 || n > 256)
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `pipeline threads must be 1..256, got ${n}`,
      );
    this.concurrency = n;
    this.#entry = threadEntry(new URL('./pipeline-thread.js', import.meta.url));
    const tasks =
      options.tasksModule ?? threadEntry(new URL('./builtin-task-module.js', import.meta.url)).url;
    this.#data = { tasksModule: tasks.href };
  }

  /** Runs waiting for a thread. */
  get waiting(): number {
    return this.#queue.length;
  }

  run(
    pipeline: CompiledPipeline,
    context: TaskContext,
    onStart?: () => void,
  ): Promise<StepTiming[]> {
    if (this.#closed)
      return Promise.reject(
        new PromptlyError('PROMPTLY_E_ABORTED', 'the pipeline runner is closed'),
      );
    if (context.signal.aborted)
      return Promise.reject(
        new PromptlyError('PROMPTLY_E_ABORTED', 'run aborted before it started'),
      );
    return new Promise<StepTiming[]>((resolve, reject) => {
      const job: Job = {
        id: this.#nextJob++,
        pipeline,
        context,
        onStart,
        resolve,
        reject,
        thread: undefined,
        settled: false,
        onAbort: () => {
          const i = this.#queue.indexOf(job);
          if (i >= 0) this.#queue.splice(i, 1);
          else job.thread?.worker.postMessage({ type: 'abort', job: job.id } satisfies ToThread);
          this.#settle(job, new PromptlyError('PROMPTLY_E_ABORTED', 'pipeline run aborted'));
        },
      };
      context.signal.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0))
      this.#settle(job, new PromptlyError('PROMPTLY_E_ABORTED', 'the pipeline runner closed'));
    const threads = [...this.#threads];
    this.#threads.clear();
    await Promise.all(threads.map((t) => t.worker.terminate()));
    for (const t of threads)
      if (t.job)
        this.#settle(t.job, new PromptlyError('PROMPTLY_E_ABORTED', 'the pipeline runner closed'));
  }

  #settle(job: Job, result: StepTiming[] | PromptlyError): void {
    if (job.settled) return;
    job.settled = true;
    job.context.signal.removeEventListener('abort', job.onAbort);
    if (result instanceof PromptlyError) job.reject(result);
    else job.resolve(result);
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let thread = [...this.#threads].find((t) => t.job === undefined);
      if (thread === undefined) {
        if (this.#threads.size >= this.concurrency) return;
        thread = this.#spawn();
      }
      const job = this.#queue.shift()!;
      thread.job = job;
      job.thread = thread;
      job.onStart?.();
      thread.worker.postMessage({
        type: 'run',
        job: job.id,
        pipeline: {
          name: job.pipeline.name,
          steps: job.pipeline.steps.map((s) => ({
            label: s.label,
            kind: s.task.kind,
            config: s.config,
          })),
        },
        visit: job.context.visit,
        dataId: job.context.dataId,
        snaps: job.context.snaps.map((s) => s.snap),
      } satisfies ToThread);
    }
  }

  #spawn(): Thread {
    const worker = new Worker(this.#entry.url, {
      execArgv: [...this.#entry.execArgv],
      workerData: this.#data,
    });
    const thread: Thread = { worker, job: undefined };
    this.#threads.add(thread);
    let lastError: unknown;
    worker.on('message', (m: FromThread) => this.#onMessage(thread, m));
    worker.on('error', (err) => (lastError = err));
    worker.on('exit', (code) => {
      if (!this.#threads.delete(thread)) return; // closed, or already replaced
      const job = thread.job;
      thread.job = undefined;
      if (job)
        this.#settle(
          job,
          new PromptlyError(
            'PROMPTLY_E_PIPELINE_THREAD_DIED',
            `${job.pipeline.name}: its pipeline thread exited (code ${code})${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
            { cause: lastError },
          ),
        );
      this.#dispatch();
    });
    return thread;
  }

  #onMessage(thread: Thread, m: FromThread): void {
    const job = thread.job;
    if (job === undefined || job.id !== m.job) return;
    switch (m.type) {
      case 'log':
        if (!job.settled) job.context.log(m.message);
        return;
      case 'call':
        void this.#answer(thread, job, m.call, m.op);
        return;
      case 'done':
      case 'failed':
        thread.job = undefined;
        this.#settle(
          job,
          m.type === 'done' ? m.timings : new PromptlyError(m.error.code, m.error.message),
        );
        this.#dispatch();
        return;
    }
  }

  async #answer(thread: Thread, job: Job, call: number, op: HostCall): Promise<void> {
    const ctx = job.context;
    try {
      if (job.settled) throw new PromptlyError('PROMPTLY_E_ABORTED', 'pipeline run aborted');
      let value: unknown;
      const transfer: ArrayBuffer[] = [];
      const give = (bytes: Uint8Array | undefined): Uint8Array | undefined => {
        if (bytes === undefined) return undefined;
        const owned = transferableBytes(bytes);
        transfer.push(owned.buffer as ArrayBuffer);
        return owned;
      };
      switch (op.kind) {
        case 'read-snap': {
          const snap = ctx.snaps[op.index];
          if (snap === undefined)
            throw new PromptlyError('PROMPTLY_E_INTERNAL', `no snap at index ${op.index}`);
          value = give(await snap.read());
          break;
        }
        case 'read-input':
          value = give(await ctx.readInput(op.datasetType, op.dataId));
          break;
        case 'write-output':
          await ctx.writeOutput(op.datasetType, op.bytes);
          break;
        case 'work-dir':
          value = await ctx.workDir();
          break;
      }
      thread.worker.postMessage(
        { type: 'reply', call, ok: true, value } satisfies ToThread,
        transfer,
      );
    } catch (err) {
      const e = toPromptlyError(err);
      thread.worker.postMessage({
        type: 'reply',
        call,
        ok: false,
        error: { code: e.code, message: e.message },
      } satisfies ToThread);
    }
  }
}
