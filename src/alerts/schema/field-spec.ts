/**
 * A compact, typed way to state the flat records of the alert schema (diaSource, diaObject…)
 * once, and get from that one statement both the Avro JSON schema avsc compiles and the
 * TypeScript types of the values. Every field of these records is either a required
 * primitive or a nullable primitive (`["null", T]`, default null), as in Rubin's lsst.v11_0.
 */

/** Avro primitives the alert records use. */
export type AvroScalar = 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string' | 'bytes';

/**
 * How a field is stated: `'double'` is required; `'?float'` is `["null", "float"]` with
 * default null; `'?timestamp-micros'` is `["null", {long, logicalType timestamp-micros}]`
 * with default null (microseconds since the Unix epoch, a JS number).
 */
export type FieldKind = AvroScalar | `?${AvroScalar}` | '?timestamp-micros';

/** One field: its name, kind and, when it has one, its unit (written into the Avro doc). */
export interface FieldSpec<N extends string = string, K extends FieldKind = FieldKind> {
  readonly name: N;
  readonly kind: K;
  /** Unit as Rubin states it, e.g. `deg`, `nJy`, `pixel`; absent for counts, flags and ids. */
  readonly unit?: string;
}

/** States a field; `unit` goes into the Avro `doc` as `[unit]`. */
export function field<const N extends string, const K extends FieldKind>(
  name: N,
  kind: K,
  unit?: string,
): FieldSpec<N, K> {
  return unit === undefined ? { name, kind } : { name, kind, unit };
}

type JsOf<S extends AvroScalar> = S extends 'boolean'
  ? boolean
  : S extends 'string'
    ? string
    : S extends 'bytes'
      ? Uint8Array
      : number;

/** JS value of a field kind (longs are JS numbers and must be safe integers). */
export type ValueOfKind<K extends FieldKind> = K extends '?timestamp-micros'
  ? number | null
  : K extends `?${infer S extends AvroScalar}`
    ? JsOf<S> | null
    : K extends AvroScalar
      ? JsOf<K>
      : never;

type Nullable<F> =
  F extends FieldSpec<string, infer K> ? (K extends `?${string}` ? F : never) : never;
type Required<F> =
  F extends FieldSpec<string, infer K> ? (K extends `?${string}` ? never : F) : never;

/** A record as decoded: every field present, nullable ones possibly null. */
export type RecordOf<Fs extends readonly FieldSpec[]> = {
  readonly [F in Fs[number] as F['name']]: ValueOfKind<F['kind']>;
};

/**
 * A record as a caller gives it: required fields present; nullable fields may be left out
 * (written as null).
 */
export type RecordInput<Fs extends readonly FieldSpec[]> = {
  readonly [F in Required<Fs[number]> as F['name']]: ValueOfKind<F['kind']>;
} & {
  readonly [F in Nullable<Fs[number]> as F['name']]?: ValueOfKind<F['kind']>;
};

/** Namespace of every named type of the alert schema, as in Rubin's lsst.v11_0. */
export const ALERT_NAMESPACE = 'lsst.v11_0';

/** One field of an Avro record schema, as JSON. */
export interface AvroFieldJson {
  readonly name: string;
  readonly type: unknown;
  readonly doc?: string;
  readonly default?: null;
}

/** An Avro record schema, as JSON. */
export interface AvroRecordJson {
  readonly type: 'record';
  readonly name: string;
  readonly namespace: string;
  readonly doc: string;
  readonly fields: readonly AvroFieldJson[];
}

function avroTypeOf(kind: FieldKind): unknown {
  if (kind === '?timestamp-micros')
    return ['null', { type: 'long', logicalType: 'timestamp-micros' }];
  return kind.startsWith('?') ? ['null', kind.slice(1)] : kind;
}

/** The Avro JSON of a flat record stated with {@link field}. */
export function recordSchema(
  name: string,
  doc: string,
  fields: readonly FieldSpec[],
): AvroRecordJson {
  return {
    type: 'record',
    name,
    namespace: ALERT_NAMESPACE,
    doc,
    fields: fields.map((f) => ({
      name: f.name,
      type: avroTypeOf(f.kind),
      ...(f.unit === undefined ? {} : { doc: `[${f.unit}]` }),
      ...(f.kind.startsWith('?') ? { default: null } : {}),
    })),
  };
}
