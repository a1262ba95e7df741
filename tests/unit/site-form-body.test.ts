import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertionOf, blankRow, jsonValueOf, rowsFromAssertions } from '../../app/_components/site-form/assertion-model';
import { initialValues, toBody, type Values } from '../../app/_components/site-form/values';
import type { Assertion } from '../../db/domain';
import { siteCreateSchema, validateNewSite } from '../../lib/schemas';

/** The site form's values as the API takes them, per kind: what is sent is what the schema accepts. */

const blank = (over: Partial<Values>): Values => ({ ...initialValues(undefined), ...over });

test('each kind sends its own target form and fields, and the result is a valid site', () => {
  const cases: Array<[Partial<Values>, Record<string, unknown>]> = [
    [{ kind: 'tcp', url: 'db.internal:5432' }, { kind: 'tcp', url: 'tcp://db.internal:5432' }],
    [{ kind: 'tcp', url: 'mail.internal:465', tcpTls: true }, { kind: 'tcp', url: 'tls://mail.internal:465' }],
    [
      { kind: 'dns', url: 'example.com', dnsRecordType: 'MX', dnsExpected: '10 mx1.example.com\n, 20 mx2.example.com' },
      { kind: 'dns', url: 'dns://example.com', dnsRecordType: 'MX', dnsExpected: ['10 mx1.example.com', '20 mx2.example.com'] },
    ],
    [{ kind: 'push', url: 'left from http', pushGraceSeconds: '30' }, { kind: 'push', pushGraceSeconds: 30 }],
  ];
  for (const [values, expected] of cases) {
    const body = toBody(blank(values), false, false);
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(body[key], value, `${values.kind} ${key}`);
    assert.ok(siteCreateSchema.safeParse(body).success, JSON.stringify(body));
    validateNewSite(body);
  }
  const push = toBody(blank({ kind: 'push' }), false, false);
  assert.ok(!('url' in push) && !('timeoutMs' in push) && !('method' in push), 'a push site sends no target or HTTP fields');
});

test('a stored request body is kept unless replaced, and dropped when the method can no longer send one', () => {
  const post = blank({ url: 'https://example.com/hook', method: 'POST' });
  assert.ok(!('requestBody' in toBody(post, true, true)), 'left empty on an edit: the stored body stays');
  assert.equal(toBody({ ...post, requestBody: '{"a":1}' }, true, true).requestBody, '{"a":1}');
  assert.equal(toBody({ ...post, method: 'GET' }, true, true).requestBody, null);
  assert.ok(!('requestBody' in toBody({ ...post, method: 'GET' }, false, false)));
});

test('a JSON path value typed as text compares as JSON when it is JSON, as the text otherwise', () => {
  assert.equal(jsonValueOf('ok'), 'ok');
  assert.equal(jsonValueOf('100'), 100);
  assert.equal(jsonValueOf('-2.5'), -2.5);
  assert.equal(jsonValueOf('"100"'), '100');
  assert.equal(jsonValueOf('true'), true);
  assert.equal(jsonValueOf('null'), null);
  assert.equal(jsonValueOf('1.2.3'), '1.2.3');
});

test('stored assertions come back as rows and go out unchanged', () => {
  const list: Assertion[] = [
    { type: 'body-contains', value: 'ok', ignoreCase: true },
    { type: 'body-not-contains', value: 'Maintenance' },
    { type: 'body-matches', pattern: '^\\{', flags: 'i' },
    { type: 'json-path', path: '$.queue.depth', op: '<', value: 100 },
    { type: 'json-path', path: '$.status', op: '==', value: 'ok' },
    { type: 'json-path', path: '$.version', op: '==', value: '100' },
    { type: 'header', name: 'content-type', op: 'contains', value: 'json' },
    { type: 'response-time', belowMs: 500 },
  ];
  assert.deepEqual(rowsFromAssertions(list).map(assertionOf), list);
  // A time that is not a number is sent as typed, for the schema to name.
  assert.deepEqual(assertionOf({ ...blankRow('response-time'), belowMs: 'soon' }), { type: 'response-time', belowMs: 'soon' });
});
