import type { Bus } from '../bus/bus.js';
import { encodeJson } from '../bus/codec.js';
import type { Clock } from '../core/clock.js';
import { subjects } from '../core/subjects.js';
import type { StatusEvent } from './status-event.js';

/** Emits status events of one component; telemetry is volatile and lossy, so emit never throws. */
export interface StatusEmitter {
  emit(event: Omit<StatusEvent, 'component' | 'timeMs'> & { timeMs?: number }): void;
}

export function createStatusEmitter(bus: Bus, clock: Clock, component: string): StatusEmitter {
  const subject = subjects.status(component);
  return {
    emit(event) {
      const full: StatusEvent = { component, timeMs: event.timeMs ?? clock.now(), ...event };
      bus.publish(subject, encodeJson(full)).catch(() => {
        // Telemetry is best effort: a closed or busy bus must not disturb the work it reports on.
      });
    },
  };
}
