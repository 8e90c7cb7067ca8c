import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PromptlyError, throwIfAborted, toPromptlyError } from '../../core/errors.js';
import { quoteETag, unquoteETag } from '../arrival-notice.js';
import { checkByteRange, checkObjectKey, MAX_KEY_BYTES } from '../object-key.js';
import type { ObjectInfo, ObjectStore, PutOptions, StoreCallOptions } from '../object-store.js';
import { s3Error, s3ErrorFields } from './s3-errors.js';

/** Access keys for S3; never put them in config files (see the config's `…Env` names). */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface S3ObjectStoreOptions {
  /** Bucket holding the objects; must exist. Also the bucket name of this store. */
  readonly bucket: string;
  /** `http(s)://host:port` of an S3-compatible server (Ceph RGW, MinIO); default AWS. */
  readonly endpoint?: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /**
   * Prepended to every key (`raw/` puts key `a/b` at `raw/a/b`); list() strips it. Empty, or
   * a valid key followed by `/`. Default empty.
   */
  readonly prefix?: string;
  /** Path-style URLs (`endpoint/bucket/key`), as most S3-compatible servers want. Default true. */
  readonly forcePathStyle?: boolean;
  /** Default: the SDK's chain (AWS_ACCESS_KEY_ID…, profile, instance role). */
  readonly credentials?: S3Credentials;
  /** Tries per request, first included, for network errors, throttling and 5xx. Default 3. */
  readonly maxAttempts?: number;
  /** Time to establish a connection, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Time for one whole request and response, ms (a 100 MB object must fit). Default 120 000. */
  readonly requestTimeoutMs?: number;
  /** Objects per ListObjectsV2 page, 1..1000. Default 1000. */
  readonly listPageSize?: number;
  /** Check at creation that the bucket exists and is reachable (HeadBucket). Default true. */
  readonly checkBucket?: boolean;
}

/**
 * Opens an ObjectStore on an S3 bucket (AWS, Ceph RGW, MinIO); by default first checks the
 * bucket with HeadBucket: missing or forbidden → PROMPTLY_E_STORE_IO, unreachable →
 * PROMPTLY_E_STORE_UNAVAILABLE.
 */
export async function createS3ObjectStore(
  options: S3ObjectStoreOptions,
  callOptions: StoreCallOptions = {},
): Promise<S3ObjectStore> {
  const store = new S3ObjectStore(options);
  if (options.checkBucket !== false) {
    try {
      await store.checkBucket(callOptions);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  return store;
}

/** S3 reports Last-Modified in whole seconds (HTTP date); list gives the same instant. */
function wholeSecondMs(date: Date | undefined): number {
  const ms = date?.getTime() ?? Date.now();
  return Math.floor(ms / 1000) * 1000;
}

/** Normalised quoted lower-case hex eTag. */
function normalizeETag(eTag: string | undefined, what: string): string {
  if (eTag === undefined || eTag === '') {
    throw new PromptlyError('PROMPTLY_E_STORE_IO', `${what}: S3 gave no ETag`);
  }
  return quoteETag(unquoteETag(eTag).toLowerCase());
}

/** `bucket/key` for x-amz-copy-source, each segment URL-encoded. */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

const CONTENT_RANGE = /^bytes (\d+)-\d+\/(?:\d+|\*)$/;

/**
 * ObjectStore on an S3 bucket. `put` is one PutObject with Content-MD5 (S3 checks the
 * bytes) and, with `ifAbsent`, `If-None-Match: *` (412 → PROMPTLY_E_STORE_EXISTS); it
 * resolves once S3 acknowledges, which S3 makes durable and atomic: readers see the old
 * object or the new one. eTags are the quoted hex MD5 (single-part puts; buckets with
 * SSE-KMS, whose ETags are not MD5s, are not supported). The store emits no arrival notices:
 * the bucket's notifications do (src/arrivals). Every call takes its AbortSignal to the
 * SDK; the SDK retries network errors, throttling and 5xx up to `maxAttempts`.
 *
 * Not atomic, unlike the fs store: `delete` is HeadObject then DeleteObject (two racing
 * deletes may both return true), and `move` is CopyObject then DeleteObject: a crash in
 * between leaves the object at both keys, and a reader meanwhile may see both.
 */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  /** Key prefix inside the bucket ('' or ending in `/`). */
  readonly prefix: string;
  readonly #client: S3Client;
  readonly #listPageSize: number;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  /** Prefer {@link createS3ObjectStore}, which checks the bucket. */
  constructor(options: S3ObjectStoreOptions) {
    const prefix = options.prefix ?? '';
    if (prefix !== '') {
      if (!prefix.endsWith('/')) {
        throw new PromptlyError(
          'PROMPTLY_E_STORE_KEY_INVALID',
          `S3 key prefix ${JSON.stringify(prefix)} must end with "/"`,
        );
      }
      checkObjectKey(prefix.slice(0, -1));
    }
    const listPageSize = options.listPageSize ?? 1000;
    if (!Number.isInteger(listPageSize) || listPageSize < 1 || listPageSize > 1000) {
      throw new PromptlyError(
        'PROMPTLY_E_CONFIG_INVALID',
        `S3 listPageSize must be an integer in 1..1000, got ${listPageSize}`,
      );
    }
    this.bucket = options.bucket;
    this.prefix = prefix;
    this.#listPageSize = listPageSize;
    this.#client = new S3Client({
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? true,
      maxAttempts: options.maxAttempts ?? 3,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.credentials !== undefined ? { credentials: { ...options.credentials } } : {}),
      // Content-MD5 guards our puts; the SDK's newer default CRC32 checksums are not
      // understood by every S3-compatible server.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 5000,
        requestTimeout: options.requestTimeoutMs ?? 120_000,
        throwOnRequestTimeout: true,
      },
    });
  }

  /** HeadBucket: resolves when the bucket exists and these credentials may use it. */
  checkBucket(options?: StoreCallOptions): Promise<void> {
    return this.#track(async () => {
      const signal = options?.signal;
      throwIfAborted(signal);
      try {
        await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
          abortSignal: signal,
        });
      } catch (err) {
        const { status } = s3ErrorFields(err);
        if (status === 404 || status === 403) {
          throw new PromptlyError(
            'PROMPTLY_E_STORE_IO',
            `S3 bucket ${this.bucket}: ${status === 404 ? 'no such bucket' : 'access denied'}`,
            { cause: err },
          );
        }
        throw s3Error(err, 'open bucket', this.bucket, signal);
      }
    });
  }

  /**
   * PutObject with Content-MD5 (and `If-None-Match: *` when `ifAbsent`); resolves once S3
   * has acknowledged, with the object's Last-Modified read back by a HeadObject. The abort
   * signal is honoured until S3 answers; an abort in flight may still leave the object
   * stored. A 409 ConditionalRequestConflict (racing conditional writes) is retried.
   */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectInfo> {
    return this.#track(async () => {
      const fullKey = this.#fullKey(key);
      const signal = options?.signal;
      const ifAbsent = options?.ifAbsent === true;
      throwIfAborted(signal);
      const digest = createHash('md5').update(body).digest();
      const eTag = quoteETag(digest.toString('hex'));
      for (let attempt = 0; ; attempt++) {
        try {
          await this.#client.send(
            new PutObjectCommand({
              Bucket: this.bucket,
              Key: fullKey,
              Body: body,
              ContentLength: body.byteLength,
              ContentMD5: digest.toString('base64'),
              ...(ifAbsent ? { IfNoneMatch: '*' } : {}),
            }),
            { abortSignal: signal },
          );
          break;
        } catch (err) {
          const { status } = s3ErrorFields(err);
          if (ifAbsent && status === 412) {
            throw new PromptlyError(
              'PROMPTLY_E_STORE_EXISTS',
              `put ${key}: an object already exists at ${JSON.stringify(key)} (ifAbsent)`,
              { cause: err, details: [{ path: key, message: 'object already exists' }] },
            );
          }
          if (ifAbsent && status === 409 && attempt < 3 && signal?.aborted !== true) continue;
          throw s3Error(err, 'put', key, signal);
        }
      }
      // Last-Modified as head() will report it; not aborted: the object is stored.
      const there = await this.#head(fullKey, key, undefined).catch(() => undefined);
      const lastModifiedMs =
        there !== undefined && there.eTag === eTag
          ? there.lastModifiedMs
          : wholeSecondMs(undefined);
      return { key, size: body.byteLength, eTag, lastModifiedMs };
    });
  }

  get(key: string, options?: StoreCallOptions): Promise<Uint8Array> {
    return this.#track(async () => {
      const fullKey = this.#fullKey(key);
      const signal = options?.signal;
      throwIfAborted(signal);
      try {
        const out = await this.#client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }),
          { abortSignal: signal },
        );
        return out.Body === undefined ? new Uint8Array(0) : await out.Body.transformToByteArray();
      } catch (err) {
        throw s3Error(err, 'get', key, signal);
      }
    });
  }

  /**
   * GetObject with a Range header. Tolerates servers that answer more than asked (a whole
   * object with 200, or a longer range): the bytes are cut to [start, end) by Content-Range.
   */
  getRange(
    key: string,
    start: number,
    end: number,
    options?: StoreCallOptions,
  ): Promise<Uint8Array> {
    return this.#track(async () => {
      const fullKey = this.#fullKey(key);
      checkByteRange(start, end);
      const signal = options?.signal;
      throwIfAborted(signal);
      if (start === end) {
        if ((await this.#head(fullKey, key, signal)) === undefined) {
          throw new PromptlyError('PROMPTLY_E_STORE_NOT_FOUND', `getRange ${key}: no such object`);
        }
        return new Uint8Array(0);
      }
      let bytes: Uint8Array;
      let offset = 0;
      try {
        const out = await this.#client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: fullKey,
            Range: `bytes=${start}-${end - 1}`,
          }),
          { abortSignal: signal },
        );
        bytes = out.Body === undefined ? new Uint8Array(0) : await out.Body.transformToByteArray();
        const range = out.ContentRange === undefined ? null : CONTENT_RANGE.exec(out.ContentRange);
        if (range !== null) offset = Number(range[1]);
      } catch (err) {
        // 416: the object exists but starts no byte at `start` (start >= size).
        if (s3ErrorFields(err).status === 416) return new Uint8Array(0);
        throw s3Error(err, 'getRange', key, signal);
      }
      if (offset > start) {
        throw new PromptlyError(
          'PROMPTLY_E_STORE_IO',
          `getRange ${key}: S3 answered bytes from ${offset}, asked from ${start}`,
        );
      }
      return bytes.subarray(start - offset, end - offset);
    });
  }

  head(key: string, options?: StoreCallOptions): Promise<ObjectInfo | undefined> {
    return this.#track(() => {
      const fullKey = this.#fullKey(key);
      throwIfAborted(options?.signal);
      return this.#head(fullKey, key, options?.signal);
    });
  }

  /** ListObjectsV2 under the store's prefix + `prefix`, page by page, in S3's (UTF-8) key order. */
  async *list(prefix: string, options?: StoreCallOptions): AsyncIterable<ObjectInfo> {
    this.#checkOpen();
    const signal = options?.signal;
    throwIfAborted(signal);
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            MaxKeys: this.#listPageSize,
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          }),
          { abortSignal: signal },
        );
      } catch (err) {
        throw s3Error(err, 'list', prefix, signal);
      }
      for (const item of page.Contents ?? []) {
        const fullKey = item.Key;
        if (fullKey === undefined || !fullKey.startsWith(this.prefix)) continue;
        const key = fullKey.slice(this.prefix.length);
        yield {
          key,
          size: item.Size ?? 0,
          eTag: normalizeETag(item.ETag, `list ${key}`),
          lastModifiedMs: wholeSecondMs(item.LastModified),
        };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** HeadObject, then DeleteObject when there was one; true when it existed (not atomic). */
  delete(key: string, options?: StoreCallOptions): Promise<boolean> {
    return this.#track(async () => {
      const fullKey = this.#fullKey(key);
      const signal = options?.signal;
      throwIfAborted(signal);
      if ((await this.#head(fullKey, key, signal)) === undefined) return false;
      try {
        await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: fullKey }), {
          abortSignal: signal,
        });
      } catch (err) {
        throw s3Error(err, 'delete', key, signal);
      }
      return true;
    });
  }

  /**
   * CopyObject (only if the source still has the eTag just read: a source overwritten
   * meanwhile is read again), then DeleteObject of the source. Not atomic: see the class.
   */
  move(from: string, to: string, options?: StoreCallOptions): Promise<ObjectInfo> {
    return this.#track(async () => {
      const src = this.#fullKey(from);
      const dest = this.#fullKey(to);
      const signal = options?.signal;
      throwIfAborted(signal);
      const notFound = (): PromptlyError =>
        new PromptlyError('PROMPTLY_E_STORE_NOT_FOUND', `move ${from}: no such object`);
      if (src === dest) {
        const info = await this.#head(src, from, signal);
        if (info === undefined) throw notFound();
        return info;
      }
      for (let attempt = 0; ; attempt++) {
        const source = await this.#head(src, from, signal);
        if (source === undefined) throw notFound();
        try {
          await this.#client.send(
            new CopyObjectCommand({
              Bucket: this.bucket,
              Key: dest,
              CopySource: copySource(this.bucket, src),
              CopySourceIfMatch: source.eTag,
            }),
            { abortSignal: signal },
          );
          break;
        } catch (err) {
          if (s3ErrorFields(err).status === 412 && attempt < 3) continue; // source replaced
          throw s3Error(err, 'move', from, signal);
        }
      }
      try {
        await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: src }), {
          abortSignal: signal,
        });
      } catch (err) {
        throw s3Error(err, 'move', from, signal);
      }
      const info = await this.#head(dest, to, signal);
      if (info === undefined) {
        throw new PromptlyError(
          'PROMPTLY_E_STORE_NOT_FOUND',
          `move ${from}: ${to} vanished after the move`,
        );
      }
      return info;
    });
  }

  /** Rejects new calls with PROMPTLY_E_STORE_CLOSED, waits for those in flight, frees sockets. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    this.#client.destroy();
  }

  async #head(
    fullKey: string,
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }),
        { abortSignal: signal },
      );
      return {
        key,
        size: out.ContentLength ?? 0,
        eTag: normalizeETag(out.ETag, `head ${key}`),
        lastModifiedMs: wholeSecondMs(out.LastModified),
      };
    } catch (err) {
      const mapped = s3Error(err, 'head', key, signal);
      if (mapped.code === 'PROMPTLY_E_STORE_NOT_FOUND') return undefined;
      throw mapped;
    }
  }

  /** The key in the bucket: checked, then prefixed (and checked for S3's length limit). */
  #fullKey(key: string): string {
    this.#checkOpen();
    const fullKey = this.prefix + checkObjectKey(key);
    if (Buffer.byteLength(fullKey, 'utf8') > MAX_KEY_BYTES) {
      throw new PromptlyError(
        'PROMPTLY_E_STORE_KEY_INVALID',
        `invalid object key ${JSON.stringify(key)}: longer than ${MAX_KEY_BYTES} bytes with the prefix ${JSON.stringify(this.prefix)}`,
      );
    }
    return fullKey;
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new PromptlyError('PROMPTLY_E_STORE_CLOSED', `store ${this.bucket} is closed`);
  }

  #track<T>(run: () => Promise<T>): Promise<T> {
    let p: Promise<T>;
    try {
      this.#checkOpen();
      p = run();
    } catch (err) {
      return Promise.reject(toPromptlyError(err));
    }
    this.#inFlight.add(p);
    const forget = (): void => {
      this.#inFlight.delete(p);
    };
    p.then(forget, forget);
    return p;
  }
}
