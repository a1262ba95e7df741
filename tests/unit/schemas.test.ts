import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../lib/errors';
import { validateNewSite, validateSitePatch } from '../../lib/schemas';
import { matchesStatus, parseStatusSpec } from '../../lib/status-codes';

function fieldsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'validation');
    return err.fields ?? {};
  }
  assert.fail('expected a validation error');
}

test('defaults fill in and the URL is normalised', () => {
  const s = validateNewSite({ url: '  https://Example.test  ' });
  assert.deepEqual(s, {
    url: 'https://example.test/',
    name: 'example.test',
    method: 'GET',
    intervalSeconds: 60,
    timeoutMs: 10000,
    expectedStatus: '200-399',
    followRedirects: true,
    headers: {},
    paused: false,
    confirmAfter: 2,
    recoverAfter: 1,
    retryIntervalSeconds: 10,
    degradedAboveMs: null,
    remindEveryMinutes: null,
  });
});

test('the alert settings are checked by range and named when wrong', () => {
  const ok = validateNewSite({ url: 'http://a.test', confirmAfter: 3, recoverAfter: 2, retryIntervalSeconds: 5, degradedAboveMs: 800, remindEveryMinutes: 60 });
  assert.deepEqual(
    [ok.confirmAfter, ok.recoverAfter, ok.retryIntervalSeconds, ok.degradedAboveMs, ok.remindEveryMinutes],
    [3, 2, 5, 800, 60],
  );
  const fields = fieldsOf(() =>
    validateNewSite({ url: 'http://a.test', confirmAfter: 11, recoverAfter: 0, retryIntervalSeconds: 3601, degradedAboveMs: 60001, remindEveryMinutes: 1.5 }),
  );
  assert.deepEqual(Object.keys(fields).sort(), ['confirmAfter', 'degradedAboveMs', 'recoverAfter', 'remindEveryMinutes', 'retryIntervalSeconds']);
  assert.deepEqual(validateSitePatch({ degradedAboveMs: null, remindEveryMinutes: null }), { degradedAboveMs: null, remindEveryMinutes: null });
});

test('expected status accepts a spec or a list and stores a canonical spec', () => {
  assert.equal(validateNewSite({ url: 'http://a.test', expectedStatus: ' 200 - 299 , 301' }).expectedStatus, '200-299,301');
  assert.equal(validateNewSite({ url: 'http://a.test', expectedStatus: [200, 204] }).expectedStatus, '200,204');
  for (const bad of ['', '20', '200-', '299-200', '600', 'abc', [99]]) {
    assert.ok(fieldsOf(() => validateNewSite({ url: 'http://a.test', expectedStatus: bad })).expectedStatus, String(bad));
  }
});

test('every bad field is named at once', () => {
  const fields = fieldsOf(() => validateNewSite({ url: 'gopher://x', intervalSeconds: -1, timeoutMs: 'x', extra: 1 }));
  assert.deepEqual(Object.keys(fields).sort(), ['extra', 'intervalSeconds', 'timeoutMs', 'url']);
  assert.match(fields.url!, /http/);
});

test('a patch validates only what it carries and refuses unknown fields', () => {
  assert.deepEqual(validateSitePatch({ paused: true }), { paused: true });
  assert.ok(fieldsOf(() => validateSitePatch({ id: 3 })).id);
  assert.ok(fieldsOf(() => validateSitePatch({ url: 'file:///etc/passwd' })).url);
  assert.ok(fieldsOf(() => validateSitePatch(null))._);
});

test('status matching covers ranges and single codes', () => {
  const r = parseStatusSpec('200-299,301,418');
  assert.ok(Array.isArray(r));
  assert.equal(matchesStatus(r, 200), true);
  assert.equal(matchesStatus(r, 299), true);
  assert.equal(matchesStatus(r, 301), true);
  assert.equal(matchesStatus(r, 302), false);
  assert.equal(matchesStatus(r, 418), true);
  assert.equal(matchesStatus(r, 500), false);
});
