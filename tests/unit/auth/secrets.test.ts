import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLimiter } from '../../../lib/auth/rate-limit';
import { hashPassword, hashSecret, newSecret, secretsEqual, verifyPassword } from '../../../lib/auth/secrets';
import { safeNextPath } from '../../../lib/auth/next-path';

test('passwords hash with scrypt and a fresh salt, and verify only the right one', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.match(a, /^scrypt\$32768\$8\$1\$/);
  assert.notEqual(a, b, 'same password, different salt');
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('anything', 'not-a-hash'), false);
  assert.ok(!a.includes('correct'));
});

test('secrets are long, random and stored as SHA-256', () => {
  const s = newSecret('upb_');
  assert.match(s, /^upb_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newSecret(), newSecret());
  assert.match(hashSecret(s), /^[0-9a-f]{64}$/);
  assert.equal(secretsEqual('abc', 'abc'), true);
  assert.equal(secretsEqual('abc', 'abd'), false);
  assert.equal(secretsEqual('abc', 'abcd'), false);
});

test('the failure limiter refuses after max failures in the window and forgets them after it', () => {
  const limiter = new FailureLimiter(3, 1000);
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.retryAfter('ip', 100 + i), 0);
    limiter.fail('ip', 100 + i);
  }
  assert.ok(limiter.retryAfter('ip', 500) > 0);
  assert.equal(limiter.retryAfter('other', 500), 0, 'keys are separate');
  assert.equal(limiter.retryAfter('ip', 1103), 0, 'the window slid past the failures');
  limiter.fail('ip', 1200);
  limiter.reset('ip');
  assert.equal(limiter.retryAfter('ip', 1201), 0);
});

test('only same-site paths are accepted as a redirect target after login', () => {
  assert.equal(safeNextPath('/sites/3'), '/sites/3');
  for (const bad of ['https://evil.test/', '//evil.test/x', '/\\evil.test', 'javascript:alert(1)', '', undefined]) {
    assert.equal(safeNextPath(bad), '/', String(bad));
  }
});
