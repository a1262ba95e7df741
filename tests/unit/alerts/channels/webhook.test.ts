import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { webhookChannel, webhookPayload } from '../../../../lib/alerts/channels/webhook';
import { startServiceStandIn } from '../../../fixtures/service-stand-in';
import { parseConfig, refusedFields, testContext, testOutcomes } from '../channel-cases';
import { down, sampleEvents } from '../sample-events';

const SECRET = 'whsec_0123456789abcdef';
const ctx = testContext();

/** What a receiver does: recompute the HMAC over "<timestamp>.<raw body>" and compare in constant time. */
function verify(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(`sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(header);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

test('webhook: POSTs the documented JSON with idempotency key, timestamp and a signature the secret verifies', async (t) => {
  const service = await startServiceStandIn(t, { status: 204 });
  const config = parseConfig(webhookChannel, {
    url: `${service.url}/hooks/upbeat?team=ops`,
    secret: SECRET,
    headers: { Authorization: 'Bearer receiver-token' },
  });
  const before = Math.floor(Date.now() / 1000);
  const outcome = await webhookChannel.send(config, down, ctx);
  assert.deepEqual(outcome, { delivered: true, status: 204 });

  const req = service.only();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/hooks/upbeat?team=ops');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['user-agent'], 'Upbeat');
  assert.equal(req.headers['idempotency-key'], 'transition-41:channel-3');
  assert.equal(req.headers.authorization, 'Bearer receiver-token');
  const timestamp = req.headers['x-upbeat-timestamp'] as string;
  assert.match(timestamp, /^\d+$/);
  assert.ok(Number(timestamp) >= before && Number(timestamp) <= before + 60, `timestamp ${timestamp} is the send time`);
  const signature = req.headers['x-upbeat-signature'] as string;
  assert.match(signature, /^sha256=[0-9a-f]{64}$/);
  assert.ok(verify(SECRET, timestamp, req.body, signature), 'the signature verifies with the secret');
  assert.ok(!verify('another-secret-0000', timestamp, req.body, signature), 'and with no other secret');
  assert.ok(!verify(SECRET, timestamp, req.body.replace('Shop API', 'Shop APJ'), signature), 'nor over another body');

  assert.deepEqual(JSON.parse(req.body), {
    version: 1,
    kind: 'down',
    idempotencyKey: 'transition-41:channel-3',
    at: '2025-03-01T12:00:20Z',
    site: { id: 7, name: 'Shop API', url: 'https://shop.example.com/health', link: 'https://upbeat.example.com/sites/7' },
    cause: { kind: 'dns', message: 'cannot resolve shop.example.com (ENOTFOUND)', statusCode: null },
    since: '2025-03-01T12:00:00Z',
    lastStatusCode: null,
    lastLatencyMs: 12.4,
    title: '🔴 Shop API is down',
    text: [
      'DNS: cannot resolve shop.example.com (ENOTFOUND)',
      '',
      'URL: https://shop.example.com/health\nDown since: 2025-03-01T12:00:00Z (20 s ago)\nLast status: no response\nLatency: 12 ms',
      '',
      'Open Shop API in Upbeat: https://upbeat.example.com/sites/7',
    ].join('\n'),
  });
});

test('webhook: every kind of event has a payload with ISO times and its own fields', () => {
  for (const event of Object.values(sampleEvents())) {
    const payload = JSON.parse(JSON.stringify(webhookPayload(event))) as Record<string, unknown>;
    assert.equal(payload.version, 1);
    assert.equal(payload.kind, event.kind);
    assert.equal(payload.idempotencyKey, event.idempotencyKey);
    assert.match(payload.at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    if ('since' in payload) assert.match(payload.since as string, /Z$/, `${event.kind} since`);
    assert.equal(typeof payload.title, 'string');
  }
  const { storm, 'cert-expiry': cert, up } = sampleEvents();
  const group = webhookPayload(storm).group as { total: number; sites: Array<{ since: string }> };
  assert.equal(group.total, 37);
  assert.equal(group.sites[0]!.since, '2025-03-01T11:59:50Z');
  assert.deepEqual(webhookPayload(cert).certificate, {
    expiresAt: '2025-03-08T12:00:20Z',
    issuer: "Let's Encrypt",
    daysLeft: 7,
    thresholdDays: 7,
  });
  assert.equal(webhookPayload(up).downForMs, 252_000);
});

testOutcomes({
  channel: webhookChannel,
  configFor: (base) => ({ url: `${base}/hook`, secret: SECRET }),
  rejection: { contentType: 'text/plain', body: 'unknown event kind', error: 'unknown event kind' },
});

test('webhook config: bad fields are named', () => {
  assert.deepEqual(refusedFields(webhookChannel, {}), {
    url: 'is required and must be a string',
    secret: 'is required and must be a string',
  });
  assert.deepEqual(
    refusedFields(webhookChannel, {
      url: 'ftp://example.com',
      secret: 'short',
      headers: { 'X-Upbeat-Signature': 'forged' },
      extra: 1,
    }),
    {
      url: 'must start with http:// or https://',
      secret: 'must be at least 16 characters',
      headers: '"X-Upbeat-Signature" is set by Upbeat and cannot be overridden',
      extra: 'is not a known field',
    },
  );
  assert.deepEqual(refusedFields(webhookChannel, { url: 'https://user:pw@example.com/', secret: SECRET }), {
    url: 'must not contain a user name or password',
  });
  assert.deepEqual(refusedFields(webhookChannel, 'https://example.com'), { _: 'must be a JSON object' });
});
