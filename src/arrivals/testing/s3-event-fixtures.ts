import type { ArrivalRecord } from '../arrival-notice.js';
import { encodeS3Key } from '../s3/s3-event.js';

export { encodeS3Key };

/**
 * S3 event notification bodies shaped as MinIO and Ceph RGW send them (fixtures of our own
 * making, field for field after the senders' documented output): keys URL-encoded, MinIO's
 * `s3:` event-name prefix, sender-specific extra members the intake must tolerate.
 */

/** What one fixture record announces; `key` is the raw key (the fixture encodes it). */
export interface FixtureObject {
  readonly bucket: string;
  readonly key: string;
  /** Bytes. */
  readonly size: number;
  /** Hex MD5, unquoted. */
  readonly eTag: string;
  /** Default `ObjectCreated:Put`. */
  readonly eventName?: string;
  readonly sequencer?: string;
  /** ISO-8601 UTC; default now. */
  readonly eventTime?: string;
}

/** One record as MinIO's webhook (and bus targets) send it. */
export function minioRecord(o: FixtureObject): Record<string, unknown> {
  return {
    eventVersion: '2.0',
    eventSource: 'minio:s3',
    awsRegion: '',
    eventTime: o.eventTime ?? new Date().toISOString(),
    eventName: `s3:${o.eventName ?? 'ObjectCreated:Put'}`,
    userIdentity: { principalId: 'minioadmin' },
    requestParameters: { principalId: 'minioadmin', region: '', sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-id-2': 'dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8',
      'x-amz-request-id': '17A1B2C3D4E5F607',
      'x-minio-deployment-id': '2b6a3f4e-0000-4000-8000-000000000000',
      'x-minio-origin-endpoint': 'http://127.0.0.1:9000',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'Config',
      bucket: {
        name: o.bucket,
        ownerIdentity: { principalId: 'minioadmin' },
        arn: `arn:aws:s3:::${o.bucket}`,
      },
      object: {
        key: encodeS3Key(o.key),
        size: o.size,
        eTag: o.eTag,
        contentType: 'application/octet-stream',
        userMetadata: { 'content-type': 'application/octet-stream' },
        sequencer: o.sequencer ?? '17A1B2C3D4E5F607',
      },
    },
    source: { host: '127.0.0.1', port: '', userAgent: 'MinIO (linux; amd64) minio-go/v7.0.70' },
  };
}

/** MinIO's webhook body: `EventName`, `Key` (`bucket/encoded key`) and the records. */
export function minioBody(o: FixtureObject): Record<string, unknown> {
  return {
    EventName: `s3:${o.eventName ?? 'ObjectCreated:Put'}`,
    Key: `${o.bucket}/${encodeS3Key(o.key)}`,
    Records: [minioRecord(o)],
  };
}

/** One record as Ceph RGW pushes it (HTTP, AMQP or Kafka endpoint). */
export function cephRecord(o: FixtureObject): Record<string, unknown> {
  return {
    eventVersion: '2.2',
    eventSource: 'ceph:s3',
    awsRegion: 'default',
    eventTime: o.eventTime ?? new Date().toISOString().replace('Z', '000Z'),
    eventName: o.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'promptly-test' },
    requestParameters: { sourceIPAddress: '' },
    responseElements: {
      'x-amz-request-id': '6a8c2a5e-0000-4000-8000-000000000000.4155.1',
      'x-amz-id-2': '4155-default-default',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'promptly-raw',
      bucket: {
        name: o.bucket,
        ownerIdentity: { principalId: 'promptly-test' },
        arn: `arn:aws:s3:::${o.bucket}`,
        id: '6a8c2a5e-0000-4000-8000-000000000000.4155.1',
      },
      object: {
        key: encodeS3Key(o.key, true),
        size: o.size,
        eTag: o.eTag,
        versionId: '',
        sequencer: o.sequencer ?? 'F7E6D5C4B3A29180',
        metadata: [],
        tags: [],
      },
    },
    eventId: '1700000000.123456.6a8c2a5e',
    opaqueData: '',
  };
}

/** Ceph RGW's body: the records only. */
export function cephBody(objects: readonly FixtureObject[]): Record<string, unknown> {
  return { Records: objects.map(cephRecord) };
}

/** The fixture object of a record promptly's own store emitted (to re-send it as S3 would). */
export function fixtureOf(record: ArrivalRecord): FixtureObject {
  return {
    bucket: record.s3.bucket.name,
    key: record.s3.object.key,
    size: record.s3.object.size,
    eTag: record.s3.object.eTag,
    sequencer: record.s3.object.sequencer,
    eventTime: record.eventTime,
  };
}
