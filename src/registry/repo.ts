import { isPromptlyError, PromptlyError, throwIfAborted } from '../core/errors.js';
import { md5Hex, unquoteETag } from '../store/arrival-notice.js';
import type { ObjectInfo, ObjectStore } from '../store/object-store.js';
import { checkDataId } from './data-id.js';
import { datastoreKey } from './datastore-key.js';
import { KeyedMutex } from './keyed-mutex.js';
import type {
  DataId,
  DatasetRef,
  DatasetType,
  IngestRequest,
  Registry,
  Timespan,
} from './registry.js';

export interface RepoOptions {
  /** The SQL half: what exists, by data ID. */
  readonly registry: Registry;
  /** The bytes, at each dataset's `uri`. */
  readonly datastore: ObjectStore;
}

export interface RepoCallOptions {
  readonly signal?: AbortSignal;
}

export interface TransferOptions extends RepoCallOptions {
  /**
   * Calibration collections of the source whose certifications of the transferred datasets
   * are copied too (into local calibration collections of the same names, created if
   * needed). Default: none.
   */
  readonly certifications?: readonly string[];
  /** Datasets copied at once. Default 8. */
  readonly concurrency?: number;
}

export interface TransferResult {
  /** The local ref of every requested dataset, in request order. */
  readonly refs: DatasetRef[];
  /** How many were copied (bytes and registry entry). */
  readonly copied: number;
  /** How many were already present, identical, and left alone. */
  readonly skipped: number;
  /** How many certifications were applied locally (repeats of existing ones included). */
  readonly certified: number;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      throwIfAborted(signal);
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * A Butler-like repo: a Registry (what exists, by data ID) plus an ObjectStore datastore
 * (the bytes). Datasets written by put live at a deterministic key (see datastoreKey);
 * those the repo wrote are the ones removeRun deletes from the datastore. Files registered
 * in place with ingestExisting belong to whoever put them and are never deleted here.
 * The repo does not own its registry and datastore until close(), which closes both.
 */
export class Repo {
  readonly registry: Registry;
  readonly datastore: ObjectStore;
  readonly #locks = new KeyedMutex();
  readonly #types = new Map<string, DatasetType>();

  constructor(options: RepoOptions) {
    this.registry = options.registry;
    this.datastore = options.datastore;
  }

  /**
   * Stores `bytes` as a dataset and registers it; resolves with its ref. Idempotent: the
   * same bytes again return the existing ref without touching the datastore; other bytes
   * for the same (type, data ID, run) are PROMPTLY_E_REGISTRY_CONFLICT, and the stored
   * file is left as it was. Puts of one dataset through one Repo are serialised; across
   * processes sharing the datastore and registry the file is written once (ifAbsent), so
   * of two writers with different bytes one wins and the other gets REGISTRY_CONFLICT, and
   * the registered checksum is always that of the stored bytes. An unregistered file with
   * other bytes at the dataset's key (left by a crashed writer) is a conflict too: remove it
   * to put the dataset again.
   */
  async put(
    datasetType: string,
    dataId: DataId,
    run: string,
    bytes: Uint8Array,
    options: RepoCallOptions = {},
  ): Promise<DatasetRef> {
    throwIfAborted(options.signal);
    const type = await this.#type(datasetType);
    const clean = checkDataId(dataId, type.dimensions);
    const key = datastoreKey(type, clean, run);
    return this.#locks.run(key, async () => {
      const existing = await this.#findInRun(type.name, clean, run);
      if (existing !== undefined) {
        if (
          existing.uri === key &&
          existing.sizeBytes === bytes.length &&
          existing.checksum === md5Hex(bytes)
        ) {
          return existing;
        }
        throw new PromptlyError(
          'PROMPTLY_E_REGISTRY_CONFLICT',
          `${type.name} ${JSON.stringify(clean)} in run ${run} already exists with other content`,
        );
      }
      const { info } = await this.#writeOnce(key, bytes, 'put', options.signal);
      const [ref] = await this.registry.ingest([
        {
          datasetType: type.name,
          dataId: clean,
          run,
          uri: key,
          sizeBytes: info.size,
          checksum: unquoteETag(info.eTag),
        },
      ]);
      return ref!;
    });
  }

  /** The bytes of a dataset. */
  get(ref: DatasetRef, options: RepoCallOptions = {}): Promise<Uint8Array> {
    return this.datastore.get(ref.uri, { signal: options.signal });
  }

  /** See Registry.findDataset. */
  find(
    datasetType: string,
    dataId: DataId,
    collections: readonly string[],
  ): Promise<DatasetRef | undefined> {
    return this.registry.findDataset(datasetType, dataId, collections);
  }

  /** See Registry.findCalibration; `timeMs` is ms since the Unix epoch (UTC). */
  findCalibration(
    datasetType: string,
    dataId: DataId,
    collections: readonly string[],
    timeMs: number,
  ): Promise<DatasetRef | undefined> {
    return this.registry.findCalibration(datasetType, dataId, collections, timeMs);
  }

  /**
   * Registers an object already in the datastore at `key` (e.g. a raw that landed there),
   * with size and checksum from head(). Idempotent. Missing object: PROMPTLY_E_STORE_NOT_FOUND.
   */
  async ingestExisting(
    datasetType: string,
    dataId: DataId,
    run: string,
    key: string,
    options: RepoCallOptions = {},
  ): Promise<DatasetRef> {
    const info = await this.datastore.head(key, { signal: options.signal });
    if (info === undefined)
      throw new PromptlyError('PROMPTLY_E_STORE_NOT_FOUND', `ingestExisting: no object at ${key}`);
    const [ref] = await this.registry.ingest([
      {
        datasetType,
        dataId,
        run,
        uri: key,
        sizeBytes: info.size,
        checksum: unquoteETag(info.eTag),
      },
    ]);
    return ref!;
  }

  /**
   * Copies datasets from another repo: bytes to this datastore's deterministic key, registry
   * entries with the same ids, runs and data IDs (dataset types registered as needed, in
   * one atomic ingest), and certifications from `options.certifications` when asked.
   * Datasets already here with the same checksum are skipped; with another checksum,
   * PROMPTLY_E_REGISTRY_CONFLICT before anything is written. Files are written once, as by
   * put: a file already at the key with the same bytes is adopted, with other bytes it is
   * PROMPTLY_E_REGISTRY_CONFLICT. Bytes whose MD5 does not match the source's checksum are
   * PROMPTLY_E_STORE_IO.
   */
  async transfer(
    from: Repo,
    refs: readonly DatasetRef[],
    options: TransferOptions = {},
  ): Promise<TransferResult> {
    const { signal } = options;
    throwIfAborted(signal);
    for (const name of new Set(refs.map((r) => r.datasetType))) await this.#adoptType(from, name);
    const local = await Promise.all(
      refs.map((r) => this.#findInRun(r.datasetType, r.dataId, r.run)),
    );
    local.forEach((have, i) => {
      if (have !== undefined && have.checksum !== refs[i]!.checksum) {
        throw new PromptlyError(
          'PROMPTLY_E_REGISTRY_CONFLICT',
          `transfer: ${have.datasetType} ${JSON.stringify(have.dataId)} in ${have.run} differs here (checksum ${have.checksum} vs ${refs[i]!.checksum})`,
        );
      }
    });
    const todo = refs
      .map((r, i) => ({ ref: r, index: i }))
      .filter(({ index }) => local[index] === undefined);
    const requests = await mapLimit(todo, options.concurrency ?? 8, signal, async ({ ref }) => {
      const type = await this.#type(ref.datasetType);
      const bytes = await from.get(ref, { signal });
      const key = datastoreKey(type, ref.dataId, ref.run);
      const { info, wrote } = await this.#writeOnce(key, bytes, 'transfer', signal);
      const checksum = unquoteETag(info.eTag);
      if (
        /^[0-9a-f]{32}$/i.test(ref.checksum) &&
        checksum.toLowerCase() !== ref.checksum.toLowerCase()
      ) {
        // What we wrote is unregistered, so ours to drop; a file we found is not.
        if (wrote) await this.datastore.delete(key).catch(() => undefined);
        throw new PromptlyError(
          'PROMPTLY_E_STORE_IO',
          `transfer: ${ref.uri} read back with MD5 ${checksum}, expected ${ref.checksum}`,
        );
      }
      const req: IngestRequest = {
        id: ref.id,
        datasetType: ref.datasetType,
        dataId: ref.dataId,
        run: ref.run,
        uri: key,
        sizeBytes: info.size,
        checksum,
      };
      return req;
    });
    throwIfAborted(signal);
    const ingested = await this.registry.ingest(requests);
    todo.forEach(({ index }, j) => {
      local[index] = ingested[j];
    });
    const localRefs = local as DatasetRef[];
    const certified = await this.#copyCertifications(
      from,
      refs,
      localRefs,
      options.certifications ?? [],
    );
    return { refs: localRefs, copied: todo.length, skipped: refs.length - todo.length, certified };
  }

  /**
   * Removes a run: registry entries first (so nothing points at a missing file), then the
   * files this repo wrote for them. Returns the removed refs ([] if there was no such run).
   */
  async removeRun(run: string, options: RepoCallOptions = {}): Promise<DatasetRef[]> {
    throwIfAborted(options.signal);
    const removed = await this.registry.removeRun(run);
    await mapLimit(removed, 16, options.signal, async (ref) => {
      const type = await this.#type(ref.datasetType).catch(() => undefined);
      if (type !== undefined && ref.uri === datastoreKey(type, ref.dataId, ref.run)) {
        await this.datastore.delete(ref.uri, { signal: options.signal });
      }
    });
    return removed;
  }

  /** Removes every run collection whose name satisfies `predicate`; returns their names. */
  async pruneRuns(
    predicate: (run: string) => boolean,
    options: RepoCallOptions = {},
  ): Promise<string[]> {
    const runs = (await this.registry.listCollections()).filter(
      (c) => c.type === 'run' && predicate(c.name),
    );
    for (const run of runs) await this.removeRun(run.name, options);
    return runs.map((r) => r.name);
  }

  /** Closes the registry and the datastore. */
  async close(): Promise<void> {
    await Promise.all([this.registry.close(), this.datastore.close()]);
  }

  /**
   * Writes `bytes` at `key` write-once. When a file is already there (another process's
   * write of the same dataset, or one a crashed writer left unregistered): with our MD5 it
   * is adopted (`wrote: false`); with other bytes, PROMPTLY_E_REGISTRY_CONFLICT and it is
   * left alone. A file deleted between our put and our head is retried, a few times.
   */
  async #writeOnce(
    key: string,
    bytes: Uint8Array,
    op: string,
    signal: AbortSignal | undefined,
  ): Promise<{ info: ObjectInfo; wrote: boolean }> {
    const ours = md5Hex(bytes);
    for (let attempt = 0; ; attempt++) {
      try {
        return {
          info: await this.datastore.put(key, bytes, { signal, ifAbsent: true }),
          wrote: true,
        };
      } catch (err) {
        if (!isPromptlyError(err, 'PROMPTLY_E_STORE_EXISTS') || attempt >= 3) throw err;
      }
      const there = await this.datastore.head(key, { signal });
      if (there === undefined) continue; // removed meanwhile: the key is free again
      const theirs = unquoteETag(there.eTag).toLowerCase();
      if (theirs === ours) return { info: there, wrote: false };
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_CONFLICT',
        `${op}: ${key} already holds other bytes (MD5 ${theirs}, ours ${ours})`,
        { details: [{ path: key, message: `stored MD5 ${theirs} differs from ${ours}` }] },
      );
    }
  }

  async #type(name: string): Promise<DatasetType> {
    const cached = this.#types.get(name);
    if (cached !== undefined) return cached;
    const type = await this.registry.getDatasetType(name);
    if (type === undefined)
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_NOT_FOUND',
        `no dataset type ${JSON.stringify(name)}`,
      );
    this.#types.set(name, type);
    return type;
  }

  async #adoptType(from: Repo, name: string): Promise<void> {
    if ((await this.registry.getDatasetType(name)) !== undefined) return;
    const type = await from.registry.getDatasetType(name);
    if (type === undefined)
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_NOT_FOUND',
        `transfer: source has no dataset type ${name}`,
      );
    await this.registry.registerDatasetType(type);
  }

  /** The dataset in exactly `run` (not a chain of that name), or undefined. */
  async #findInRun(
    datasetType: string,
    dataId: DataId,
    run: string,
  ): Promise<DatasetRef | undefined> {
    if ((await this.registry.getCollection(run))?.type !== 'run') return undefined;
    return this.registry.findDataset(datasetType, dataId, [run]);
  }

  async #copyCertifications(
    from: Repo,
    sourceRefs: readonly DatasetRef[],
    localRefs: readonly DatasetRef[],
    collections: readonly string[],
  ): Promise<number> {
    if (collections.length === 0 || sourceRefs.length === 0) return 0;
    const localById = new Map(sourceRefs.map((r, i) => [r.id, localRefs[i]!]));
    const groups = new Map<
      string,
      { collection: string; validity: Timespan; refs: DatasetRef[] }
    >();
    for (const typeName of new Set(sourceRefs.map((r) => r.datasetType))) {
      const assoc = await from.registry.queryCalibrationAssociations(typeName, { collections });
      for (const a of assoc) {
        const mine = localById.get(a.ref.id);
        if (mine === undefined) continue;
        const k = `${a.collection}\n${a.validity.beginMs}\n${a.validity.endMs}`;
        const g = groups.get(k) ?? { collection: a.collection, validity: a.validity, refs: [] };
        if (!g.refs.some((r) => r.id === mine.id)) g.refs.push(mine);
        groups.set(k, g);
      }
    }
    let count = 0;
    for (const g of groups.values()) {
      await this.registry.registerCollection({
        name: g.collection,
        type: 'calibration',
        children: [],
      });
      await this.registry.certify(g.collection, g.refs, g.validity);
      count += g.refs.length;
    }
    return count;
  }
}

/** A Repo over a registry and a datastore. */
export function createRepo(options: RepoOptions): Repo {
  return new Repo(options);
}
