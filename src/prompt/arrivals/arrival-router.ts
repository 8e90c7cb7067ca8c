import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import { realNowMs, type Clock } from '../../core/clock.js';
import { isPromptlyError } from '../../core/errors.js';
import { INSTRUMENTS } from '../../core/instruments.js';
import { subjects } from '../../core/subjects.js';
import type { StatusEmitter } from '../../observe/status-emitter.js';
import type { ArrivalNotice, NoticeSink } from '../../store/object-store.js';
import type { RawArrival } from './raw-arrival.js';
import { parseRawKey } from '../../core/raw-key.js';

/**
 * Turns the raw store's arrival notices into `raw.arrived.<instrument>.<detector>.<group>`
 * messages, so each worker hears only about its own visit-detector. Keys that are not raws
 * of a known instrument (quarantine, outputs) are ignored with a status event.
 */
export function createArrivalRouter(deps: {
  bus: Bus;
  clock: Clock;
  status: StatusEmitter;
}): NoticeSink {
  return async (notice: ArrivalNotice) => {
    const arrivedMs = realNowMs();
    for (const record of notice.Records) {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      let raw;
      try {
        raw = parseRawKey(key);
      } catch (err) {
        if (!isPromptlyError(err)) throw err;
        deps.status.emit({ activity: 'notice.ignored', detail: { key, reason: err.message } });
        continue;
      }
      if (!INSTRUMENTS.has(raw.instrument)) {
        deps.status.emit({
          activity: 'notice.ignored',
          detail: { key, reason: 'unknown instrument' },
        });
        continue;
      }
      const arrival: RawArrival = {
        key,
        instrument: raw.instrument,
        detector: raw.detector,
        group: raw.group,
        snap: raw.snap,
        size: record.s3.object.size,
        eTag: record.s3.object.eTag,
        arrivedMs,
      };
      await deps.bus.publish(
        subjects.rawArrived(raw.instrument, raw.detector, raw.group),
        encodeJson(arrival),
      );
      deps.status.emit({
        activity: 'raw.arrived',
        instrument: raw.instrument,
        group: raw.group,
        detector: raw.detector,
        detail: { snap: raw.snap, key },
      });
    }
  };
}
