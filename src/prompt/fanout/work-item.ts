/** Header carrying the summit-clock time the fan-out accepted the next_visit (ms, UTC). */
export const RECEIVED_HEADER = 'promptly-received-ms';
