import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffMs, DEFAULT_RETRY_POLICY, settleFailure } from '../../../lib/alerts/retry';
import { TokenBucket } from '../../../lib/alerts/rate-limit';

const policy = DEFAULT_RETRY_POLICY;
const failure = { delivered: false as const, retryable: true, status: 503, error: 'HTTP 503' };

test('backoff doubles from the base, stays within [half, whole] of it, and is capped', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (n, r) => {
      const whole = Math.min(policy.maxMs, policy.baseMs * 2 ** (n - 1));
      const wait = backoffMs(n, policy, () => r);
      return wait >= Math.floor(whole / 2) && wait <= whole;
    }),
  );
  assert.equal(backoffMs(1, policy, () => 0), 2_500);
  assert.equal(backoffMs(3, policy, () => 0), 10_000);
  assert.equal(backoffMs(30, policy, () => 0), policy.maxMs / 2);
});

test('a row keeps being retried for the whole window, its last attempt at the window end', () => {
  const createdAt = 0;
  let now = 0;
  let attempts = 0;
  let last = settleFailure({ createdAt, attempts }, failure, now, policy, () => 0.5);
  while (last.status === 'pending') {
    assert.ok(last.nextAttemptAt > now && last.nextAttemptAt <= createdAt + policy.windowMs);
    now = last.nextAttemptAt;
    attempts += 1;
    last = settleFailure({ createdAt, attempts }, failure, now, policy, () => 0.5);
  }
  assert.equal(last.status, 'failed');
  assert.equal(now, policy.windowMs, 'the final attempt was at the end of the hour');
  assert.ok(attempts > 5);
});

test('Retry-After wins over a shorter backoff; a final answer fails at once', () => {
  const s = settleFailure({ createdAt: 0, attempts: 0 }, { ...failure, retryAfterMs: 120_000 }, 1000, policy);
  assert.deepEqual(s.status === 'pending' && s.nextAttemptAt, 121_000);
  const final = settleFailure({ createdAt: 0, attempts: 0 }, { ...failure, retryable: false, status: 404 }, 1000, policy);
  assert.deepEqual(final, { status: 'failed', error: 'HTTP 503 (status 404)' });
});

test('the token bucket gives a burst, then tokens at its rate', () => {
  const bucket = new TokenBucket(60, 3, 0);
  assert.deepEqual([1, 2, 3, 4].map(() => bucket.tryTake(0)), [true, true, true, false]);
  assert.equal(bucket.nextTokenAt(0), 1000);
  assert.equal(bucket.tryTake(999), false);
  assert.equal(bucket.tryTake(2000), true);
  assert.equal(bucket.tryTake(1_000_000), true, 'refills');
});
