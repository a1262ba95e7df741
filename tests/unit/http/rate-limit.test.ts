import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorResponse } from '../../../app/_server/http';
import { AppError } from '../../../lib/errors';
import { RateLimiter, clientKeyOfAddress, enforceRateLimit } from '../../../lib/http/rate-limit';

const T0 = 1_700_000_000_000;

test('a client gets its burst, then waits for the refill', () => {
  const limiter = new RateLimiter({ perSecond: 2, burst: 5 });
  for (let i = 0; i < 5; i++) assert.equal(limiter.take('a', T0), 0, `request ${i}`);
  assert.equal(limiter.take('a', T0), 500, 'one token every 500 ms');
  assert.equal(limiter.take('b', T0), 0, 'another client has its own bucket');
  const nearly = limiter.take('a', T0 + 499);
  assert.ok(nearly > 0 && nearly <= 2, String(nearly));
  assert.equal(limiter.take('a', T0 + 500), 0);
  assert.equal(limiter.take('a', T0 + 500), 500);
  // A long pause refills to the burst, never beyond it.
  for (let i = 0; i < 5; i++) assert.equal(limiter.take('a', T0 + 3_600_000), 0);
  assert.ok(limiter.take('a', T0 + 3_600_000) > 0);
});

test('memory is bounded, and a flood of new clients resets no one', () => {
  const limiter = new RateLimiter({ perSecond: 1, burst: 3, maxKeys: 100 });
  for (let i = 0; i < 3; i++) limiter.take('victim-of-own-flood', T0);
  assert.ok(limiter.take('victim-of-own-flood', T0) > 0);
  for (let i = 0; i < 10_000; i++) limiter.take(`spoofed-${i}`, T0 + (i % 10));
  assert.ok(limiter.size <= 100, `remembered ${limiter.size}`);
  assert.ok(limiter.take('victim-of-own-flood', T0 + 10) > 0, 'the drained bucket is still drained');
  // Once buckets have refilled they are forgotten, and new clients get buckets of their own again.
  assert.equal(limiter.take('newcomer', T0 + 60_000), 0);
  assert.ok(limiter.size <= 100);
});

test('new clients past the bound share one overflow bucket', () => {
  const limiter = new RateLimiter({ perSecond: 1, burst: 2, maxKeys: 2 });
  limiter.take('a', T0);
  limiter.take('b', T0);
  assert.equal(limiter.take('c', T0), 0);
  assert.equal(limiter.take('d', T0), 0);
  assert.ok(limiter.take('e', T0) > 0, 'the overflow bucket is shared');
});

test('a refused request becomes 429 with Retry-After through the one error mapping', async () => {
  const limiter = new RateLimiter({ perSecond: 0.25, burst: 1 });
  enforceRateLimit(limiter, 'k', T0);
  let caught: unknown;
  try {
    enforceRateLimit(limiter, 'k', T0);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError);
  assert.equal(caught.code, 'rate_limited');
  assert.equal(caught.retryAfterSeconds, 4);
  const res = errorResponse(caught);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '4');
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'rate_limited');
});

test('clients are keyed by address, IPv6 by its /64', () => {
  assert.equal(clientKeyOfAddress('203.0.113.9'), '203.0.113.9');
  assert.equal(clientKeyOfAddress('2001:db8:1:2:aaaa::1'), clientKeyOfAddress('2001:db8:1:2:bbbb::2'));
  assert.notEqual(clientKeyOfAddress('2001:db8:1:2::1'), clientKeyOfAddress('2001:db8:1:3::1'));
  assert.equal(clientKeyOfAddress('::ffff:203.0.113.9'), '203.0.113.9');
});
