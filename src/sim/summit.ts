import type { Bus } from '../bus/bus.js';
import { encodeJson } from '../bus/codec.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import { isPromptlyError } from '../core/errors.js';
import { subjects } from '../core/subjects.js';
import { utcMsToTaiSeconds } from '../core/time.js';
import type { StatusEmitter } from '../observe/status-emitter.js';
import type { ObjectStore } from '../store/object-store.js';
import { formatRawKey } from '../prompt/arrivals/raw-key.js';
import type { DetectorGeometry } from './amp-layout.js';
import { readOut } from './camera.js';
import { SKY_E_PER_S, randomStars, renderSky } from './detector-image.js';
import type { DetectorModel } from './detector-model.js';
import {
  nextVisitOf,
  plannedVisit,
  type NightPlanOptions,
  type PlannedVisit,
} from './night-plan.js';
import { Prng } from './prng.js';
import { rawFits } from './raw-fits.js';

export interface SummitDeps {
  readonly instrument: string;
  readonly detectors: readonly number[];
  readonly sim: Config['sim'];
  readonly bus: Bus;
  readonly clock: Clock;
  readonly rawStore: ObjectStore;
  readonly status: StatusEmitter;
  readonly geometry: DetectorGeometry;
  readonly model: (detector: number) => DetectorModel;
  /** Told of each visit as its next_visit goes out. */
  readonly onAnnounce?: (visit: PlannedVisit) => void;
}

/** PSF width of the simulated seeing, pixels (Gaussian σ). */
const PSF_SIGMA_PX = 1.6;

/**
 * The minimal summit: announces each planned visit `leadTimeMs` ahead on
 * `ocs.next_visit.<instrument>`, then for each snap publishes startIntegration,
 * startReadout and endReadout and writes every detector's raw to the store, on the summit
 * clock. Visits overlap as they do at the telescope: the next one is announced while the
 * current one is still being read out.
 */
export class Summit {
  readonly #plan: NightPlanOptions;
  #seq = 0;

  constructor(private readonly deps: SummitDeps) {
    const s = deps.sim;
    this.#plan = {
      instrument: deps.instrument,
      firstStartMs: deps.clock.now() + s.leadTimeMs,
      visits: s.visits,
      cadenceS: s.cadenceS,
      exposureTimeS: s.exposureTimeS,
      snaps: s.snaps,
      readoutS: s.readoutS,
      bands: s.bands,
      survey: s.survey,
      seed: s.seed,
    };
  }

  /** The visit planned at `index` (the night is deterministic). */
  visit(index: number): PlannedVisit {
    return plannedVisit(this.#plan, index);
  }

  /** Runs the night until its last visit is written, or until `signal` stops it. */
  async run(signal: AbortSignal): Promise<void> {
    const visits: Promise<void>[] = [];
    try {
      for (let i = 0; this.#plan.visits === 0 || i < this.#plan.visits; i++) {
        const visit = this.visit(i);
        await this.#sleepUntil(visit.startMs - this.deps.sim.leadTimeMs, signal);
        await this.#announce(visit);
        visits.push(this.#observe(visit, signal));
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

  async #announce(visit: PlannedVisit): Promise<void> {
    const { instrument, bus, clock, sim } = this.deps;
    const event = nextVisitOf(visit, { instrument, readoutS: sim.readoutS, sentMs: clock.now() });
    this.deps.onAnnounce?.(visit);
    await bus.publish(subjects.nextVisit(instrument), encodeJson(event));
    this.deps.status.emit({
      activity: 'next_visit.sent',
      instrument,
      group: visit.groupId,
      detail: { index: visit.index },
    });
  }

  async #ocs(event: string, visit: PlannedVisit, snap: number): Promise<void> {
    const { instrument, bus, clock } = this.deps;
    await bus.publish(
      subjects.ocsEvent(instrument, event),
      encodeJson({
        instrument,
        groupId: visit.groupId,
        snap,
        private_sndStamp: utcMsToTaiSeconds(clock.now()),
      }),
    );
  }

  async #observe(visit: PlannedVisit, signal: AbortSignal): Promise<void> {
    const { sim } = this.deps;
    let shutterOpenMs = visit.startMs;
    for (let snap = 0; snap < visit.snaps; snap++) {
      await this.#sleepUntil(shutterOpenMs, signal);
      const seqNum = ++this.#seq;
      await this.#ocs('startIntegration', visit, snap);
      await this.#sleepUntil(shutterOpenMs + visit.exposureTimeS * 1000, signal);
      await this.#ocs('startReadout', visit, snap);
      await this.#sleepUntil(shutterOpenMs + (visit.exposureTimeS + sim.readoutS) * 1000, signal);
      await this.#ocs('endReadout', visit, snap);
      await Promise.all(
        this.deps.detectors.map((d) =>
          this.#writeRaw(visit, d, snap, shutterOpenMs, seqNum, signal),
        ),
      );
      shutterOpenMs += (visit.exposureTimeS + sim.readoutS) * 1000;
    }
  }

  async #writeRaw(
    visit: PlannedVisit,
    detector: number,
    snap: number,
    startMs: number,
    seqNum: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { geometry: g, sim, instrument } = this.deps;
    const model = this.deps.model(detector);
    const rng = new Prng(sim.seed).fork(visit.index, detector);
    const stars = randomStars(rng.fork(0), g.width, g.height, sim.starsPerDetector).map((s) => ({
      ...s,
      flux: s.flux * (visit.exposureTimeS / 15),
    }));
    const sky = renderSky({
      width: g.width,
      height: g.height,
      skyE: (SKY_E_PER_S[visit.band] ?? 10) * visit.exposureTimeS,
      stars,
      sigmaPx: PSF_SIGMA_PX,
    });
    const flat = model.flat(visit.band);
    for (let i = 0; i < sky.length; i++) sky[i] = (sky[i] ?? 0) * (flat[i] ?? 1);
    const amps = readOut({
      geometry: g,
      electronics: model.electronics,
      electrons: sky,
      biasPatternAdu: model.biasPatternAdu,
      rng: rng.fork(1 + snap),
    });
    const bytes = await rawFits(
      { instrument, detector, visit, snap, startMs, seqNum },
      g,
      model.electronics,
      amps,
    );
    await this.deps.rawStore.put(
      formatRawKey({ instrument, detector, group: visit.groupId, snap }),
      bytes,
      { signal },
    );
  }
}
