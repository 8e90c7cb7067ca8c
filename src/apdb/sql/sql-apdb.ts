import type { CompiledQuery, Kysely } from 'kysely';
import {
  PromptlyError,
  isPromptlyError,
  throwIfAborted,
  toPromptlyError,
} from '../../core/errors.js';
import {
  DIA_FORCED_SOURCE_COLUMNS,
  DIA_OBJECT_COLUMNS,
  DIA_SOURCE_COLUMNS,
  SS_OBJECT_COLUMNS,
  fromRow,
  toRow,
  type ColumnSpec,
} from '../apdb-columns.js';
import type {
  DiaForcedSourceRecord,
  DiaObjectRecord,
  DiaSourceRecord,
  SsObjectRecord,
} from '../apdb-records.js';
import {
  DEFAULT_MAX_OBJECTS,
  MAX_ID_LIST,
  MAX_OBJECTS_LIMIT,
  type Apdb,
  type ApdbCallOptions,
  type ApdbPreload,
  type ApdbPreloadQuery,
  type ApdbWrite,
  type ApdbWriteReceipt,
} from '../apdb.js';
import { checkWrite } from '../check-write.js';
import { checkId, packDiaId } from '../dia-ids.js';
import { APDB_HEALPIX_ORDER, healpixAng2PixNest } from '../healpix.js';
import { compileRegion, coverRanges, unitVector, type SkyRegion } from '../sky-region.js';
import { PIXEL_COLUMN, type ApdbDb, type ApdbRow } from './apdb-schema.js';

/**
 * Runs a store: `marker` (an insert of the write marker that does nothing when the
 * visit-detector's marker exists) and, only when it inserted a row, `rest` — all in one
 * transaction. Resolves false, having written nothing, when the marker existed. Each backend
 * supplies one (SQLite: one synchronous BEGIN IMMEDIATE transaction; PostgreSQL: one
 * transaction whose marker insert waits for a concurrent writer of the same marker).
 */
export type ApdbWriteTransaction = (
  marker: CompiledQuery,
  rest: readonly CompiledQuery[],
) => Promise<boolean>;

/** Bound parameters of one statement: below SQLite's 32 766 and PostgreSQL's 65 535. */
const MAX_PARAMETERS = 30_000;
/** Ids per `in (…)` list. */
const ID_CHUNK = 1_000;

/**
 * The Apdb over Kysely, written once for SQLite and PostgreSQL; the backend gives the
 * transaction runner (see {@link ApdbWriteTransaction}) and how to dispose.
 */
export class SqlApdb implements Apdb {
  #closed = false;

  constructor(
    private readonly db: Kysely<ApdbDb>,
    private readonly runWrite: ApdbWriteTransaction,
    private readonly onDispose: () => Promise<void> = () => db.destroy(),
  ) {}

  async preload(query: ApdbPreloadQuery, options: ApdbCallOptions = {}): Promise<ApdbPreload> {
    this.#check(options);
    checkMjd('sinceMjdTai', query.sinceMjdTai);
    const diaObjects = await this.diaObjects(query.region, query.maxObjects, options);
    const ids = diaObjects.map((o) => o.diaObjectId);
    const diaSources = await this.diaSources(ids, query.sinceMjdTai, options);
    const diaForcedSources = await this.diaForcedSources(ids, query.sinceMjdTai, options);
    return { diaObjects, diaSources, diaForcedSources };
  }

  async diaObjects(
    region: SkyRegion,
    maxObjects = DEFAULT_MAX_OBJECTS,
    options: ApdbCallOptions = {},
  ): Promise<DiaObjectRecord[]> {
    this.#check(options);
    if (!Number.isInteger(maxObjects) || maxObjects < 1 || maxObjects > MAX_OBJECTS_LIMIT)
      throw invalid(`maxObjects must be an integer in 1..${MAX_OBJECTS_LIMIT}, got ${maxObjects}`);
    const compiled = compileRegion(region);
    const ranges = coverRanges(compiled.centre, compiled.radiusRad);
    // The ranges cover more than the region: allow for that before refusing.
    const sqlLimit = 4 * maxObjects + 1_000;
    const rows = await this.#run(() =>
      this.db
        .selectFrom('apdb_dia_object')
        .selectAll()
        .where((eb) =>
          eb.or(
            ranges.map(([start, end]) =>
              eb.and([eb(PIXEL_COLUMN, '>=', start), eb(PIXEL_COLUMN, '<', end)]),
            ),
          ),
        )
        .limit(sqlLimit)
        .execute(),
    );
    if (rows.length >= sqlLimit) throw tooMany(maxObjects);
    const out = rows
      .map((r) => fromRow<DiaObjectRecord>(DIA_OBJECT_COLUMNS, r))
      .filter((o) => compiled.contains(unitVector(o.ra, o.dec)))
      .sort((a, b) => a.diaObjectId - b.diaObjectId);
    if (out.length > maxObjects) throw tooMany(maxObjects);
    return out;
  }

  async diaSources(
    diaObjectIds: readonly number[],
    sinceMjdTai: number,
    options: ApdbCallOptions = {},
  ): Promise<DiaSourceRecord[]> {
    this.#check(options);
    checkMjd('sinceMjdTai', sinceMjdTai);
    const rows = await this.#byObject('apdb_dia_source', diaObjectIds, sinceMjdTai, options);
    return rows
      .map((r) => fromRow<DiaSourceRecord>(DIA_SOURCE_COLUMNS, r))
      .sort((a, b) => a.midpointMjdTai - b.midpointMjdTai || a.diaSourceId - b.diaSourceId);
  }

  async diaForcedSources(
    diaObjectIds: readonly number[],
    sinceMjdTai: number,
    options: ApdbCallOptions = {},
  ): Promise<DiaForcedSourceRecord[]> {
    this.#check(options);
    checkMjd('sinceMjdTai', sinceMjdTai);
    const rows = await this.#byObject('apdb_dia_forced_source', diaObjectIds, sinceMjdTai, options);
    return rows
      .map((r) => fromRow<DiaForcedSourceRecord>(DIA_FORCED_SOURCE_COLUMNS, r))
      .sort(
        (a, b) => a.midpointMjdTai - b.midpointMjdTai || a.diaForcedSourceId - b.diaForcedSourceId,
      );
  }

  async visitDetectorSources(
    visit: number,
    detector: number,
    options: ApdbCallOptions = {},
  ): Promise<DiaSourceRecord[]> {
    this.#check(options);
    packDiaId(visit, detector, 0);
    const rows = await this.#run(() =>
      this.db
        .selectFrom('apdb_dia_source')
        .selectAll()
        .where('visit', '=', visit)
        .where('detector', '=', detector)
        .orderBy('diaSourceId')
        .execute(),
    );
    return rows.map((r) => fromRow<DiaSourceRecord>(DIA_SOURCE_COLUMNS, r));
  }

  async ssObjects(
    ids: readonly number[],
    options: ApdbCallOptions = {},
  ): Promise<SsObjectRecord[]> {
    this.#check(options);
    const out: SsObjectRecord[] = [];
    for (const chunk of idChunks(ids, 'ssObjectId')) {
      throwIfAborted(options.signal);
      const rows = await this.#run(() =>
        this.db.selectFrom('apdb_ss_object').selectAll().where('ssObjectId', 'in', chunk).execute(),
      );
      for (const r of rows) out.push(fromRow<SsObjectRecord>(SS_OBJECT_COLUMNS, r));
    }
    return out.sort((a, b) => a.ssObjectId - b.ssObjectId);
  }

  async store(write: ApdbWrite, options: ApdbCallOptions = {}): Promise<ApdbWriteReceipt> {
    this.#check(options);
    const w = checkWrite(write);
    const receipt: ApdbWriteReceipt = {
      visit: w.visit,
      detector: w.detector,
      diaSources: w.diaSources.length,
      diaObjects: w.diaObjects.length,
      diaForcedSources: w.diaForcedSources.length,
      ssObjects: w.ssObjects.length,
      writtenMs: w.writtenMs,
    };
    const marker = this.db
      .insertInto('apdb_visit_detector')
      .values({
        visit: w.visit,
        detector: w.detector,
        dia_sources: receipt.diaSources,
        dia_objects: receipt.diaObjects,
        dia_forced_sources: receipt.diaForcedSources,
        ss_objects: receipt.ssObjects,
        written_ms: w.writtenMs,
      })
      .onConflict((oc) => oc.columns(['visit', 'detector']).doNothing())
      .compile();
    const withPixel = (spec: ColumnSpec, r: DiaSourceRecord | DiaObjectRecord): ApdbRow => ({
      ...(toRow(spec, r) as ApdbRow),
      [PIXEL_COLUMN]: healpixAng2PixNest(APDB_HEALPIX_ORDER, r.ra, r.dec),
    });
    const rest = [
      ...this.#inserts(
        'apdb_dia_source',
        w.diaSources.map((s) => withPixel(DIA_SOURCE_COLUMNS, s)),
      ),
      ...this.#upserts(
        'apdb_dia_object',
        'diaObjectId',
        w.diaObjects.map((o) => withPixel(DIA_OBJECT_COLUMNS, o)),
      ),
      ...this.#inserts(
        'apdb_dia_forced_source',
        w.diaForcedSources.map((f) => toRow(DIA_FORCED_SOURCE_COLUMNS, f) as ApdbRow),
      ),
      ...this.#upserts(
        'apdb_ss_object',
        'ssObjectId',
        w.ssObjects.map((o) => toRow(SS_OBJECT_COLUMNS, o) as ApdbRow),
      ),
    ];
    throwIfAborted(options.signal);
    const wrote = await this.#run(() => this.runWrite(marker, rest));
    if (!wrote)
      throw new PromptlyError(
        'PROMPTLY_E_APDB_ALREADY_WRITTEN',
        `visit ${w.visit} detector ${w.detector} has already written to the APDB; refusing to write it again`,
      );
    return receipt;
  }

  async written(
    visit: number,
    detector: number,
    options: ApdbCallOptions = {},
  ): Promise<ApdbWriteReceipt | undefined> {
    this.#check(options);
    packDiaId(visit, detector, 0);
    const row = await this.#run(() =>
      this.db
        .selectFrom('apdb_visit_detector')
        .selectAll()
        .where('visit', '=', visit)
        .where('detector', '=', detector)
        .executeTakeFirst(),
    );
    if (row === undefined) return undefined;
    return {
      visit: Number(row.visit),
      detector: Number(row.detector),
      diaSources: Number(row.dia_sources),
      diaObjects: Number(row.dia_objects),
      diaForcedSources: Number(row.dia_forced_sources),
      ssObjects: Number(row.ss_objects),
      writtenMs: Number(row.written_ms),
    };
  }

  async hasWritten(
    visit: number,
    detector: number,
    options: ApdbCallOptions = {},
  ): Promise<boolean> {
    return (await this.written(visit, detector, options)) !== undefined;
  }

  async dispose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.onDispose();
  }

  /** Multi-row inserts, chunked to stay under the parameter limit. */
  #inserts(table: keyof ApdbDb & `apdb_${string}`, rows: readonly ApdbRow[]): CompiledQuery[] {
    return rowChunks(rows).map((chunk) =>
      this.db
        .insertInto(table as 'apdb_dia_source')
        .values(chunk)
        .compile(),
    );
  }

  /** Multi-row inserts that replace the row of an existing key. */
  #upserts(
    table: 'apdb_dia_object' | 'apdb_ss_object',
    key: string,
    rows: readonly ApdbRow[],
  ): CompiledQuery[] {
    return rowChunks(rows).map((chunk) => {
      const columns = Object.keys(chunk[0] ?? {}).filter((c) => c !== key);
      return this.db
        .insertInto(table as 'apdb_dia_object')
        .values(chunk)
        .onConflict((oc) =>
          oc
            .column(key)
            .doUpdateSet((eb) =>
              Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)])),
            ),
        )
        .compile();
    });
  }

  async #byObject(
    table: 'apdb_dia_source' | 'apdb_dia_forced_source',
    ids: readonly number[],
    sinceMjdTai: number,
    options: ApdbCallOptions,
  ): Promise<ApdbRow[]> {
    const out: ApdbRow[] = [];
    for (const chunk of idChunks(ids, 'diaObjectId')) {
      throwIfAborted(options.signal);
      const rows = await this.#run(() =>
        this.db
          .selectFrom(table as 'apdb_dia_source')
          .selectAll()
          .where('diaObjectId', 'in', chunk)
          .where('midpointMjdTai', '>=', sinceMjdTai)
          .execute(),
      );
      out.push(...rows);
    }
    return out;
  }

  #check(options: ApdbCallOptions): void {
    if (this.#closed) throw new PromptlyError('PROMPTLY_E_APDB_CLOSED', 'APDB is disposed');
    throwIfAborted(options.signal);
  }

  async #run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      throw apdbError(err);
    }
  }
}

/** Database errors as APDB codes: unique violations are conflicts, lost servers UNAVAILABLE. */
export function apdbError(err: unknown): PromptlyError {
  if (isPromptlyError(err, 'PROMPTLY_E_REGISTRY_UNAVAILABLE'))
    return new PromptlyError('PROMPTLY_E_APDB_UNAVAILABLE', err.message, { cause: err });
  if (isPromptlyError(err)) return err;
  const code =
    typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  if (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  )
    return new PromptlyError(
      'PROMPTLY_E_APDB_CONFLICT',
      `APDB write collides with stored rows: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT')
    return toPromptlyError(err, 'PROMPTLY_E_APDB_UNAVAILABLE');
  return toPromptlyError(err, 'PROMPTLY_E_APDB_UNAVAILABLE');
}

function invalid(message: string): PromptlyError {
  return new PromptlyError('PROMPTLY_E_APDB_INVALID', message);
}

function tooMany(maxObjects: number): PromptlyError {
  return invalid(`the region holds more than maxObjects = ${maxObjects} diaObjects`);
}

function checkMjd(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1e6)
    throw invalid(`${what} must be an MJD in [0, 1e6), got ${String(value)}`);
}

function idChunks(ids: readonly number[], what: string): number[][] {
  if (!Array.isArray(ids)) throw invalid(`${what} list must be an array`);
  if (ids.length > MAX_ID_LIST)
    throw invalid(`at most ${MAX_ID_LIST} ${what}s per lookup, got ${ids.length}`);
  const unique = [...new Set(ids.map((id) => checkId(what, id)))];
  const chunks: number[][] = [];
  for (let i = 0; i < unique.length; i += ID_CHUNK) chunks.push(unique.slice(i, i + ID_CHUNK));
  return chunks;
}

function rowChunks(rows: readonly ApdbRow[]): ApdbRow[][] {
  if (rows.length === 0) return [];
  const perRow = Object.keys(rows[0] ?? {}).length;
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / perRow));
  const out: ApdbRow[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
