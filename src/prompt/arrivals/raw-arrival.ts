import { z } from 'zod';

/** The message a worker hears when one of its raws lands. */
export const rawArrivalSchema = z.strictObject({
  key: z.string(),
  instrument: z.string(),
  detector: z.number().int(),
  group: z.string(),
  snap: z.number().int(),
  size: z.number().int(),
  eTag: z.string(),
  /** When the store's arrival notice was routed, real wall-clock ms (UTC). */
  arrivedMs: z.number(),
});

export type RawArrival = z.infer<typeof rawArrivalSchema>;
