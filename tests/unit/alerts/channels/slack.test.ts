import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slackChannel } from '../../../../lib/alerts/channels/slack';
import { startServiceStandIn } from '../../../fixtures/service-stand-in';
import { parseConfig, refusedFields, testContext, testOutcomes } from '../channel-cases';
import { down } from '../sample-events';

const ctx = testContext();

test('slack: POSTs a header and an mrkdwn section to the incoming webhook URL', async (t) => {
  const service = await startServiceStandIn(t, { status: 200, body: 'ok' });
  const config = parseConfig(slackChannel, { webhookUrl: `${service.url}/services/T000/B000/XXXX` });
  const outcome = await slackChannel.send(config, down, ctx);
  assert.deepEqual(outcome, { delivered: true, status: 200, detail: 'ok' });

  const req = service.only();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/services/T000/B000/XXXX');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(req.body), {
    text: '🔴 Shop API is down: DNS: cannot resolve shop.example.com (ENOTFOUND)',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: '🔴 Shop API is down', emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: [
            'DNS: cannot resolve shop.example.com (ENOTFOUND)',
            '',
            '*URL:* https://shop.example.com/health\n*Down since:* 2025-03-01T12:00:00Z (20 s ago)\n*Last status:* no response\n*Latency:* 12 ms',
            '',
            '<https://upbeat.example.com/sites/7|Open Shop API in Upbeat>',
          ].join('\n'),
        },
      },
    ],
  });
});

testOutcomes({
  channel: slackChannel,
  configFor: (base) => ({ webhookUrl: `${base}/services/T000/B000/XXXX` }),
  // Slack answers errors as plain text codes.
  rejection: { contentType: 'text/plain', body: 'invalid_payload', error: 'invalid_payload' },
});

test('slack config: bad fields are named', () => {
  assert.deepEqual(refusedFields(slackChannel, {}), { webhookUrl: 'is required and must be a string' });
  assert.deepEqual(refusedFields(slackChannel, { webhookUrl: 'hooks.slack.com/services/x' }), {
    webhookUrl: 'is not a valid URL',
  });
  assert.deepEqual(refusedFields(slackChannel, { webhookUrl: 'https://hooks.slack.com/x', channel: '#ops' }), {
    channel: 'is not a known field',
  });
});
