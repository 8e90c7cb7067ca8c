/**
 * `promise`, or a rejection naming `what` once `deadlineMs` (real ms, generous: a bench waits
 * for events, never for a guessed time) has passed without it settling, so a lost message
 * ends the group with an error instead of hanging `npm run bench`.
 */
export async function withinDeadline<T>(
  promise: Promise<T>,
  deadlineMs: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not done within ${deadlineMs} ms`)),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
