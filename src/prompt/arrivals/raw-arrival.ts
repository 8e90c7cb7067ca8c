import { z } from 'zod';

/** The message a worker hears when one of its raws lands. */
export const rawArrivalSchema = z.strictObject({
  /** The object key, raw (never URL-encoded). */
  key: z.string(),
  instrument: z.string(),
  detector: z.number().int(),
  group: z.string(),
  snap: z.number().int(),
  size: z.number().int(),
  eTag: z.string(),
  /** When the store's arrival notice was routed, real wall-clock ms (UTC). */
  arrivedMs: z.number(),
  /**
   * The notice's own time (ISO-8601 UTC): when the store saw the put. Absent in messages of
   * older routers.
   */
  eventTime: z.string().optional(),
  /**
   * Who made the notice (`promptly:store`, `promptly:reconciler`, `minio:s3`…); a reconciler
   * notice means a notification was lost or late. Absent in messages of older routers.
   */
  eventSource: z.string().optional(),
});

export type RawArrival = z.infer<typeof rawArrivalSchema>;
