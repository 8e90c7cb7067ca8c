import type { Bus, BusMessage, StreamMessage, Subscription } from '../../bus/bus.js';
import { decodeJson, encodeJson } from '../../bus/codec.js';
import { subjects } from '../../core/subjects.js';
import { taiSecondsToUtcMs } from '../../core/time.js';
import { toKeywords } from '../../wcs/index.js';
import type { FaultSpec } from '../../sim/faults.js';
import { headerServiceCards } from '../../sim/header-service.js';
import type { PlannedVisit } from '../../sim/night-plan.js';
import type { SimCamera } from '../../sim/sim-camera.js';
import { VISIT_TELEMETRY_EVENT } from '../../sim/summit.js';
import { archiveSubjects } from '../archive-topology.js';
import { HeaderMetadataStore, type HeaderMetadata } from './header-metadata.js';

/** The fields of the camera's endReadout event the Header Service reads. */
export interface EndReadoutEvent {
  readonly groupId: string;
  readonly imageName: string;
  readonly imageIndex: number;
  readonly imageSequenceNumber: number;
  /** Shutter open, TAI seconds. */
  readonly timestampAcquisitionStart: number;
}

export interface HeaderServiceOptions {
  readonly instrument: string;
  readonly detectors: readonly number[];
  readonly bus: Bus;
  readonly store: HeaderMetadataStore;
  /** The camera (its geometry and the pointing it reports give each detector's header WCS). */
  readonly camera: SimCamera;
  /** Faults of the night: `missing-header@visit` makes it write nothing for that visit. */
  readonly faults?: readonly FaultSpec[];
  readonly log?: (line: string) => void;
}

/** Visits remembered (about a night of LSSTCam visits). */
const MAX_VISITS = 2000;

/**
 * The Header Service, a role of its own: it follows the camera's endReadout events and the
 * observatory's telemetry (`ocs.visit_telemetry.<instr>`, which the summit publishes as it
 * announces each visit: pointing, filter, weather, conditions; read from the OCS stream, so a
 * restarted service catches up) and writes one metadata object per image (`HeaderMetadataStore`), then announces it on
 * `archive.event.header.<instr>`; the image writer merges it into each detector's raw.
 */
export class HeaderService {
  readonly #o: HeaderServiceOptions;
  #sub: Subscription<BusMessage> | undefined;
  #telemetry: Subscription<StreamMessage> | undefined;
  #loop: Promise<void> | undefined;
  #telemetryLoop: Promise<void> | undefined;
  /** Announced visits by group id, newest last (the last MAX_VISITS kept). */
  readonly #visits = new Map<string, PlannedVisit>();
  written = 0;

  constructor(options: HeaderServiceOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const { bus, instrument } = this.#o;
    // the visits announced lately (a restarted service catches up), then each new one
    this.#telemetry = await bus.readStream('OCS', {
      deliver: { kind: 'last', count: MAX_VISITS },
      filter: subjects.ocsEvent(instrument, VISIT_TELEMETRY_EVENT),
    });
    const telemetry = this.#telemetry;
    this.#telemetryLoop = (async () => {
      for await (const m of telemetry) {
        const { visit } = decodeJson(m.data) as { visit: PlannedVisit };
        this.#visits.set(visit.groupId, visit);
        if (this.#visits.size > MAX_VISITS) this.#visits.delete(this.#visits.keys().next().value!);
      }
    })();
    this.#sub = await bus.subscribe(subjects.ocsEvent(instrument, 'endReadout'));
    const sub = this.#sub;
    this.#loop = (async () => {
      for await (const msg of sub) {
        try {
          await this.#onEndReadout(decodeJson(msg.data) as EndReadoutEvent);
        } catch (err) {
          this.#o.log?.(`header service: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
  }

  async #onEndReadout(ev: EndReadoutEvent): Promise<void> {
    const o = this.#o;
    const visit = this.#visits.get(ev.groupId);
    if (!visit) {
      o.log?.(`header service: endReadout of unknown group ${ev.groupId}; no metadata written`);
      return;
    }
    if (o.faults?.some((f) => f.name === 'missing-header' && f.visit === visit.index)) return;
    const startMs = Math.round(taiSecondsToUtcMs(ev.timestampAcquisitionStart));
    const snap = {
      instrument: o.instrument,
      detector: o.detectors[0] ?? 0,
      visit,
      snap: ev.imageIndex,
      startMs,
      seqNum: ev.imageSequenceNumber,
    };
    const detectorCards: Record<string, ReturnType<typeof toKeywords>> = {};
    for (const d of o.detectors)
      detectorCards[String(d)] = toKeywords(o.camera.headerWcs(visit, d));
    const meta: HeaderMetadata = {
      obsId: ev.imageName,
      instrument: o.instrument,
      group: ev.groupId,
      snap: ev.imageIndex,
      cards: headerServiceCards(snap),
      detectorCards,
    };
    await o.store.put(meta);
    this.written++;
    await o.bus.publish(
      archiveSubjects.event('header', o.instrument),
      encodeJson({ obsId: meta.obsId, group: meta.group, snap: meta.snap }),
    );
  }

  async close(): Promise<void> {
    await this.#sub?.close();
    await this.#telemetry?.close();
    await this.#loop;
    await this.#telemetryLoop;
  }
}
