import type { Bus, Subscription, BusMessage } from '../../bus/bus.js';
import { decodeJson, encodeJson } from '../../bus/codec.js';
import { subjects } from '../../core/subjects.js';
import { taiSecondsToUtcMs } from '../../core/time.js';
import { toKeywords } from '../../wcs/index.js';
import type { FaultSpec } from '../../sim/faults.js';
import { headerServiceCards } from '../../sim/header-service.js';
import type { PlannedVisit } from '../../sim/night-plan.js';
import type { SimCamera } from '../../sim/sim-camera.js';
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
  /** The visit of a group id, as announced (telemetry the service follows). */
  readonly visitOf: (groupId: string) => PlannedVisit | undefined;
  /** Faults of the night: `missing-header@visit` makes it write nothing for that visit. */
  readonly faults?: readonly FaultSpec[];
  readonly log?: (line: string) => void;
}

/**
 * The Header Service, a role of its own: it follows the camera's endReadout events and the
 * observatory's telemetry (here the announced visit: pointing, filter, weather, conditions)
 * and writes one metadata object per image (`HeaderMetadataStore`), then announces it on
 * `archive.event.header.<instr>`; the image writer merges it into each detector's raw.
 */
export class HeaderService {
  readonly #o: HeaderServiceOptions;
  #sub: Subscription<BusMessage> | undefined;
  #loop: Promise<void> | undefined;
  written = 0;

  constructor(options: HeaderServiceOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const { bus, instrument } = this.#o;
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
    const visit = o.visitOf(ev.groupId);
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
    await this.#loop;
  }
}
