import type { Bus } from '../../bus/bus.js';
import { encodeJson } from '../../bus/codec.js';
import type { ArrivalNotice, NoticeSink } from '../arrival-notice.js';
import { s3EventsSubject } from './s3-bus-notices.js';
import { encodeS3Key } from './s3-event.js';

/**
 * A store's notice sink that publishes each notice on the bus as an S3 event notification
 * (keys URL-encoded as S3 and Ceph RGW send them, `/` kept), on `s3.events.<bucket>`: what a
 * Ceph RGW topic push delivers, for writers whose store sends no notifications of its own
 * (a shared POSIX file system, or an S3 server without them). The put resolves once the
 * bus stored it; the router's listing reconciler finds what a failed publish missed.
 */
export function busNoticePublisher(bus: Bus, bucket: string): NoticeSink {
  const subject = s3EventsSubject(bucket);
  return async (notice: ArrivalNotice) => {
    const Records = notice.Records.map((r) => ({
      ...r,
      s3: { ...r.s3, object: { ...r.s3.object, key: encodeS3Key(r.s3.object.key, true) } },
    }));
    await bus.publish(subject, encodeJson({ Records }));
  };
}
