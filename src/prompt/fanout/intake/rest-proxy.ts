import { z } from 'zod';
import { ERROR_CODES } from '../../../core/error-codes.js';
import { PromptlyError, isPromptlyError, type ErrorDetail } from '../../../core/errors.js';
import { getInstrument } from '../../../core/instruments.js';
import { parseNextVisit, zodDetails, type NextVisit } from '../../../core/next-visit.js';
import {
  NEXT_VISIT_SCHEMAS,
  currentNextVisitSchema,
  nextVisitSchemaById,
} from '../../../core/avro/next-visit-schemas.js';
import { diffRecordSchema, parseSchemaText } from '../../../core/avro/schema-diff.js';

/**
 * Kafka REST proxy v2 produce bodies (Confluent's `POST /topics/<topic>`), as Rubin's tools
 * send nextVisit through Sasquatch: `{"value_schema": "<Avro schema JSON>" | "value_schema_id":
 * n, "records": [{"value": {...}}]}`. Answers in the proxy's own shape, so a Kafka REST
 * client reads them as it would the proxy's.
 */

/** Request content types, by embedded format. */
export const REST_PROXY_MEDIA_TYPES = {
  avro: 'application/vnd.kafka.avro.v2+json',
  json: 'application/vnd.kafka.json.v2+json',
} as const;

export type EmbeddedFormat = keyof typeof REST_PROXY_MEDIA_TYPES;

/** Content type of the proxy's answers. */
export const REST_PROXY_ANSWER_TYPE = 'application/vnd.kafka.v2+json';

/** Most records one request may carry. */
export const REST_PROXY_MAX_RECORDS = 100;

/** Longest `value_schema` accepted, characters (Rubin's, with its docs, is about 4 000). */
const MAX_SCHEMA_CHARS = 32 * 1024;

/** The embedded format a Content-Type names, or undefined when it is not a REST proxy type. */
export function embeddedFormatOf(contentType: string | undefined): EmbeddedFormat | undefined {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === REST_PROXY_MEDIA_TYPES.avro) return 'avro';
  if (media === REST_PROXY_MEDIA_TYPES.json) return 'json';
  return undefined;
}

const bodySchema = z.strictObject({
  key_schema: z.string().max(MAX_SCHEMA_CHARS).optional(),
  key_schema_id: z.number().int().positive().optional(),
  value_schema: z.string().max(MAX_SCHEMA_CHARS).optional(),
  value_schema_id: z.number().int().positive().optional(),
  records: z
    .array(
      z.strictObject({
        key: z.unknown().optional(),
        value: z.unknown(),
        partition: z.number().int().nonnegative().optional(),
      }),
    )
    .min(1)
    .max(REST_PROXY_MAX_RECORDS),
});

/** One record, validated: the visit, or why it was refused. */
export type RecordCheck =
  | { readonly ok: true; readonly visit: NextVisit }
  | { readonly ok: false; readonly error: PromptlyError };

/** A request refused as a whole: the error, and the proxy's error code for it. */
export interface RestProxyRefusal {
  readonly ok: false;
  readonly error: PromptlyError;
  /** Confluent's code: 42202 no value schema, 42203 not convertible, 42205 bad schema, 40403 unknown schema id. */
  readonly kafkaErrorCode: number;
}

/** A request whose shape and schema are right, each record checked. */
export interface CheckedRestProxyBody {
  readonly ok: true;
  /** Registry id of the value schema (named or matched); null for embedded JSON without one. */
  readonly valueSchemaId: number | null;
  readonly records: readonly RecordCheck[];
}

const refuse = (error: PromptlyError, kafkaErrorCode: number): RestProxyRefusal => ({
  ok: false,
  error,
  kafkaErrorCode,
});

/**
 * Checks a REST proxy body offline (the CLI's `validate` and the HTTP intake share it): its
 * shape, its value schema against the registry, and every record as a next_visit of an
 * instrument promptly knows. Expiry and "served here" are the fan-out's, checked on accept.
 */
export function checkRestProxyBody(
  body: unknown,
  embedded: EmbeddedFormat,
): RestProxyRefusal | CheckedRestProxyBody {
  const shape = bodySchema.safeParse(body);
  if (!shape.success) {
    const details = zodDetails(shape.error);
    return refuse(
      new PromptlyError(
        'PROMPTLY_E_NEXT_VISIT_MALFORMED',
        `not a Kafka REST proxy v2 produce body: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
        { details },
      ),
      42203,
    );
  }
  const { value_schema: schemaText, value_schema_id: schemaId, records } = shape.data;
  let valueSchemaId: number | null = null;
  if (schemaId !== undefined) {
    if (nextVisitSchemaById(schemaId) === undefined) {
      return refuse(
        new PromptlyError(
          'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN',
          `value_schema_id ${schemaId} is not a registered nextVisit schema (known: ${NEXT_VISIT_SCHEMAS.map((v) => v.id).join(', ')})`,
          { details: [{ path: 'value_schema_id', message: `unknown schema id ${schemaId}` }] },
        ),
        40403,
      );
    }
    valueSchemaId = schemaId;
  }
  if (schemaText !== undefined) {
    const matched = matchSchema(schemaText, schemaId);
    if (!matched.ok) return matched;
    valueSchemaId = matched.id;
  }
  if (embedded === 'avro' && valueSchemaId === null) {
    return refuse(
      new PromptlyError(
        'PROMPTLY_E_NEXT_VISIT_SCHEMA_UNKNOWN',
        'an Avro REST proxy body must carry value_schema or value_schema_id',
        { details: [{ path: 'value_schema', message: 'missing (and no value_schema_id)' }] },
      ),
      42202,
    );
  }
  return { ok: true, valueSchemaId, records: records.map((r, i) => checkRecord(r.value, i)) };
}

/** The registry version `text` equals (by field names and types), or the refusal. */
function matchSchema(
  text: string,
  namedId: number | undefined,
): { ok: true; id: number } | RestProxyRefusal {
  const parsed = parseSchemaText(text);
  if (!parsed.ok) {
    return refuse(
      new PromptlyError('PROMPTLY_E_NEXT_VISIT_SCHEMA_MISMATCH', 'value_schema is not JSON', {
        details: [{ path: 'value_schema', message: 'is not JSON text of an Avro schema' }],
      }),
      42205,
    );
  }
  const candidates =
    namedId === undefined ? NEXT_VISIT_SCHEMAS : NEXT_VISIT_SCHEMAS.filter((v) => v.id === namedId);
  const match = candidates.find((v) => diffRecordSchema(parsed.schema, v.schema).length === 0);
  if (match) return { ok: true, id: match.id };
  const against = namedId === undefined ? currentNextVisitSchema() : candidates[0]!;
  const details = diffRecordSchema(parsed.schema, against.schema);
  return refuse(
    new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_SCHEMA_MISMATCH',
      `value_schema differs from nextVisit (schema id ${against.id}): ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      { details },
    ),
    42205,
  );
}

function checkRecord(value: unknown, index: number): RecordCheck {
  try {
    const visit = parseNextVisit(value);
    getInstrument(visit.instrument);
    return { ok: true, visit };
  } catch (err) {
    if (!isPromptlyError(err)) throw err;
    const prefix = `records.${index}.value`;
    const details: ErrorDetail[] =
      err.details.length > 0
        ? err.details.map((d) => ({ ...d, path: `${prefix}.${d.path}`.replace('.(root)', '') }))
        : [{ path: prefix, message: err.message }];
    return {
      ok: false,
      error: new PromptlyError(err.code, `record ${index}: ${err.message}`, { details }),
    };
  }
}

/** One entry of `offsets`: where a record went, or why it did not. */
export type RestProxyOffset =
  | {
      readonly partition: 0;
      /** promptly has no partitions or offsets: the record's index in the request. */
      readonly offset: number;
      readonly error_code: null;
      readonly error: null;
      /** promptly's outcome for the record (extra fields a REST proxy client ignores). */
      readonly status: 'enqueued' | 'duplicate';
      readonly group: string;
      readonly items: number;
    }
  | {
      readonly partition: null;
      readonly offset: null;
      /** 1: do not retry as is; 2: retriable (promptly could not record it just now). */
      readonly error_code: 1 | 2;
      readonly error: string;
      /** promptly's code for the refusal. */
      readonly code: string;
    };

/** The answer to a REST proxy produce request, and its HTTP status. */
export interface RestProxyAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

function failedOffset(error: PromptlyError): RestProxyOffset {
  return {
    partition: null,
    offset: null,
    error_code: ERROR_CODES[error.code].httpStatus >= 500 ? 2 : 1,
    error: `${error.code}: ${error.message}`,
    code: error.code,
  };
}

/**
 * Serves one REST proxy produce request: refuses it whole (nothing enqueued) when its shape
 * or schema is wrong or ANY record is invalid, with one `offsets` entry per record saying
 * which; otherwise hands each record to `accept` in order and answers 200 with one entry per
 * record, an entry's `error_code` set when the fan-out refused that record (expired, not
 * served, ledger unavailable: the others still went through, as with the proxy itself).
 */
export async function produceRestProxy(
  body: unknown,
  embedded: EmbeddedFormat,
  accept: (
    visit: NextVisit,
  ) => Promise<{ status: 'enqueued' | 'duplicate'; group: string; items: number }>,
): Promise<RestProxyAnswer> {
  const checked = checkRestProxyBody(body, embedded);
  if (!checked.ok) {
    return {
      status: checked.error.httpStatus,
      body: { error_code: checked.kafkaErrorCode, ...checked.error.toJSON() },
    };
  }
  const bad = checked.records.flatMap((r, i) => (r.ok ? [] : [i]));
  if (bad.length > 0) {
    const notSent = new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_INVALID',
      `not enqueued: record(s) ${bad.join(', ')} of this request are invalid`,
    );
    const details = checked.records.flatMap((r) => (r.ok ? [] : r.error.details));
    const error = new PromptlyError(
      'PROMPTLY_E_NEXT_VISIT_INVALID',
      `${bad.length} of ${checked.records.length} records invalid, nothing enqueued: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      { details },
    );
    return {
      status: error.httpStatus,
      body: {
        error_code: 42203,
        ...error.toJSON(),
        key_schema_id: null,
        value_schema_id: checked.valueSchemaId,
        offsets: checked.records.map((r) => failedOffset(r.ok ? notSent : r.error)),
      },
    };
  }
  const offsets: RestProxyOffset[] = [];
  for (const [index, record] of checked.records.entries()) {
    if (!record.ok) continue; // none: checked above
    try {
      const result = await accept(record.visit);
      offsets.push({
        partition: 0,
        offset: index,
        error_code: null,
        error: null,
        status: result.status,
        group: result.group,
        items: result.items,
      });
    } catch (err) {
      if (!isPromptlyError(err)) throw err;
      offsets.push(failedOffset(err));
    }
  }
  return {
    status: 200,
    body: { key_schema_id: null, value_schema_id: checked.valueSchemaId, offsets },
  };
}
