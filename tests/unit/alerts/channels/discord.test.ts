import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discordChannel } from '../../../../lib/alerts/channels/discord';
import { startServiceStandIn } from '../../../fixtures/service-stand-in';
import { parseConfig, refusedFields, testContext, testOutcomes } from '../channel-cases';
import { down, SHOP } from '../sample-events';

const ctx = testContext();

test('discord: POSTs one embed with the facts as fields, and mentions switched off', async (t) => {
  const service = await startServiceStandIn(t, { status: 204 });
  const config = parseConfig(discordChannel, { webhookUrl: `${service.url}/api/webhooks/123/abc-token` });
  const event = { ...down, site: { ...SHOP, name: 'Shop @everyone' } };
  const outcome = await discordChannel.send(config, event, ctx);
  assert.deepEqual(outcome, { delivered: true, status: 204 });

  const req = service.only();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/api/webhooks/123/abc-token');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(req.body), {
    username: 'Upbeat',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: '🔴 Shop @everyone is down',
        description: 'DNS: cannot resolve shop.example.com (ENOTFOUND)\n\n[Open Shop @everyone in Upbeat](https://upbeat.example.com/sites/7)',
        url: 'https://upbeat.example.com/sites/7',
        color: 0xd92d20,
        timestamp: '2025-03-01T12:00:20Z',
        fields: [
          { name: 'URL', value: '<https://shop.example.com/health>', inline: false },
          { name: 'Down since', value: '2025-03-01T12:00:00Z (20 s ago)', inline: false },
          { name: 'Last status', value: 'no response', inline: false },
          { name: 'Latency', value: '12 ms', inline: false },
        ],
      },
    ],
  });
});

testOutcomes({
  channel: discordChannel,
  configFor: (base) => ({ webhookUrl: `${base}/api/webhooks/123/abc-token` }),
  rejection: {
    contentType: 'application/json',
    body: JSON.stringify({ message: 'Invalid Form Body', code: 50035, errors: {} }),
    error: 'Invalid Form Body',
  },
});

test('discord: a 429 without Retry-After is retried after the retry_after of its body', async (t) => {
  const service = await startServiceStandIn(t, {
    status: 429,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 1.5, global: false }),
  });
  const config = parseConfig(discordChannel, { webhookUrl: `${service.url}/api/webhooks/1/t` });
  assert.deepEqual(await discordChannel.send(config, down, ctx), {
    delivered: false,
    retryable: true,
    status: 429,
    error: 'You are being rate limited.',
    retryAfterMs: 1500,
  });
});

test('discord config: bad fields are named', () => {
  assert.deepEqual(refusedFields(discordChannel, { webhookUrl: 42 }), { webhookUrl: 'is required and must be a string' });
  assert.deepEqual(refusedFields(discordChannel, { webhookUrl: 'javascript:alert(1)' }), {
    webhookUrl: 'must start with http:// or https://',
  });
});
