import { AppError } from '../errors';
import { rateKey } from '../http/ip';
import { FailureLimiter } from './rate-limit';

/**
 * Who may try a password now. Three limits, each 15 minutes wide:
 *
 * - a known device (lib/auth/device.ts) answers only for its own failures: 10. Nobody else's failures, from any
 *   address, can keep the owner's own browser out;
 * - any other attempt counts against its client address (an IPv6 client by its /64): 10 failures, on any account;
 * - and against the account, when the account exists: 20 failures from unknown devices, however many addresses
 *   they come from. Names that do not exist are not tracked, so failures on them cannot push the owner's record
 *   out of memory.
 *
 * An attempt is recorded as a failure BEFORE the password hash is awaited and taken back when it succeeds, so a
 * burst of parallel guesses meets the limit as surely as a sequence of them.
 */

const WINDOW_MS = 15 * 60_000;

export interface LoginAttemptOf {
  /** The client's address (lib/http/client-address.ts). */
  address: string;
  /** The account's id, only when an account of that name exists. */
  accountId: number | undefined;
  /** The device id from a valid device cookie of that account. */
  deviceId: string | undefined;
}

export interface PendingAttempt {
  /** The password was right: the attempt was no failure after all, and the slate is wiped. */
  succeeded(): void;
}

export class LoginLimits {
  readonly byDevice = new FailureLimiter(10, WINDOW_MS);
  readonly byAddress = new FailureLimiter(10, WINDOW_MS);
  // At most one key per existing account: never flooded, never evicted.
  readonly byAccount = new FailureLimiter(20, WINDOW_MS);

  /** Throws `rate_limited` when a limit applies; otherwise records the attempt as a failure until it succeeds. */
  begin(attempt: LoginAttemptOf, now = Date.now()): PendingAttempt {
    const checks: [FailureLimiter, string][] = attempt.deviceId
      ? [[this.byDevice, attempt.deviceId]]
      : [
          [this.byAddress, rateKey(attempt.address)],
          ...(attempt.accountId === undefined ? [] : [[this.byAccount, `account:${attempt.accountId}`] as [FailureLimiter, string]]),
        ];
    const wait = Math.max(...checks.map(([limiter, key]) => limiter.retryAfter(key, now)));
    if (wait > 0) throw rateLimited(wait);
    for (const [limiter, key] of checks) limiter.fail(key, now);
    return {
      succeeded: () => {
        for (const [limiter, key] of checks) limiter.reset(key);
      },
    };
  }
}

export function rateLimited(waitMs: number): AppError {
  return new AppError('rate_limited', `Too many failed attempts; try again in ${Math.ceil(waitMs / 1000)} s`);
}
