import { setMaxListeners } from 'node:events';
import type { Bus } from '../bus/bus.js';
import { encodeJson } from '../bus/codec.js';
import type { Clock } from '../core/clock.js';
import { isPromptlyError, type PromptlyError } from '../core/errors.js';
import { subjects } from '../core/subjects.js';
import { utcMsToTaiSeconds } from '../core/time.js';
import type { StatusEmitter } from '../observe/status-emitter.js';
import { formatRawKey } from '../core/raw-key.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseFaults, type FaultSpec } from './faults.js';
import {
  plannedVisit,
  plannedVisitCount,
  type NightPlanOptions,
  type PlannedVisit,
} from './night-plan.js';
import { damageRaw, visitActions, type SummitAction } from './night-script.js';
import { RenderPool } from './render-pool.js';
import type { RawRenderer, RenderedRaw, RenderJob } from './render-job.js';
import type { DaqStore } from '../archive/daq/daq-store.js';
import type { SummitBaseLink } from '../archive/link/summit-base-link.js';
import { dayObsOf } from '../core/time.js';
import { obsIdOf } from './camera-header.js';
import { SimCamera, type SimRaw } from './sim-camera.js';
import { simCameraOptions, simPlanOptions, type SimConfig } from './sim-options.js';

export interface SummitDeps {
  readonly instrument: string;
  readonly detectors: readonly number[];
  readonly sim: SimConfig;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly rawStore: ObjectStore;
  readonly status: StatusEmitter;
  /**
   * The camera's data acquisition system: when given, each raw is captured there at end of
   * readout (pixels and the camera's own header; its damage fault noted) and the archive
   * path's image writer writes the file (`src/archive`); without it the summit writes each
   * raw, header service merged, to `rawStore` itself.
   */
  readonly daq?: DaqStore;
  /** The summit–base link, taken down by `link-outage` faults when their visit is announced. */
  readonly link?: SummitBaseLink;
  /**
   * The camera; default one built from `sim`. Its options are what the render threads build
   * their own camera from; it renders nothing itself unless passed in a `renderer`.
   */
  readonly camera?: SimCamera;
  /**
   * Renders the raws; default a {@link RenderPool} of `sim.renderThreads` threads, started by
   * `run` and closed when it returns. One passed in is not closed by the summit.
   */
  readonly renderer?: RawRenderer;
  /** Told of each visit as its next_visit goes out. */
  readonly onAnnounce?: (visit: PlannedVisit) => void;
  /** Told of every action as it happens (event log). */
  readonly onAction?: (action: SummitAction) => void;
  /** Told of every raw written, with its truth. */
  readonly onRaw?: (action: SummitAction & { kind: 'raw' }, raw: SimRaw) => void;
  /**
   * Told of a raw that could not be rendered (its render thread died twice,
   * PROMPTLY_E_SIM_RENDER_CRASHED): it is not written, and the night goes on.
   */
  readonly onRawLost?: (action: SummitAction & { kind: 'raw' }, error: PromptlyError) => void;
}

type RawAction = SummitAction & { kind: 'raw' };

/** OCS event carrying a visit's telemetry when it is announced (`ocs.visit_telemetry.<instr>`). */
export const VISIT_TELEMETRY_EVENT = 'visit_telemetry';

/** Header-service and writer latency after endReadout, summit ms. */
export const WRITE_DELAY_MS = 500;

/**
 * Real ms by which next_visit goes out earlier than the lead time: a timer that fires a little
 * late (a busy process, a fast clock multiplies it) must not make the notice short of its
 * promised lead.
 */
const ANNOUNCE_SLACK_REAL_MS = 250;

/**
 * The live summit: follows the night plan on the summit clock. For each visit it publishes
 * next_visit `leadTimeMs` ahead on `ocs.next_visit.<instrument>`, the camera's
 * startIntegration / startReadout / endReadout on `ocs.<instrument>.<event>`, and after each
 * readout writes every detector's raw (rendered, read out, merged with the header service's
 * metadata, Rice-compressed) to the raw store — with the configured faults. Visits overlap
 * as at the telescope: the next is announced while the current one is read out.
 *
 * Rendering runs on worker threads (a {@link RenderPool}), never on the event loop: each
 * snap's raws are queued in detector order when its shutter opens (their content is fixed by
 * then), so they are ready when their write is due; the writes (`rawStore.put`) stay on this
 * thread, at the scheduled time. Each raw's header carries its end of readout (READEND), where
 * the latency budget starts. A render thread that dies is reported (`raw.render_crashed`
 * status) and the raw rendered again once; a second death is reported as `raw.lost` and the
 * raw is not written.
 */
export class Summit {
  #plan: NightPlanOptions;
  readonly #faults: FaultSpec[];
  readonly camera: SimCamera;
  #seq = 0;

  constructor(private readonly deps: SummitDeps) {
    const s = deps.sim;
    this.#plan = simPlanOptions(deps.instrument, s, deps.clock.now() + s.leadTimeMs);
    this.#faults = parseFaults(s.faults);
    this.camera = deps.camera ?? new SimCamera(simCameraOptions(deps.instrument, s));
  }

  /** The visit planned at `index` (the night is deterministic). */
  visit(index: number): PlannedVisit {
    return plannedVisit(this.#plan, index);
  }

  /**
   * Runs the night until its last visit is written. `stop` ends it gracefully: no further
   * visit is announced, and those already announced are observed to the end (their raws
   * written); `abort` ends everything. The first exposure is `leadTimeMs` after the call (the
   * plan is re-based if time passed since construction), so the first next_visit is on time.
   */
  async run(stop: AbortSignal, abort?: AbortSignal): Promise<void> {
    const signal = stop;
    const observing = abort ?? new AbortController().signal;
    // Every detector's render and every scheduled step waits on these: hundreds at once.
    setMaxListeners(0, signal, observing);
    // the render pool first: starting its threads on a loaded machine took longer than the slack
    const renderer = this.deps.renderer ?? this.#startPool();
    const leadTimeMs = this.deps.sim.leadTimeMs + ANNOUNCE_SLACK_REAL_MS * this.deps.clock.speed;
    const earliest = this.deps.clock.now() + leadTimeMs;
    if ((this.#plan.firstStartMs ?? 0) < earliest)
      this.#plan = { ...this.#plan, firstStartMs: earliest };
    const count = plannedVisitCount(this.#plan);
    const visits: Promise<void>[] = [];
    try {
      for (let i = 0; count === undefined || i < count; i++) {
        const visit = this.visit(i);
        const actions = visitActions(
          visit,
          this.deps.detectors,
          this.#seq,
          {
            instrument: this.deps.instrument,
            leadTimeMs,
            readoutS: this.deps.sim.readoutS,
            writeDelayMs: WRITE_DELAY_MS,
          },
          this.#faults,
        );
        this.#seq += visit.snaps;
        const first = actions[0];
        if (!first) continue;
        await this.#sleepUntil(first.atMs, signal);
        visits.push(this.#perform(actions, renderer, observing));
      }
    } catch (err) {
      if (!isPromptlyError(err, 'PROMPTLY_E_ABORTED')) {
        await Promise.allSettled(visits);
        if (renderer !== this.deps.renderer) await renderer.close();
        throw err;
      }
    }
    const results = await Promise.allSettled(visits);
    if (renderer !== this.deps.renderer) await renderer.close();
    for (const r of results) {
      if (r.status === 'rejected' && !isPromptlyError(r.reason, 'PROMPTLY_E_ABORTED'))
        throw r.reason;
    }
  }

  #startPool(): RenderPool {
    const { instrument, status } = this.deps;
    return new RenderPool({
      camera: this.camera.options,
      ...(this.deps.sim.renderThreads === undefined
        ? {}
        : { threads: this.deps.sim.renderThreads }),
      onThreadCrash: (error, job) =>
        status.emit({
          activity: 'raw.render_crashed',
          instrument,
          group: job.visit.groupId,
          detector: job.detector,
          detail: { snap: job.snap, code: error.code, message: error.message, retried: true },
        }),
    });
  }

  async #sleepUntil(ms: number, signal: AbortSignal): Promise<void> {
    await this.deps.clock.sleep(ms - this.deps.clock.now(), signal);
  }

  async #perform(
    actions: readonly SummitAction[],
    renderer: RawRenderer,
    signal: AbortSignal,
  ): Promise<void> {
    const renders = new Map<RawAction, Promise<RenderedRaw>>();
    const render = (a: RawAction): Promise<RenderedRaw> => {
      let p = renders.get(a);
      if (!p) {
        const job: RenderJob = {
          visit: a.visit,
          detector: a.detector,
          snap: a.snap,
          openMs: a.openMs,
          seqNum: a.seqNum,
        };
        p = renderer.render(job, signal);
        p.catch(() => undefined); // awaited (and its error handled) when the write is due
        renders.set(a, p);
      }
      return p;
    };
    const prerendering = this.#prerender(actions, render, signal).catch(() => undefined);
    try {
      for (let i = 0; i < actions.length;) {
        const at = actions[i]!.atMs;
        await this.#sleepUntil(at, signal);
        // Everything due at the same instant goes out together (the DAQ lands all detectors).
        const batch: SummitAction[] = [];
        while (i < actions.length && actions[i]!.atMs === at) batch.push(actions[i++]!);
        await Promise.all(batch.map((a) => this.#do(a, render, signal)));
      }
    } finally {
      await prerendering;
    }
  }

  /**
   * Queues each snap's renders when its shutter opens, in detector order (the order of the
   * script), so the bytes are ready by the time the write is due.
   */
  async #prerender(
    actions: readonly SummitAction[],
    render: (a: RawAction) => Promise<RenderedRaw>,
    signal: AbortSignal,
  ): Promise<void> {
    const raws = actions.filter((a): a is RawAction => a.kind === 'raw');
    const byOpen = [...raws].sort((a, b) => a.openMs - b.openMs); // stable: detector order kept
    for (const a of byOpen) {
      await this.#sleepUntil(a.openMs, signal);
      void render(a);
    }
  }

  async #do(
    action: SummitAction,
    render: (a: RawAction) => Promise<RenderedRaw>,
    signal: AbortSignal,
  ): Promise<void> {
    const { instrument, bus, clock } = this.deps;
    this.deps.onAction?.(action);
    if (action.kind === 'next_visit') {
      const event = { ...action.event, private_sndStamp: utcMsToTaiSeconds(clock.now()) };
      this.deps.onAnnounce?.(action.visit);
      for (const f of this.#faults)
        if (f.name === 'link-outage' && f.visit === action.visit.index)
          this.deps.link?.takeDown((f.durationS ?? 600) * 1000);
      // the observatory's telemetry of the visit (pointing, filter, conditions), as the EFD
      // would have it: what the Header Service reads besides the camera's events
      await bus.publish(
        subjects.ocsEvent(instrument, VISIT_TELEMETRY_EVENT),
        encodeJson({ visit: action.visit }),
      );
      await bus.publish(subjects.nextVisit(instrument), encodeJson(event));
      this.deps.status.emit({
        activity: 'next_visit.sent',
        instrument,
        group: action.visit.groupId,
        detail: { index: action.visit.index },
      });
      return;
    }
    if (action.kind === 'ocs') {
      await bus.publish(
        subjects.ocsEvent(instrument, action.event),
        encodeJson({
          instrument,
          groupId: action.visit.groupId,
          snap: action.snap,
          // as the camera's events name the exposure (CCCamera startIntegration/endReadout)
          imageName: obsIdOf(instrument, action.openMs, action.seqNum),
          imageIndex: action.snap,
          imagesInSequence: action.visit.snaps,
          imageSequenceNumber: action.seqNum,
          timestampAcquisitionStart: utcMsToTaiSeconds(action.openMs),
          private_sndStamp: utcMsToTaiSeconds(clock.now()),
        }),
      );
      return;
    }
    let raw: RenderedRaw;
    try {
      raw = await render(action);
    } catch (err) {
      if (!isPromptlyError(err, 'PROMPTLY_E_SIM_RENDER_CRASHED')) throw err;
      this.deps.status.emit({
        activity: 'raw.lost',
        instrument,
        group: action.visit.groupId,
        detector: action.detector,
        detail: { snap: action.snap, code: err.code, message: err.message },
      });
      this.deps.onRawLost?.(action, err);
      return;
    }
    if (this.deps.onRaw)
      this.deps.onRaw(action, { ...raw, wcs: this.camera.wcs(action.visit, action.detector) });
    if (this.deps.daq) {
      const v = action.visit;
      await this.deps.daq.capture(
        {
          obsId: obsIdOf(instrument, action.openMs, action.seqNum),
          instrument,
          dayObs: dayObsOf(action.openMs),
          seqNum: action.seqNum,
          group: v.groupId,
          snap: action.snap,
          imageType: 'science',
          readoutEndMs: action.openMs + (v.exposureTimeS + this.deps.sim.readoutS) * 1000,
        },
        action.detector,
        raw.bytes,
        action.damage,
      );
      return;
    }
    const bytes = action.damage ? damageRaw(raw.bytes, action.damage) : raw.bytes;
    await this.deps.rawStore.put(
      formatRawKey({
        instrument,
        detector: action.detector,
        group: action.visit.groupId,
        snap: action.snap,
      }),
      bytes,
      { signal },
    );
  }
}
