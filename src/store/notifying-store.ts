import { makeArrivalNotice, nextSequencer } from './arrival-notice.js';
import type { NoticeSink, ObjectInfo, ObjectStore, PutOptions } from './object-store.js';

/**
 * A store whose puts also hand an arrival notice to `sink` once the object is stored: what
 * a bucket notification does, for a writer whose store sends none itself (an S3 server
 * without notifications). The put resolves after the sink, as the fs store's does; a write-
 * once put that finds the object already there announces nothing.
 */
export function withArrivalNotices(store: ObjectStore, sink: NoticeSink): ObjectStore {
  return {
    bucket: store.bucket,
    async put(key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectInfo> {
      const info = await store.put(key, body, options);
      await sink(
        makeArrivalNotice({
          bucket: store.bucket,
          key,
          size: info.size,
          eTag: info.eTag,
          sequencer: nextSequencer(),
          timeMs: info.lastModifiedMs,
        }),
      );
      return info;
    },
    get: (key, options) => store.get(key, options),
    getRange: (key, start, end, options) => store.getRange(key, start, end, options),
    head: (key, options) => store.head(key, options),
    list: (prefix, options) => store.list(prefix, options),
    delete: (key, options) => store.delete(key, options),
    move: (from, to, options) => store.move(from, to, options),
    close: () => store.close(),
  };
}
