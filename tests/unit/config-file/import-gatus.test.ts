import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { importGatus, parseDuration } from '../../../lib/config-file/import/gatus';

const fixture = fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/import/gatus.yaml'), 'utf8');

test('Gatus endpoints with every condition form: mapped to sites, assertions and thresholds', () => {
  const { document: doc, secrets, notCarried } = importGatus(fixture);
  const site = (key: string) => doc.sites?.find((s) => s.key === key);
  assert.deepEqual(site('front-end'), {
    key: 'front-end', name: 'front-end', kind: 'http', intervalSeconds: 300, timeoutMs: 7000, tlsVerify: false,
    url: 'https://example.com/health', method: 'POST',
    headers: { Authorization: '${UPBEAT_SITE_FRONT_END_HEADER_AUTHORIZATION}', 'X-Env': 'prod' },
    requestBody: '{"probe":true}', requestContentType: 'application/json', expectedStatus: '200',
    assertions: [
      { type: 'json-path', path: '$.status', op: '==', value: 'UP' },
      { type: 'json-path', path: '$.latency', op: '<', value: 50 },
      { type: 'response-time', belowMs: 300 },
    ],
    confirmAfter: 4, recoverAfter: 3, channels: ['slack'], group: 'core',
  });
  assert.equal(secrets.UPBEAT_SITE_FRONT_END_HEADER_AUTHORIZATION, 'Bearer t0ken');
  assert.equal(site('api')?.expectedStatus, '100-299');
  assert.deepEqual(site('api')?.assertions, [
    { type: 'body-contains', value: 'ok' },
    { type: 'body-not-contains', value: 'error' },
  ]);
  assert.deepEqual(site('api')?.channels, ['telegram']);
  assert.equal(site('pattern')?.intervalSeconds, 90);
  assert.equal(site('pattern')?.expectedStatus, '200,204');
  assert.deepEqual(site('pattern')?.assertions, [{ type: 'body-matches', pattern: '^ready[\\s\\S]*$' }]);
  assert.deepEqual(
    [site('redis')?.kind, site('redis')?.url, site('redis')?.assertions, site('redis')?.channels],
    ['tcp', 'tcp://redis.example.com:6379', [{ type: 'response-time', belowMs: 101 }], ['custom']],
  );
  assert.deepEqual(
    [site('dns-check')?.kind, site('dns-check')?.url, site('dns-check')?.dnsServer, site('dns-check')?.dnsExpected],
    ['dns', 'dns://example.org', '8.8.8.8', ['93.184.215.14']],
  );
  assert.deepEqual([site('backup-job')?.kind, site('backup-job')?.intervalSeconds, site('backup-job')?.group], ['push', 3600, 'jobs']);
  assert.equal(site('ping'), undefined);
  assert.deepEqual(doc.groups, [{ key: 'core', name: 'core' }, { key: 'jobs', name: 'jobs' }]);

  assert.deepEqual(doc.channels, [
    { key: 'slack', name: 'slack', type: 'slack', config: { webhookUrl: '${UPBEAT_CHANNEL_SLACK_WEBHOOK_URL}' } },
    { key: 'telegram', name: 'telegram', type: 'telegram', config: { botToken: '${TELEGRAM_TOKEN}', chatId: '-1001234' } },
    { key: 'custom', name: 'custom', type: 'webhook', config: { url: '${UPBEAT_CHANNEL_CUSTOM_URL}', secret: '${UPBEAT_CHANNEL_CUSTOM_SECRET}' } },
  ]);
  assert.equal(secrets.UPBEAT_CHANNEL_SLACK_WEBHOOK_URL, 'https://hooks.slack.com/services/T1/B1/abc');
  assert.equal(secrets.TELEGRAM_TOKEN, undefined, "a reference Gatus read from the environment stays one");

  assert.deepEqual(
    notCarried.map((n) => `${n.what}|${n.name}`),
    [
      'alerting setting|custom: method/body',
      'alerting|pagerduty',
      'condition|front-end: [CERTIFICATE_EXPIRATION] > 48h',
      'alert|front-end: pagerduty',
      'endpoint setting|api: extra-labels',
      'condition|api: len([BODY].items) > 0',
      'condition|pattern: [IP] == 127.0.0.1',
      'endpoint|ping',
      'endpoint setting|backup-job: token',
      'section|storage',
    ],
  );
  assert.match(notCarried.find((n) => n.name.includes('CERTIFICATE'))!.reason, /UPBEAT_CERT_WARN_DAYS/);
  assert.match(notCarried.find((n) => n.name === 'ping')!.reason, /no icmp check/);
});

test('Go durations as Gatus writes them', () => {
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('soon'), null);
});

test('a file that is not a Gatus config is refused', () => {
  assert.throws(() => importGatus('foo: [1, 2'), /Invalid Gatus config/);
  assert.throws(() => importGatus('storage: {}'), /has no endpoints/);
});
