/**
 * The VisitLedger contract: zero-loss accounting of accepted next_visits. The fan-out records
 * a visit here, with every visit-detector it expects, before it answers "accepted"; the
 * reconciler reads the visits still open and makes sure each expected visit-detector ends in
 * exactly one outcome (the outcome itself lives in the central repo — the ledger is the list
 * of what must have one). Raws that arrive for no accepted visit are recorded as orphans.
 *
 * Backends (`sql/` over Kysely: SQLite embedded, PostgreSQL distributed) pass
 * `testing/ledger-conformance.ts` unchanged. Every write is idempotent, so several processes
 * may share one ledger.
 */

/** One accepted visit and what it promises. */
export interface ExpectedVisit {
  readonly instrument: string;
  readonly group: string;
  /** Detector ids fanned out, each owed one outcome. */
  readonly detectors: readonly number[];
  /** The next_visit as accepted (JSON-serialisable), so a lost work item can be rebuilt. */
  readonly visit: unknown;
  /** When the fan-out accepted it, real ms since the Unix epoch. */
  readonly acceptedMs: number;
  /**
   * Real ms after which a visit-detector without an outcome is overdue: the work item's whole
   * life (snap deadline, redeliveries, pipeline) has passed. The reconciler of a running
   * deployment acts only on overdue visit-detectors.
   */
  readonly dueMs: number;
}

/** An expected visit whose outcomes are not all known yet. */
export interface OpenVisit extends ExpectedVisit {
  /** Re-enqueues so far, by detector id (absent = none). */
  readonly requeues: Readonly<Record<number, { readonly count: number; readonly lastMs: number }>>;
}

/** A raw that arrived for no accepted visit. */
export interface Orphan {
  readonly key: string;
  readonly instrument: string;
  readonly detector: number;
  readonly group: string;
  /** Real ms when it was found to be an orphan. */
  readonly recordedMs: number;
}

export interface LedgerCallOptions {
  readonly signal?: AbortSignal;
}

export interface OpenVisitQuery {
  readonly instrument: string;
  /** Only visits whose `dueMs` is at or before this (real ms); omit for every open visit. */
  readonly dueBeforeMs?: number;
  /** At most this many (integer 1..10 000), oldest accepted first. */
  readonly limit: number;
}

export interface VisitLedger {
  /**
   * Durably records an accepted visit; resolves only once it is stored. Idempotent by
   * (instrument, group): a second call keeps the first record and resolves `false`.
   */
  expect(visit: ExpectedVisit, options?: LedgerCallOptions): Promise<boolean>;
  /** Whether a visit of (instrument, group) was accepted. */
  has(instrument: string, group: string, options?: LedgerCallOptions): Promise<boolean>;
  /** The accepted visit of (instrument, group), open or closed (catch-up processing reads it). */
  visit(
    instrument: string,
    group: string,
    options?: LedgerCallOptions,
  ): Promise<ExpectedVisit | undefined>;
  /** Visits not yet closed, oldest accepted first. */
  openVisits(query: OpenVisitQuery, options?: LedgerCallOptions): Promise<OpenVisit[]>;
  /**
   * Counts one more re-enqueue of a visit-detector at `atMs` (real ms) and returns the new
   * count; atomic across processes.
   */
  countRequeue(
    instrument: string,
    group: string,
    detector: number,
    atMs: number,
    options?: LedgerCallOptions,
  ): Promise<number>;
  /** Marks a visit closed: every expected visit-detector has its outcome. Idempotent. */
  close(
    instrument: string,
    group: string,
    atMs: number,
    options?: LedgerCallOptions,
  ): Promise<void>;
  /** Records an orphan raw; idempotent by key (`false` when already recorded). */
  recordOrphan(orphan: Orphan, options?: LedgerCallOptions): Promise<boolean>;
  /** Orphans of an instrument recorded at or after `sinceMs`, oldest first, at most `limit`. */
  orphans(
    instrument: string,
    sinceMs: number,
    limit: number,
    options?: LedgerCallOptions,
  ): Promise<Orphan[]>;
  /** Releases connections; later calls reject with PROMPTLY_E_LEDGER_CLOSED. */
  dispose(): Promise<void>;
}

/** Most open visits a caller asks for at once (a night of LSSTCam visits and then some). */
const OPEN_GROUPS_LIMIT = 10_000;

/**
 * The groups of `instrument`'s visits still open in the ledger (what the OODS keeps pinned:
 * their images may still be read by prompt processing).
 */
export async function openVisitGroups(
  ledger: VisitLedger,
  instrument: string,
): Promise<ReadonlySet<string>> {
  const open = await ledger.openVisits({ instrument, limit: OPEN_GROUPS_LIMIT });
  return new Set(open.map((v) => v.group));
}
