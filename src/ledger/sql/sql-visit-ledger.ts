import { sql, type Kysely, type Selectable } from 'kysely';
import {
  PromptlyError,
  isPromptlyError,
  throwIfAborted,
  toPromptlyError,
} from '../../core/errors.js';
import type {
  ExpectedVisit,
  LedgerCallOptions,
  OpenVisit,
  OpenVisitQuery,
  Orphan,
  VisitLedger,
} from '../visit-ledger.js';
import type { LedgerDb } from './ledger-schema.js';

const MAX_LIMIT = 10_000;

/**
 * The VisitLedger over Kysely, written once for SQLite and PostgreSQL: idempotent inserts
 * (`on conflict do nothing`) and an atomic re-enqueue counter (`on conflict do update …
 * returning`), so processes sharing one database never double-count.
 */
export class SqlVisitLedger implements VisitLedger {
  #closed = false;

  constructor(
    private readonly db: Kysely<LedgerDb>,
    private readonly onDispose: () => Promise<void> = () => db.destroy(),
  ) {}

  async expect(visit: ExpectedVisit, options: LedgerCallOptions = {}): Promise<boolean> {
    this.#check(options);
    checkMs('acceptedMs', visit.acceptedMs);
    checkMs('dueMs', visit.dueMs);
    const result = await this.#run(() =>
      this.db
        .insertInto('ledger_visit')
        .values({
          instrument: visit.instrument,
          group_id: visit.group,
          accepted_ms: Math.round(visit.acceptedMs),
          due_ms: Math.round(visit.dueMs),
          detectors_json: JSON.stringify(visit.detectors),
          visit_json: JSON.stringify(visit.visit),
          closed_ms: null,
        })
        .onConflict((oc) => oc.columns(['instrument', 'group_id']).doNothing())
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async visit(
    instrument: string,
    group: string,
    options: LedgerCallOptions = {},
  ): Promise<ExpectedVisit | undefined> {
    this.#check(options);
    const r = await this.#run(() =>
      this.db
        .selectFrom('ledger_visit')
        .selectAll()
        .where('instrument', '=', instrument)
        .where('group_id', '=', group)
        .executeTakeFirst(),
    );
    return r ? expectedVisitOf(r) : undefined;
  }

  async has(instrument: string, group: string, options: LedgerCallOptions = {}): Promise<boolean> {
    this.#check(options);
    const row = await this.#run(() =>
      this.db
        .selectFrom('ledger_visit')
        .select('group_id')
        .where('instrument', '=', instrument)
        .where('group_id', '=', group)
        .executeTakeFirst(),
    );
    return row !== undefined;
  }

  async openVisits(query: OpenVisitQuery, options: LedgerCallOptions = {}): Promise<OpenVisit[]> {
    this.#check(options);
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_LIMIT)
      throw new PromptlyError(
        'PROMPTLY_E_LEDGER_INVALID',
        `limit must be an integer in 1..${MAX_LIMIT}, got ${query.limit}`,
      );
    const rows = await this.#run(() => {
      let q = this.db
        .selectFrom('ledger_visit')
        .selectAll()
        .where('instrument', '=', query.instrument)
        .where('closed_ms', 'is', null);
      if (query.dueBeforeMs !== undefined)
        q = q.where('due_ms', '<=', Math.round(query.dueBeforeMs));
      return q.orderBy('accepted_ms').orderBy('group_id').limit(query.limit).execute();
    });
    if (rows.length === 0) return [];
    const requeues = await this.#run(() =>
      this.db
        .selectFrom('ledger_requeue')
        .selectAll()
        .where('instrument', '=', query.instrument)
        .where(
          'group_id',
          'in',
          rows.map((r) => r.group_id),
        )
        .execute(),
    );
    return rows.map((r) => {
      const mine: Record<number, { count: number; lastMs: number }> = {};
      for (const q of requeues)
        if (q.group_id === r.group_id)
          mine[Number(q.detector)] = { count: Number(q.requeues), lastMs: Number(q.last_ms) };
      return { ...expectedVisitOf(r), requeues: mine };
    });
  }

  async countRequeue(
    instrument: string,
    group: string,
    detector: number,
    atMs: number,
    options: LedgerCallOptions = {},
  ): Promise<number> {
    this.#check(options);
    checkMs('atMs', atMs);
    const row = await this.#run(() =>
      this.db
        .insertInto('ledger_requeue')
        .values({
          instrument,
          group_id: group,
          detector,
          requeues: 1,
          last_ms: Math.round(atMs),
        })
        .onConflict((oc) =>
          oc.columns(['instrument', 'group_id', 'detector']).doUpdateSet({
            requeues: sql<number>`${sql.ref('ledger_requeue.requeues')} + 1`,
            last_ms: Math.round(atMs),
          }),
        )
        .returning('requeues')
        .executeTakeFirstOrThrow(),
    );
    return Number(row.requeues);
  }

  async close(
    instrument: string,
    group: string,
    atMs: number,
    options: LedgerCallOptions = {},
  ): Promise<void> {
    this.#check(options);
    checkMs('atMs', atMs);
    await this.#run(() =>
      this.db
        .updateTable('ledger_visit')
        .set({ closed_ms: Math.round(atMs) })
        .where('instrument', '=', instrument)
        .where('group_id', '=', group)
        .where('closed_ms', 'is', null)
        .execute(),
    );
  }

  async recordOrphan(orphan: Orphan, options: LedgerCallOptions = {}): Promise<boolean> {
    this.#check(options);
    checkMs('recordedMs', orphan.recordedMs);
    const result = await this.#run(() =>
      this.db
        .insertInto('ledger_orphan')
        .values({
          object_key: orphan.key,
          instrument: orphan.instrument,
          detector: orphan.detector,
          group_id: orphan.group,
          recorded_ms: Math.round(orphan.recordedMs),
        })
        .onConflict((oc) => oc.column('object_key').doNothing())
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async orphans(
    instrument: string,
    sinceMs: number,
    limit: number,
    options: LedgerCallOptions = {},
  ): Promise<Orphan[]> {
    this.#check(options);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw new PromptlyError(
        'PROMPTLY_E_LEDGER_INVALID',
        `limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`,
      );
    const rows = await this.#run(() =>
      this.db
        .selectFrom('ledger_orphan')
        .selectAll()
        .where('instrument', '=', instrument)
        .where('recorded_ms', '>=', Math.round(sinceMs))
        .orderBy('recorded_ms')
        .orderBy('object_key')
        .limit(limit)
        .execute(),
    );
    return rows.map((r) => ({
      key: r.object_key,
      instrument: r.instrument,
      detector: Number(r.detector),
      group: r.group_id,
      recordedMs: Number(r.recorded_ms),
    }));
  }

  async dispose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.onDispose();
  }

  #check(options: LedgerCallOptions): void {
    if (this.#closed) throw new PromptlyError('PROMPTLY_E_LEDGER_CLOSED', 'ledger is disposed');
    throwIfAborted(options.signal);
  }

  async #run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      // The PostgreSQL plumbing is shared with the registry, whose code it raises.
      if (isPromptlyError(err, 'PROMPTLY_E_REGISTRY_UNAVAILABLE'))
        throw new PromptlyError('PROMPTLY_E_LEDGER_UNAVAILABLE', err.message, { cause: err });
      throw toPromptlyError(err, 'PROMPTLY_E_LEDGER_UNAVAILABLE');
    }
  }
}

function checkMs(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 8.64e15)
    throw new PromptlyError(
      'PROMPTLY_E_LEDGER_INVALID',
      `${name} must be a time in ms since the Unix epoch, got ${value}`,
    );
}

/** An accepted visit as its ledger row holds it. */
function expectedVisitOf(r: Selectable<LedgerDb['ledger_visit']>): ExpectedVisit {
  return {
    instrument: r.instrument,
    group: r.group_id,
    detectors: JSON.parse(r.detectors_json) as number[],
    visit: JSON.parse(r.visit_json) as unknown,
    acceptedMs: Number(r.accepted_ms),
    dueMs: Number(r.due_ms),
  };
}
