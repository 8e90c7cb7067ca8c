import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PromptlyError } from '../core/errors.js';
import type { RawRenderer, RenderedRaw, RenderJob } from './render-job.js';
import type { RenderReply, RenderRequest, RenderThreadData } from './render-protocol.js';
import { renderThreadEntry, type RenderThreadEntry } from './render-thread-entry.js';
import type { SimCameraOptions } from './sim-camera.js';

/** How a {@link RenderPool} is built. */
export interface RenderPoolOptions {
  /** The camera every thread builds (plain options: the `sim` section, instrument and seed). */
  readonly camera: SimCameraOptions;
  /** Render threads; default {@link defaultRenderThreads}. */
  readonly threads?: number;
  /**
   * Jobs waiting for their thread, beyond those being rendered; default 2 × threads. Past it,
   * `render` waits for room, in call order.
   */
  readonly maxQueued?: number;
  /**
   * Told when a render thread died while rendering `job` (PROMPTLY_E_SIM_RENDER_CRASHED);
   * the job has already been handed to a fresh thread, to be rendered once more.
   */
  readonly onThreadCrash?: (error: PromptlyError, job: RenderJob) => void;
}

/** Render threads by default: one core left to the main thread, at least one. */
export function defaultRenderThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface Pending {
  readonly id: number;
  readonly job: RenderJob;
  attempt: 1 | 2;
  settled: boolean;
  settle(result: RenderedRaw | PromptlyError): void;
}

interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  /** The error event of the current worker, reported when it exits. */
  lastError: unknown;
  busy: Pending | undefined;
  readonly queue: Pending[];
}

interface Waiter {
  resolve(): void;
  reject(err: PromptlyError): void;
}

function aborted(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_ABORTED', message);
}

function describe(job: RenderJob): string {
  return `detector ${job.detector} snap ${job.snap} of group ${job.visit.groupId}`;
}

/**
 * Renders raws on worker threads, so the summit's rendering (sky, readout, Rice compression:
 * tens to hundreds of ms per detector) never blocks the event loop its process shares with
 * prompt-processing slots. Each thread builds the camera from plain options and keeps the
 * detector models of the detectors it is given: a detector always goes to the same thread (in
 * first-seen order, round robin), so the models exist once across the pool, not once per
 * thread. Jobs wait in per-thread FIFO queues whose total is bounded (`maxQueued`); past it
 * `render` waits, in call order, so a visit's renders queue in the order they were asked for
 * (detector order) and memory stays bounded. Each raw's bytes come back by transfer, not copy.
 *
 * A thread that dies mid-render (crash, out of memory, terminated) is reported through
 * `onThreadCrash` and replaced; its job is rendered once more on the fresh thread, and if that
 * dies too, `render` rejects with PROMPTLY_E_SIM_RENDER_CRASHED. An error thrown by the render
 * itself (a bad job) rejects with its code and is not retried. Call `close` when done: live
 * threads keep the process running.
 */
export class RenderPool implements RawRenderer {
  readonly threads: number;
  readonly maxQueued: number;
  readonly #entry: RenderThreadEntry;
  readonly #data: RenderThreadData;
  readonly #onThreadCrash: RenderPoolOptions['onThreadCrash'];
  readonly #slots: Slot[];
  readonly #slotOfDetector = new Map<number, Slot>();
  readonly #waiting: Waiter[] = [];
  /** Jobs in the slot queues, plus room reserved for callers just admitted. */
  #queued = 0;
  #nextId = 1;
  #closed = false;

  constructor(options: RenderPoolOptions) {
    const threads = options.threads ?? defaultRenderThreads();
    if (!Number.isInteger(threads) || threads < 1)
      throw new PromptlyError('PROMPTLY_E_INTERNAL', `render threads must be ≥ 1, got ${threads}`);
    const maxQueued = options.maxQueued ?? 2 * threads;
    if (!Number.isInteger(maxQueued) || maxQueued < 1)
      throw new PromptlyError('PROMPTLY_E_INTERNAL', `maxQueued must be ≥ 1, got ${maxQueued}`);
    this.threads = threads;
    this.maxQueued = maxQueued;
    this.#entry = renderThreadEntry();
    this.#data = { camera: options.camera };
    this.#onThreadCrash = options.onThreadCrash;
    this.#slots = Array.from({ length: threads }, (_, index) => ({
      index,
      worker: undefined,
      lastError: undefined,
      busy: undefined,
      queue: [],
    }));
    // Started now, so the first visit does not wait for threads to load the camera code.
    for (const slot of this.#slots) this.#spawn(slot);
  }

  async render(job: RenderJob, signal?: AbortSignal): Promise<RenderedRaw> {
    await this.#admit(signal);
    // Closed or aborted between admission and now: give the reserved room back.
    if (this.#closed || signal?.aborted) {
      if (!this.#closed) {
        this.#queued--;
        this.#wake();
      }
      throw aborted(this.#closed ? 'render pool closed' : 'render aborted');
    }
    const slot = this.#slotOf(job.detector);
    return new Promise<RenderedRaw>((resolve, reject) => {
      const onAbort = (): void => {
        const at = slot.queue.indexOf(pending);
        if (at >= 0) {
          slot.queue.splice(at, 1);
          this.#queued--;
          this.#wake();
        }
        pending.settle(aborted('render aborted'));
      };
      const pending: Pending = {
        id: this.#nextId++,
        job,
        attempt: 1,
        settled: false,
        settle(result) {
          if (pending.settled) return;
          pending.settled = true;
          signal?.removeEventListener('abort', onAbort);
          if (result instanceof PromptlyError) reject(result);
          else resolve(result);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      slot.queue.push(pending);
      this.#pump(slot);
    });
  }

  /** What the pool holds now: jobs being rendered, queued for a thread, and callers waiting. */
  load(): { rendering: number; queued: number; waiting: number } {
    let rendering = 0;
    let queued = 0;
    for (const slot of this.#slots) {
      if (slot.busy) rendering++;
      queued += slot.queue.length;
    }
    return { rendering, queued, waiting: this.#waiting.length };
  }

  /**
   * Terminates every thread that is rendering now, as a crash would end it (chaos drills and
   * tests of the crash path). Returns how many were terminated.
   */
  terminateBusyThreads(): number {
    let n = 0;
    for (const slot of this.#slots) {
      if (slot.busy && slot.worker) {
        void slot.worker.terminate();
        n++;
      }
    }
    return n;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const err = aborted('render pool closed');
    for (const w of this.#waiting.splice(0)) w.reject(err);
    const workers: Worker[] = [];
    for (const slot of this.#slots) {
      for (const p of slot.queue.splice(0)) p.settle(err);
      slot.busy?.settle(err);
      slot.busy = undefined;
      if (slot.worker) workers.push(slot.worker);
      slot.worker = undefined;
    }
    this.#queued = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Waits for room in the queues, first come first served; reserves it. */
  #admit(signal: AbortSignal | undefined): Promise<void> {
    if (this.#closed) return Promise.reject(aborted('render pool closed'));
    if (signal?.aborted) return Promise.reject(aborted('render aborted'));
    if (this.#waiting.length === 0 && this.#queued < this.maxQueued) {
      this.#queued++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(waiter);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(aborted('render aborted'));
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Hands freed room to the callers waiting for it, in order. */
  #wake(): void {
    while (this.#queued < this.maxQueued) {
      const w = this.#waiting.shift();
      if (!w) return;
      this.#queued++;
      w.resolve();
    }
  }

  #slotOf(detector: number): Slot {
    let slot = this.#slotOfDetector.get(detector);
    if (!slot) {
      slot = this.#slots[this.#slotOfDetector.size % this.#slots.length]!;
      this.#slotOfDetector.set(detector, slot);
    }
    return slot;
  }

  /** Sends the slot's next job to its thread when the thread is free. */
  #pump(slot: Slot): void {
    if (this.#closed || slot.busy) return;
    const next = slot.queue.shift();
    if (!next) return;
    this.#queued--;
    this.#wake();
    const worker = slot.worker ?? this.#spawn(slot);
    slot.busy = next;
    const request: RenderRequest = { id: next.id, job: next.job };
    worker.postMessage(request);
  }

  #spawn(slot: Slot): Worker {
    const worker = new Worker(this.#entry.url, {
      workerData: this.#data,
      execArgv: [...this.#entry.execArgv],
    });
    slot.worker = worker;
    slot.lastError = undefined;
    worker.on('message', (reply: RenderReply) => this.#onReply(slot, worker, reply));
    worker.on('error', (err) => {
      if (slot.worker === worker) slot.lastError = err;
    });
    worker.on('exit', (code) => this.#onExit(slot, worker, code));
    return worker;
  }

  #onReply(slot: Slot, worker: Worker, reply: RenderReply): void {
    if (slot.worker !== worker || slot.busy?.id !== reply.id) return;
    const pending = slot.busy;
    slot.busy = undefined;
    pending.settle(
      reply.ok
        ? { bytes: reply.bytes, truth: reply.truth }
        : new PromptlyError(reply.code, `rendering ${describe(pending.job)}: ${reply.message}`),
    );
    this.#pump(slot);
  }

  #onExit(slot: Slot, worker: Worker, code: number): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    if (this.#closed) return;
    const pending = slot.busy;
    slot.busy = undefined;
    if (pending && !pending.settled) {
      const cause = slot.lastError;
      const why = cause instanceof Error ? `: ${cause.message}` : '';
      const again = pending.attempt === 2;
      const error = new PromptlyError(
        'PROMPTLY_E_SIM_RENDER_CRASHED',
        `render thread ${slot.index} died (exit code ${code}${why}) while rendering ` +
          `${describe(pending.job)}${again ? ' for the second time; the raw is not written' : '; rendering it again'}`,
        cause === undefined ? {} : { cause },
      );
      if (again) pending.settle(error);
      else {
        pending.attempt = 2;
        slot.queue.unshift(pending);
        this.#queued++;
        this.#pump(slot);
        this.#onThreadCrash?.(error, pending.job);
      }
    }
    this.#pump(slot);
  }
}
