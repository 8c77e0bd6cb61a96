/** Appends that lost the race for a revision to another process are retried this many times. */
export const MAX_CONFLICT_RETRIES = 8;
/** Upper bound of the random pause before retry n: (n + 1) × this, in ms. */
const CONFLICT_BACKOFF_MS = 4;

export function pauseAfterConflict(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * CONFLICT_BACKOFF_MS * (attempt + 1)));
}
