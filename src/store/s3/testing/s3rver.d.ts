/**
 * The part of s3rver (npm, v3.7, CommonJS, no bundled types) that the S3 test server uses.
 * s3rver is a Koa app serving the S3 REST API from a directory.
 */
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface S3rverOptions {
    /** Directory holding buckets and objects. */
    directory: string;
    /** No request log on the console. */
    silent?: boolean;
    /** Accept requests whose SigV4 signature does not match (default false). */
    allowMismatchedSignatures?: boolean;
    /** Treat a Host header other than an IP or localhost as a bucket name (default true). */
    vhostBuckets?: boolean;
  }

  /** One object as the store lists it. */
  interface S3rverObject {
    readonly key: string;
    /** Bytes. */
    readonly size: number;
    readonly lastModifiedDate: Date;
    /** `etag` is quoted hex MD5. */
    readonly metadata: { readonly etag: string };
  }

  interface S3rverListOptions {
    readonly delimiter?: string;
    readonly startAfter?: string;
    readonly prefix?: string;
    readonly maxKeys?: number;
  }

  interface S3rverListResult {
    objects: S3rverObject[];
    commonPrefixes: string[];
    isTruncated: boolean;
  }

  /** s3rver's filesystem store (`app.store`, shared with every request context). */
  interface S3rverStore {
    putBucket(bucket: string): Promise<unknown>;
    /** The bucket, or null when there is none. */
    getBucket(bucket: string): Promise<object | null>;
    existsObject(bucket: string, key: string): Promise<boolean>;
    listObjects(bucket: string, options: S3rverListOptions): Promise<S3rverListResult>;
  }

  /** An S3 event notification as s3rver emits it (`Records[…]`). */
  interface S3rverEvent {
    readonly Records: readonly {
      readonly eventName: string;
      readonly eventTime: string;
      readonly s3: {
        readonly bucket: { readonly name: string };
        readonly object: {
          readonly key: string;
          readonly size?: number;
          readonly eTag?: string;
          readonly sequencer: string;
        };
      };
    }[];
  }

  class S3rver {
    constructor(options: S3rverOptions);
    store: S3rverStore;
    readonly logger: { close(): void };
    /** The Koa request handler. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: 'event', listener: (event: S3rverEvent) => void): this;
    off(event: 'event', listener: (event: S3rverEvent) => void): this;
  }

  export = S3rver;
}
