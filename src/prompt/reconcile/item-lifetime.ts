import { taiSecondsToUtcMs } from '../../core/time.js';

/** What bounds the life of one visit-detector work item. */
export interface ItemLifetimeLimits {
  /** Added to 2 × duration to make the snap deadline (summit ms). */
  readonly imageTimeoutMs: number;
  /** Longest a slot may wait for snaps, whatever the visit says (summit ms). */
  readonly maxSnapWaitMs: number;
  /** Visibility timeout of a work item (real ms). */
  readonly ackWaitMs: number;
  /** Deliveries of one item before it is dead-lettered. */
  readonly maxDeliveries: number;
  /** Extra real ms before a missing outcome counts as lost (pipeline run, recording). */
  readonly graceMs: number;
}

/**
 * Summit ms until which a slot waits for a visit's snaps: the later of now and the visit's
 * start, plus 2 × duration and the image timeout — never more than `maxSnapWaitMs` past
 * that start, so no next_visit (a `duration` of days) can hold a slot beyond the configured
 * maximum.
 */
export function snapDeadlineMs(
  visit: { readonly startTime: number; readonly duration: number },
  summitNowMs: number,
  limits: Pick<ItemLifetimeLimits, 'imageTimeoutMs' | 'maxSnapWaitMs'>,
): number {
  const from = Math.max(summitNowMs, taiSecondsToUtcMs(visit.startTime));
  const wait = Math.min(2 * visit.duration * 1000 + limits.imageTimeoutMs, limits.maxSnapWaitMs);
  return from + Math.max(0, wait);
}

/**
 * Real ms after which a visit-detector accepted at `acceptedRealMs` without an outcome is
 * overdue: its snap deadline (converted from summit to real time by `speed`), every allowed
 * delivery's visibility timeout, and the grace have all passed.
 */
export function itemDueMs(
  visit: { readonly startTime: number; readonly duration: number },
  acceptedRealMs: number,
  summitNowMs: number,
  speed: number,
  limits: ItemLifetimeLimits,
): number {
  const waitSummitMs = snapDeadlineMs(visit, summitNowMs, limits) - summitNowMs;
  return (
    acceptedRealMs + waitSummitMs / speed + limits.ackWaitMs * limits.maxDeliveries + limits.graceMs
  );
}

/** The lifetime limits a deployment's configuration sets. */
export function lifetimeLimits(config: {
  readonly worker: Pick<
    ItemLifetimeLimits,
    'imageTimeoutMs' | 'maxSnapWaitMs' | 'ackWaitMs' | 'maxDeliveries'
  >;
  readonly reconcile: { readonly graceMs: number };
}): ItemLifetimeLimits {
  return {
    imageTimeoutMs: config.worker.imageTimeoutMs,
    maxSnapWaitMs: config.worker.maxSnapWaitMs,
    ackWaitMs: config.worker.ackWaitMs,
    maxDeliveries: config.worker.maxDeliveries,
    graceMs: config.reconcile.graceMs,
  };
}
