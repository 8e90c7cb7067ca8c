/**
 * Bus subject names, in one place. Subjects are dot-separated tokens; a token holds no
 * dot, space, `*` or `>`. Values that may contain those (group ids are ISO timestamps)
 * go through `subjectToken`.
 */

/** Encodes any string as one subject token: unsafe characters become `_XX` hex escapes. */
export function subjectToken(value: string): string {
  if (value === '') return '_';
  return value.replace(/[^A-Za-z0-9\-:+]/g, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x100 ? `_${code.toString(16).padStart(2, '0')}` : `_u${code.toString(16)}_`;
  });
}

export const subjects = {
  /** next_visit events as the summit publishes them. */
  nextVisit: (instrument: string) => `ocs.next_visit.${subjectToken(instrument)}`,
  nextVisitAll: 'ocs.next_visit.>',
  /** Other OCS events (startIntegration, startReadout, endReadout…). */
  ocsEvent: (instrument: string, event: string) =>
    `ocs.${subjectToken(event)}.${subjectToken(instrument)}`,
  /** A next_visit was accepted and recorded in the ledger (AcceptedVisit). */
  visitAccepted: (instrument: string) => `visit.accepted.${subjectToken(instrument)}`,
  visitAcceptedAll: 'visit.accepted.>',
  /** Work items, one per visit-detector. */
  work: (instrument: string) => `work.visit.${subjectToken(instrument)}`,
  /** Dead letters of the work queue. */
  workDead: (instrument: string) => `work.dead.${subjectToken(instrument)}`,
  /** A raw has landed in the store, routed so a worker hears only its own. */
  rawArrived: (instrument: string, detector: number, group: string) =>
    `raw.arrived.${subjectToken(instrument)}.${detector}.${subjectToken(group)}`,
  rawArrivedAll: 'raw.arrived.>',
  /** A raw was ingested into a repo. */
  ingest: (instrument: string) => `ingest.${subjectToken(instrument)}`,
  /** Outcomes, one per visit-detector. */
  outcome: (instrument: string) => `outcome.${subjectToken(instrument)}`,
  outcomeAll: 'outcome.>',
  /** Commands to a component: `cmd.<component>.<verb>.<instrument>` (one responder answers). */
  command: (component: string, verb: string, instrument: string) =>
    `cmd.${subjectToken(component)}.${subjectToken(verb)}.${subjectToken(instrument)}`,
  /** Telemetry: status events of one component. */
  status: (component: string) => `status.${subjectToken(component)}`,
  statusAll: 'status.>',
  /** Telemetry, latest value kept: heartbeat of one role process (`<id>` is made a token). */
  health: (instrument: string, role: string, id: string) =>
    `health.${subjectToken(instrument)}.${subjectToken(role)}.${subjectToken(id)}`,
  healthAll: 'health.>',
  /** Confluent-framed Avro alerts of one instrument (src/alerts). */
  alerts: (instrument: string) => `alerts.${subjectToken(instrument)}`,
  alertsAll: 'alerts.>',
} as const;
