import type { Kysely } from 'kysely';
import { PromptlyError } from '../../core/errors.js';
import type { Collection, CollectionType } from '../registry.js';
import type { RegistryDb } from './registry-db.js';

/** A run or calibration collection reached by expanding a search path. */
export interface LeafCollection {
  readonly name: string;
  readonly type: 'run' | 'calibration';
}

const TYPES: readonly CollectionType[] = ['run', 'calibration', 'chained'];

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Throws PROMPTLY_E_REGISTRY_INVALID unless `name` is a usable collection name. */
export function checkCollectionName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 1024 ||
    hasControlCharacter(name)
  ) {
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_INVALID',
      `collection name must be 1..1024 printable characters, got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** The collection (with chain members in order), or undefined. */
export async function readCollection(
  db: Kysely<RegistryDb>,
  name: string,
): Promise<Collection | undefined> {
  const row = await db
    .selectFrom('collection')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const type = row.type as CollectionType;
  const children =
    type === 'chained'
      ? (
          await db
            .selectFrom('collection_chain')
            .select('child')
            .where('parent', '=', name)
            .orderBy('position')
            .execute()
        ).map((r) => r.child)
      : [];
  return { name, type, children };
}

/**
 * Creates a collection, idempotently. A chained collection's children are replaced; they
 * must exist, be distinct, and must not reach the chain itself (cycle). Run in a transaction.
 */
export async function writeCollection(
  db: Kysely<RegistryDb>,
  collection: Collection,
): Promise<void> {
  const name = checkCollectionName(collection.name);
  if (!TYPES.includes(collection.type)) {
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_INVALID',
      `unknown collection type ${JSON.stringify(collection.type)}`,
    );
  }
  const children = collection.children ?? [];
  if (collection.type !== 'chained' && children.length > 0) {
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_INVALID',
      `${collection.type} collection ${name} cannot have children`,
    );
  }
  const existing = await db
    .selectFrom('collection')
    .select('type')
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing !== undefined && existing.type !== collection.type) {
    throw new PromptlyError(
      'PROMPTLY_E_REGISTRY_CONFLICT',
      `collection ${name} exists as ${existing.type}, not ${collection.type}`,
    );
  }
  if (existing === undefined)
    await db.insertInto('collection').values({ name, type: collection.type }).execute();
  if (collection.type !== 'chained') return;

  if (new Set(children).size !== children.length) {
    throw new PromptlyError('PROMPTLY_E_REGISTRY_INVALID', `chain ${name} lists a child twice`);
  }
  for (const child of children) {
    checkCollectionName(child);
    if (child === name)
      throw new PromptlyError('PROMPTLY_E_REGISTRY_INVALID', `chain ${name} cannot contain itself`);
    const row = await db
      .selectFrom('collection')
      .select('name')
      .where('name', '=', child)
      .executeTakeFirst();
    if (row === undefined)
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_NOT_FOUND',
        `chain ${name}: no collection ${child}`,
      );
  }
  await db.deleteFrom('collection_chain').where('parent', '=', name).execute();
  if (children.length > 0) {
    await db
      .insertInto('collection_chain')
      .values(children.map((child, position) => ({ parent: name, position, child })))
      .execute();
  }
  // With the new children in place, expanding must not come back to the chain.
  await expandCollections(db, [name]);
}

/**
 * Flattens a search path: chained collections are replaced by their members, recursively,
 * in order; a collection reached twice is kept at its first position. Names that do not
 * exist are skipped (a fresh handler-local repo searches collections it has not yet
 * received); a chain that reaches itself is PROMPTLY_E_REGISTRY_INVALID.
 */
export async function expandCollections(
  db: Kysely<RegistryDb>,
  names: readonly string[],
): Promise<LeafCollection[]> {
  const out: LeafCollection[] = [];
  const seen = new Set<string>();
  const visit = async (name: string, path: readonly string[]): Promise<void> => {
    if (path.includes(name)) {
      throw new PromptlyError(
        'PROMPTLY_E_REGISTRY_INVALID',
        `collection cycle: ${[...path, name].join(' → ')}`,
      );
    }
    const c = await readCollection(db, name);
    if (c === undefined) return; // a collection nobody has written to yet holds nothing
    if (c.type === 'chained') {
      for (const child of c.children) await visit(child, [...path, name]);
    } else if (!seen.has(name)) {
      seen.add(name);
      out.push({ name, type: c.type });
    }
  };
  for (const name of names) await visit(checkCollectionName(name), []);
  return out;
}
