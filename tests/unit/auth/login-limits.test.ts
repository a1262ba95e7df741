import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { User } from '../../../db/auth';
import { deviceIdOf, newDeviceToken, DEVICE_TTL_MS } from '../../../lib/auth/device';
import { LoginLimits } from '../../../lib/auth/login-limits';
import { FailureLimiter } from '../../../lib/auth/rate-limit';
import { isAppError } from '../../../lib/errors';

const limited = (fn: () => unknown) => {
  try {
    fn();
    return false;
  } catch (err) {
    if (isAppError(err) && err.code === 'rate_limited') return true;
    throw err;
  }
};

test('an attempt counts before its password is checked: a parallel burst meets the limit', () => {
  const limits = new LoginLimits();
  // 60 attempts begun before any finishes, as 60 parallel requests awaiting scrypt would be.
  const outcomes = Array.from({ length: 60 }, () =>
    limited(() => limits.begin({ address: '10.0.0.1', accountId: 1, deviceId: undefined }, 1000)),
  );
  assert.equal(outcomes.filter((l) => !l).length, 10, 'only the first 10 reach the password check');
});

test('a success takes its attempt back', () => {
  const limits = new LoginLimits();
  for (let i = 0; i < 9; i++) limits.begin({ address: '10.0.0.1', accountId: 1, deviceId: undefined }, 1000);
  limits.begin({ address: '10.0.0.1', accountId: 1, deviceId: undefined }, 1000).succeeded();
  assert.equal(limited(() => limits.begin({ address: '10.0.0.1', accountId: 1, deviceId: undefined }, 1000)), false);
});

test('the account limit holds across addresses, and a known device is never held by it', () => {
  const limits = new LoginLimits();
  for (let i = 0; i < 20; i++) limits.begin({ address: `198.51.100.${i}`, accountId: 1, deviceId: undefined }, 1000);
  assert.equal(limited(() => limits.begin({ address: '203.0.113.1', accountId: 1, deviceId: undefined }, 1000)), true);
  assert.equal(limited(() => limits.begin({ address: '198.51.100.1', accountId: 1, deviceId: 'owner-laptop' }, 1000)), false);
  assert.equal(
    limited(() => limits.begin({ address: '203.0.113.1', accountId: 1, deviceId: undefined }, 1000 + 15 * 60_000)),
    false,
    'and lifts after the window',
  );
});

test('a known device answers for its own failures only', () => {
  const limits = new LoginLimits();
  for (let i = 0; i < 10; i++) limits.begin({ address: '10.0.0.1', accountId: 1, deviceId: 'd1' }, 1000);
  assert.equal(limited(() => limits.begin({ address: '10.0.0.1', accountId: 1, deviceId: 'd1' }, 1000)), true);
  assert.equal(limited(() => limits.begin({ address: '10.0.0.1', accountId: 1, deviceId: 'd2' }, 1000)), false);
  assert.equal(limited(() => limits.begin({ address: '10.0.0.1', accountId: 1, deviceId: undefined }, 1000)), false);
});

test('failures on other names and from other addresses never push the account out of memory', () => {
  const limits = new LoginLimits();
  for (let i = 0; i < 20; i++) limits.begin({ address: `198.51.100.${i}`, accountId: 1, deviceId: undefined }, 1000);
  // 30,000 distinct addresses guessing names that do not exist (so no account id): the address limiter fills up
  // and forgets its oldest keys, the account limiter holds one key.
  for (let i = 0; i < 30_000; i++) {
    limits.begin({ address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, accountId: undefined, deviceId: undefined }, 2000);
  }
  assert.ok(limits.byAddress.size <= 10_000, `address keys bounded: ${limits.byAddress.size}`);
  assert.equal(limits.byAccount.size, 1);
  assert.equal(limited(() => limits.begin({ address: '203.0.113.1', accountId: 1, deviceId: undefined }, 3000)), true);
});

test('an IPv6 client cannot rotate through its /64 for fresh tries', () => {
  const limits = new LoginLimits();
  for (let i = 0; i < 10; i++) limits.begin({ address: `2001:db8:1:2::${i + 1}`, accountId: undefined, deviceId: undefined }, 1000);
  assert.equal(limited(() => limits.begin({ address: '2001:db8:1:2:ffff::1', accountId: undefined, deviceId: undefined }, 1000)), true);
  assert.equal(limited(() => limits.begin({ address: '2001:db8:1:3::1', accountId: undefined, deviceId: undefined }, 1000)), false);
});

test('the failure limiter forgets the keys that failed least recently first', () => {
  const limiter = new FailureLimiter(1, 60_000, 10);
  limiter.fail('kept', 1);
  for (let i = 0; i < 8; i++) limiter.fail(`k${i}`, 2);
  limiter.fail('kept', 3); // failed again: now among the newest
  for (let i = 8; i < 12; i++) limiter.fail(`k${i}`, 4);
  assert.ok(limiter.size <= 10);
  assert.ok(limiter.retryAfter('kept', 5) > 0);
  assert.equal(limiter.retryAfter('k0', 5), 0, 'k0 was forgotten');
});

const user = (over: Partial<User> = {}): User => ({
  id: 1,
  username: 'admin',
  passwordHash: 'scrypt$32768$8$1$c2FsdA$aGFzaA',
  passwordChangedAt: 0,
  createdAt: 0,
  ...over,
});

test('a device cookie is signed for one account, until it expires or the password changes', () => {
  const owner = user();
  const token = newDeviceToken(owner, 1_000);
  const id = deviceIdOf(owner, token, 2_000);
  assert.ok(id && id.length >= 16);
  assert.equal(deviceIdOf(owner, newDeviceToken(owner, 1_000), 2_000) === id, false, 'each login a new device id');
  assert.equal(deviceIdOf(user({ id: 2 }), token, 2_000), undefined, 'another account');
  assert.equal(deviceIdOf(user({ passwordHash: 'scrypt$changed' }), token, 2_000), undefined, 'after a password change');
  assert.equal(deviceIdOf(owner, token, 1_000 + DEVICE_TTL_MS + 1), undefined, 'expired');
  const [u, t, d, mac] = token.split('.');
  assert.equal(deviceIdOf(owner, `${u}.${t}.${d}x.${mac}`, 2_000), undefined, 'tampered id');
  assert.equal(deviceIdOf(owner, `${u}.${Number(t) + 1}.${d}.${mac}`, 2_000), undefined, 'tampered time');
  assert.equal(deviceIdOf(owner, undefined, 2_000), undefined);
  assert.equal(deviceIdOf(owner, 'garbage', 2_000), undefined);
});
