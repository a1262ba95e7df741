import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeOfResponse, parseRetryAfter, serviceErrorText } from '../../../lib/alerts/http';

const NOW = Date.UTC(2025, 2, 1, 12, 0, 0);

const statuses: Array<[number, 'delivered' | 'retry' | 'final']> = [
  [200, 'delivered'],
  [202, 'delivered'],
  [204, 'delivered'],
  [301, 'final'],
  [400, 'final'],
  [401, 'final'],
  [403, 'final'],
  [404, 'final'],
  [408, 'retry'],
  [410, 'final'],
  [413, 'final'],
  [429, 'retry'],
  [500, 'retry'],
  [502, 'retry'],
  [503, 'retry'],
  [504, 'retry'],
];
for (const [status, verdict] of statuses) {
  test(`HTTP ${status} is ${verdict === 'retry' ? 'retried' : verdict}`, () => {
    const outcome = outcomeOfResponse(status, {}, '', NOW);
    assert.equal(outcome.status, status);
    assert.equal(outcome.delivered, verdict === 'delivered');
    if (!outcome.delivered) assert.equal(outcome.retryable, verdict === 'retry');
  });
}

test('Retry-After reads as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('120', NOW), 120_000);
  assert.equal(parseRetryAfter(' 0 ', NOW), 0);
  assert.equal(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', NOW), 30_000);
  assert.equal(parseRetryAfter('Sat, 01 Mar 2025 11:00:00 GMT', NOW), 0);
  assert.equal(parseRetryAfter('soon', NOW), null);
  assert.equal(parseRetryAfter(undefined, NOW), null);
});

test('a 503 with Retry-After is retried after it; a final 4xx carries no wait', () => {
  assert.deepEqual(outcomeOfResponse(503, { 'retry-after': '30' }, 'maintenance', NOW), {
    delivered: false,
    retryable: true,
    status: 503,
    error: 'maintenance',
    retryAfterMs: 30_000,
  });
  assert.equal('retryAfterMs' in outcomeOfResponse(400, { 'retry-after': '30' }, '', NOW), false);
});

test("the service's own words are found where each service puts them", () => {
  const cases: Array<[string, string | null]> = [
    ['{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}', 'Bad Request: chat not found'],
    ['{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token"}', 'you need to provide a valid access token'],
    ['{"token":"invalid","errors":["application token is invalid","user key is invalid"],"status":0}', 'application token is invalid; user key is invalid'],
    ['{"code":40101,"http":401,"error":"unauthorized"}', 'unauthorized'],
    ['{"error":{"code":"InvalidRequest","message":"bad card"}}', 'bad card'],
    ['{"message":"Unknown Webhook","code":10015}', 'Unknown Webhook'],
    ['no_service', 'no_service'],
    ['line one\r\nline two', 'line one line two'],
    ['', null],
    ['x'.repeat(1000), `${'x'.repeat(299)}…`],
  ];
  for (const [body, words] of cases) assert.equal(serviceErrorText(body), words, body);
});
