/** Header carrying the real time the fan-out accepted the next_visit (ms since the Unix epoch). */
export const RECEIVED_HEADER = 'promptly-received-ms';
/** Header carrying how many times the reconciler re-enqueued this visit-detector (decimal). */
export const REQUEUE_HEADER = 'promptly-requeue';
