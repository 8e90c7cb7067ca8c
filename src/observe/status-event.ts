/** One status event: every activity of every component emits these on `status.<component>`. */
export interface StatusEvent {
  /** e.g. `fanout`, `worker`, `sim`, `router`. */
  readonly component: string;
  /** What happened, e.g. `next_visit.accepted`, `snap.arrived`, `pipeline.end`. */
  readonly activity: string;
  readonly instrument?: string;
  readonly group?: string;
  readonly detector?: number;
  /** Summit-clock time of the event, ms since the Unix epoch (UTC). */
  readonly timeMs: number;
  /** Free-form detail (JSON-serialisable). */
  readonly detail?: Readonly<Record<string, unknown>>;
}
