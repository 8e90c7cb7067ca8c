import type { Bus } from '../bus/bus.js';
import { encodeJson } from '../bus/codec.js';
import type { Clock } from '../core/clock.js';
import { isPromptlyError } from '../core/errors.js';
import { subjects } from '../core/subjects.js';
import { utcMsToTaiSeconds } from '../core/time.js';
import type { StatusEmitter } from '../observe/status-emitter.js';
import { formatRawKey } from '../core/raw-key.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseFaults, type FaultSpec } from './faults.js';
import { plannedVisit, type NightPlanOptions, type PlannedVisit } from './night-plan.js';
import { damageRaw, visitActions, type SummitAction } from './night-script.js';
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
  /** The camera; default one built from `sim` (pass it to share detector models). */
  readonly camera?: SimCamera;
  /** Told of each visit as its next_visit goes out. */
  readonly onAnnounce?: (visit: PlannedVisit) => void;
  /** Told of every action as it happens (event log). */
  readonly onAction?: (action: SummitAction) => void;
  /** Told of every raw written, with its truth. */
  readonly onRaw?: (action: SummitAction & { kind: 'raw' }, raw: SimRaw) => void;
}

/** Header-service and writer latency after endReadout, summit ms. */
export const WRITE_DELAY_MS = 500;

/**
 * Real ms by which next_visit goes out earlier than the lead time: a timer that fires a little
 * late (a busy process, a fast clock multiplies it) must not make the notice short of its
 * promised lead.
 */
const ANNOUNCE_SLACK_REAL_MS = 100;

/**
 * The live summit: follows the night plan on the summit clock. For each visit it publishes
 * next_visit `leadTimeMs` ahead on `ocs.next_visit.<instrument>`, the camera's
 * startIntegration / startReadout / endReadout on `ocs.<instrument>.<event>`, and after each
 * readout writes every detector's raw (rendered, read out, merged with the header service's
 * metadata, Rice-compressed) to the raw store — with the configured faults. Visits overlap
 * as at the telescope: the next is announced while the current one is read out.
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
    const leadTimeMs = this.deps.sim.leadTimeMs + ANNOUNCE_SLACK_REAL_MS * this.deps.clock.speed;
    const earliest = this.deps.clock.now() + leadTimeMs;
    if (this.#plan.firstStartMs < earliest) this.#plan = { ...this.#plan, firstStartMs: earliest };
    const visits: Promise<void>[] = [];
    try {
      for (let i = 0; this.#plan.visits === 0 || i < this.#plan.visits; i++) {
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
        visits.push(this.#perform(actions, observing));
      }
    } catch (err) {
      if (!isPromptlyError(err, 'PROMPTLY_E_ABORTED')) throw err;
    }
    const results = await Promise.allSettled(visits);
    for (const r of results) {
      if (r.status === 'rejected' && !isPromptlyError(r.reason, 'PROMPTLY_E_ABORTED'))
        throw r.reason;
    }
  }

  async #sleepUntil(ms: number, signal: AbortSignal): Promise<void> {
    await this.deps.clock.sleep(ms - this.deps.clock.now(), signal);
  }

  async #perform(actions: readonly SummitAction[], signal: AbortSignal): Promise<void> {
    for (let i = 0; i < actions.length;) {
      const at = actions[i]!.atMs;
      await this.#sleepUntil(at, signal);
      // Everything due at the same instant goes out together (the DAQ lands all detectors).
      const batch: SummitAction[] = [];
      while (i < actions.length && actions[i]!.atMs === at) batch.push(actions[i++]!);
      await Promise.all(batch.map((a) => this.#do(a, signal)));
    }
  }

  async #do(action: SummitAction, signal: AbortSignal): Promise<void> {
    const { instrument, bus, clock } = this.deps;
    this.deps.onAction?.(action);
    if (action.kind === 'next_visit') {
      const event = { ...action.event, private_sndStamp: utcMsToTaiSeconds(clock.now()) };
      this.deps.onAnnounce?.(action.visit);
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
          private_sndStamp: utcMsToTaiSeconds(clock.now()),
        }),
      );
      return;
    }
    const raw = await this.camera.raw(
      action.visit,
      action.detector,
      action.snap,
      action.openMs,
      action.seqNum,
    );
    this.deps.onRaw?.(action, raw);
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
