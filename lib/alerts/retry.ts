import type { Settlement } from '../../db';
import type { SendOutcome } from './channel';

/**
 * When to try a failed delivery again. Exponential backoff with jitter, so a service that comes back is not hit
 * by every waiting message in the same second; a service's own `Retry-After` wins when it asks for longer; and
 * a message keeps being retried for the whole retry window (at least an hour), its last attempt at the window's
 * end, before it is given up as failed.
 */

export interface RetryPolicy {
  /** First wait after a failure, ms. */
  baseMs: number;
  /** Longest wait between two attempts, ms. */
  maxMs: number;
  /** How long after it was written a message is still retried, ms. */
  windowMs: number;
  /** Longest `Retry-After` honoured, ms (a service asking for a day is not waited for beyond the window anyway). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 5_000,
  maxMs: 10 * 60_000,
  windowMs: 60 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
};

/**
 * The wait before attempt `attempt + 1`, after `attempt` failed ones (1 = the first failed): base × 2^(n-1),
 * capped, then scaled by a random factor in [0.5, 1) ("equal jitter": never less than half the backoff).
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exponential * (0.5 + random() * 0.5));
}

/**
 * What a failed attempt does to its row: given up (`failed`) when the channel said it is pointless or the
 * window is over; otherwise pending again at the next attempt time.
 */
export function settleFailure(
  row: { createdAt: number; attempts: number },
  outcome: Extract<SendOutcome, { delivered: false }>,
  now: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Settlement {
  const error = outcome.status !== null ? `${outcome.error} (status ${outcome.status})` : outcome.error;
  const deadline = row.createdAt + policy.windowMs;
  if (!outcome.retryable || now >= deadline) return { status: 'failed', error };
  let wait = backoffMs(row.attempts + 1, policy, random);
  if (outcome.retryAfterMs !== undefined) wait = Math.max(wait, Math.min(outcome.retryAfterMs, policy.maxRetryAfterMs));
  // The last attempt lands on the deadline rather than past it, so the window is really tried to its end.
  return { status: 'pending', nextAttemptAt: Math.min(now + wait, deadline), error };
}
