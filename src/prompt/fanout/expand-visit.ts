import { activeDetectors, getInstrument, type DetectorPurpose } from '../../core/instruments.js';
import type { FannedOutVisit, NextVisit } from '../../core/next-visit.js';

/** One work item per active detector of the visit's instrument, in detector id order. */
export function expandVisit(
  visit: NextVisit,
  purposes: readonly DetectorPurpose[] = ['science'],
): FannedOutVisit[] {
  const instrument = getInstrument(visit.instrument);
  return activeDetectors(instrument, purposes).map((d) => ({ ...visit, detector: d.id }));
}
