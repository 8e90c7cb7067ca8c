import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import S3rver from 's3rver';
import { compareKeys } from '../../object-key.js';
import { ReadWriteLock } from './rw-lock.js';

/** One record of an S3 event notification, as the test server hands them out. */
export interface S3TestEventRecord {
  /** `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectRemoved:Delete`… */
  readonly eventName: string;
  readonly eventTime: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    /**
     * `key` URL-encoded in form style per segment (`+` for a space), as S3, MinIO and Ceph
     * put it in notifications; `size` and `eTag` (unquoted) on ObjectCreated:Put.
     */
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly eTag?: string;
      readonly sequencer: string;
    };
  };
}

/** An S3 event notification (`{ Records: [...] }`). */
export interface S3TestEvent {
  readonly Records: readonly S3TestEventRecord[];
}

/** A running S3-compatible server for tests (s3rver, in process, on 127.0.0.1 port 0). */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`: use with path-style addressing (forcePathStyle). */
  readonly endpoint: string;
  readonly region: string;
  /** The only access key id the server accepts (SigV4 signatures are not verified). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Creates a bucket (default: a random name) and resolves with its name. */
  bucket(name?: string): Promise<string>;
  /**
   * Calls `listener` with the event notification of each object created or removed through
   * the S3 API, in process (s3rver has no webhook; forward them yourself). Returns an
   * unsubscribe function. Not sent for puts the server refused (412).
   */
  onEvent(listener: (event: S3TestEvent) => void): () => void;
  /** Conditional puts (`If-None-Match: *`) the server let through, and refused with 412. */
  readonly conditionalPuts: { readonly accepted: number; readonly refused: number };
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/** Query parameters that make a PUT something other than PutObject. */
const NOT_PUT_OBJECT = ['uploadId', 'partNumber', 'tagging', 'acl', 'retention', 'legal-hold'];

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** S3's notification encoding of a key: form-style per segment, `/` kept. */
function notificationKey(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%20/g, '+'))
    .join('/');
}

/** Continuation tokens of the front end: the last key of the page, base64url. */
const tokenOf = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
const keyOfToken = (token: string): string => Buffer.from(token, 'base64url').toString('utf8');

function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
  });
  res.end(body);
}

/**
 * ListObjectsV2 without a delimiter, answered here: in UTF-8 key order, paged by
 * `max-keys` (≤ 1000) with `continuation-token` or `start-after`.
 */
async function listObjectsV2(
  store: S3rver['store'],
  bucket: string,
  query: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  if ((await store.getBucket(bucket)) === null) {
    sendXml(
      res,
      404,
      `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>${xmlEscape(bucket)}</BucketName></Error>`,
    );
    return;
  }
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Math.min(1000, Math.max(0, Number(query.get('max-keys') ?? '1000') || 0));
  const token = query.get('continuation-token');
  const after = token !== null ? keyOfToken(token) : (query.get('start-after') ?? '');
  const all = await store.listObjects(bucket, { prefix });
  const objects = all.objects
    .filter((o) => o.key.startsWith(prefix) && (after === '' || compareKeys(o.key, after) > 0))
    .sort((a, b) => compareKeys(a.key, b.key));
  const page = objects.slice(0, maxKeys);
  const truncated = objects.length > page.length;
  const last = page[page.length - 1];
  const contents = page
    .map(
      (o) =>
        `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${o.lastModifiedDate.toISOString()}</LastModified>` +
        `<ETag>${xmlEscape(o.metadata.etag)}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  sendXml(
    res,
    200,
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
      `<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
      `<IsTruncated>${truncated}</IsTruncated>` +
      (token !== null ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '') +
      (truncated && last !== undefined
        ? `<NextContinuationToken>${tokenOf(last.key)}</NextContinuationToken>`
        : '') +
      contents +
      '</ListBucketResult>',
  );
}

/**
 * Starts s3rver in process behind a small front end that gives it what the ObjectStore
 * contract needs of S3 and s3rver 3.7 lacks:
 *
 * - **Conditional put.** `If-None-Match: *` on PutObject: when the object exists, 412
 *   PreconditionFailed (S3's XML error) and nothing is written; checked and written under the
 *   bucket's write lock, so of racing conditional puts exactly one lands.
 * - **Per-request atomicity.** s3rver writes objects in place (a reader can see a torn file,
 *   racing puts can interleave): every request holds its bucket's readers-writer lock until
 *   its response is sent (reads shared, writes exclusive), as S3's atomic puts look to clients.
 * - **ListObjectsV2.** s3rver lists in directory order, and its continuation tokens need DES,
 *   which OpenSSL 3 (Node 18+) no longer offers, so a paged list fails with 500: without a
 *   delimiter, ListObjectsV2 is answered here, in UTF-8 key order and paged by it as S3 does
 *   (tokens are the last key, base64url). Listings with a delimiter are left to s3rver.
 * - **Copy source.** s3rver decodes `x-amz-copy-source` with decodeURI; the header is
 *   normalised so fully encoded sources (`%3A`, as the SDK docs ask) resolve.
 *
 * Ranges, CopyObject, DeleteObject, HeadObject and access-key checks are s3rver's own (it
 * does not verify SigV4 signatures, only that the access key id is S3RVER). One quirk stays:
 * s3rver answers `Range: bytes=0-0` with the whole object (clients must cut by
 * Content-Range, as the S3 store does).
 */
export async function startS3TestServer(): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'promptly-s3-'));
  const s3rver = new S3rver({ directory, silent: true, vhostBuckets: false });
  const store = s3rver.store;

  const locks = new Map<string, ReadWriteLock>();
  const lockOf = (bucket: string): ReadWriteLock => {
    let lock = locks.get(bucket);
    if (lock === undefined) locks.set(bucket, (lock = new ReadWriteLock()));
    return lock;
  };
  const counts = { accepted: 0, refused: 0 };
  const handle = s3rver.callback();

  const refuse = async (req: IncomingMessage, res: ServerResponse, key: string): Promise<void> => {
    req.resume();
    await finished(req).catch(() => undefined);
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
      '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
      `<Condition>If-None-Match</Condition><Key>${xmlEscape(key)}</Key>` +
      `<RequestId>${requestId}</RequestId></Error>`;
    res.writeHead(412, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      'x-amz-request-id': requestId,
    });
    res.end(body);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://s3.test');
    const [bucketPart = '', ...keyParts] = url.pathname.slice(1).split('/');
    const bucket = decodeURIComponent(bucketPart);
    const key = decodeURIComponent(keyParts.join('/'));
    const method = req.method ?? 'GET';
    const buckets = new Set(bucket === '' ? [] : [bucket]);
    const source = req.headers['x-amz-copy-source'];
    if (typeof source === 'string') {
      try {
        const decoded = decodeURIComponent(source);
        req.headers['x-amz-copy-source'] = encodeURI(decoded);
        const sourceBucket = decoded.replace(/^\//, '').split('/')[0];
        if (sourceBucket !== undefined && sourceBucket !== '') buckets.add(sourceBucket);
      } catch {
        // malformed: s3rver answers for itself
      }
    }
    const write = method === 'PUT' || method === 'POST' || method === 'DELETE';
    const releases: (() => void)[] = [];
    res.once('close', () => {
      for (const release of releases) release();
    });
    for (const b of [...buckets].sort()) releases.push(await lockOf(b).acquire(write));
    if (res.destroyed) {
      for (const release of releases) release();
      return;
    }
    const conditional =
      method === 'PUT' &&
      key !== '' &&
      req.headers['if-none-match'] === '*' &&
      source === undefined &&
      !NOT_PUT_OBJECT.some((p) => url.searchParams.has(p));
    if (method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
      if (!url.searchParams.has('delimiter')) {
        await listObjectsV2(store, bucket, url.searchParams, res);
        return;
      }
    }
    if (conditional) {
      if (await store.existsObject(bucket, key)) {
        counts.refused++;
        await refuse(req, res, key);
        return;
      }
      counts.accepted++;
    }
    handle(req, res);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('S3 test server: no port');
  const { port } = address;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    conditionalPuts: counts,
    async bucket(name = `promptly-${randomUUID().slice(0, 13)}`) {
      await store.putBucket(name);
      return name;
    },
    onEvent(listener) {
      const forward = (event: S3TestEvent): void => {
        listener({
          Records: event.Records.map((r) => ({
            ...r,
            s3: { ...r.s3, object: { ...r.s3.object, key: notificationKey(r.s3.object.key) } },
          })),
        });
      };
      s3rver.on('event', forward);
      return () => {
        s3rver.off('event', forward);
      };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      s3rver.logger.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
