import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASKED_VALUE, maskHeaders } from '../../lib/api/present';
import { KIND_SETTING_DEFAULTS } from '../../db/domain';
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
    ...KIND_SETTING_DEFAULTS,
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

test('expected status is bounded: at most 200 characters and 50 codes or ranges', () => {
  const fifty = Array.from({ length: 50 }, (_v, i) => 200 + i);
  assert.equal(validateNewSite({ url: 'http://a.test', expectedStatus: fifty }).expectedStatus.split(',').length, 50);
  assert.match(fieldsOf(() => validateNewSite({ url: 'http://a.test', expectedStatus: [...fifty, 250] })).expectedStatus!, /at most 50/);
  const fiftyText = fifty.join(',');
  assert.equal(validateNewSite({ url: 'http://a.test', expectedStatus: fiftyText }).expectedStatus, fiftyText);
  const long = `${fiftyText},250`;
  assert.match(fieldsOf(() => validateNewSite({ url: 'http://a.test', expectedStatus: long })).expectedStatus!, /at most 200 characters/);
  const huge = '200,'.repeat(14_000) + '200';
  assert.match(fieldsOf(() => validateSitePatch({ expectedStatus: huge })).expectedStatus!, /at most 200 characters/);
});

test('headers undici would refuse at check time are refused when saved, naming the header', () => {
  const refused: Array<[Record<string, unknown>, RegExp]> = [
    [{ Expect: '100-continue' }, /"Expect" is set by Upbeat/],
    [{ 'Keep-Alive': 'timeout=5' }, /"Keep-Alive" is a hop-by-hop header/],
    [{ 'proxy-connection': 'keep-alive' }, /hop-by-hop/],
    [{ Connection: 'close' }, /hop-by-hop/],
    [{ TE: 'trailers' }, /hop-by-hop/],
    [{ Upgrade: 'h2c' }, /set by Upbeat/],
    [{ 'X-Name': 'café' }, /value of "X-Name" must be at most 1024 printable ASCII/],
    [{ 'X-Emoji': 'ok 👍' }, /printable ASCII/],
    [{ 'X-Bell': 'a\u0007b' }, /printable ASCII/],
    [{ 'X-Del': 'a\u007fb' }, /printable ASCII/],
  ];
  for (const [headers, message] of refused) {
    const fields = fieldsOf(() => validateNewSite({ url: 'http://a.test', headers }));
    assert.match(fields.headers ?? '', message, JSON.stringify(headers));
  }
  const ok = { Authorization: 'Bearer abc.def-ghi', 'X-Tab': 'a\tb', Accept: 'text/html; q=0.9' };
  assert.deepEqual(validateNewSite({ url: 'http://a.test', headers: ok }).headers, ok);
});

test('a __proto__ key is named in the error, at the top level and as a header name', () => {
  const top = fieldsOf(() => validateNewSite(JSON.parse('{"url":"http://a.test","__proto__":{"paused":true}}')));
  assert.deepEqual(Object.keys(top), ['__proto__']);
  assert.equal(Object.getOwnPropertyDescriptor(top, '__proto__')?.value, 'is not a known field');
  const other = fieldsOf(() => validateSitePatch({ constructor: 1 }));
  assert.equal(Object.getOwnPropertyDescriptor(other, 'constructor')?.value, 'is not a known field');
  try {
    validateNewSite(JSON.parse('{"url":"http://a.test","__proto__":1}'));
    assert.fail('expected a validation error');
  } catch (err) {
    assert.ok(err instanceof AppError);
    assert.match(err.message, /__proto__ is not a known field/);
    assert.match(JSON.stringify({ fields: err.fields }), /"__proto__":"is not a known field"/);
  }
  const header = fieldsOf(() => validateNewSite(JSON.parse('{"url":"http://a.test","headers":{"__proto__":"x"}}')));
  assert.match(header.headers!, /"__proto__" is not a valid header name/);
});

test('a masked header shows only that a value is set', () => {
  assert.deepEqual(maskHeaders({ Authorization: 'SECRET-TOKEN-1234567890', 'X-Short': 'ab' }), {
    Authorization: MASKED_VALUE,
    'X-Short': MASKED_VALUE,
  });
  assert.doesNotMatch(MASKED_VALUE, /[A-Za-z0-9]/);
});
