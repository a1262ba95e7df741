import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gotifyChannel } from '../../../../lib/alerts/channels/gotify';
import { startServiceStandIn } from '../../../fixtures/service-stand-in';
import { parseConfig, refusedFields, testContext, testOutcomes } from '../channel-cases';
import { down } from '../sample-events';

const ctx = testContext();

test('gotify: POSTs /message with the app token header and a Markdown message', async (t) => {
  const service = await startServiceStandIn(t, { status: 200, body: '{"id":25,"appid":3}' });
  const config = parseConfig(gotifyChannel, { serverUrl: `${service.url}/gotify`, token: 'AxVqNnCGBd.uZ4e' });
  const outcome = await gotifyChannel.send(config, down, ctx);
  assert.equal(outcome.delivered, true);

  const req = service.only();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/gotify/message');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['x-gotify-key'], 'AxVqNnCGBd.uZ4e');
  assert.deepEqual(JSON.parse(req.body), {
    title: '🔴 Shop API is down',
    message: [
      'DNS: cannot resolve shop.example.com (ENOTFOUND)',
      '',
      '- **URL:** <https://shop.example.com/health>\n- **Down since:** 2025-03-01T12:00:00Z (20 s ago)\n- **Last status:** no response\n- **Latency:** 12 ms',
      '',
      '[Open Shop API in Upbeat](https://upbeat.example.com/sites/7)',
    ].join('\n'),
    priority: 8,
    extras: {
      'client::display': { contentType: 'text/markdown' },
      'client::notification': { click: { url: 'https://upbeat.example.com/sites/7' } },
    },
  });
});

testOutcomes({
  channel: gotifyChannel,
  configFor: (base) => ({ serverUrl: base, token: 'AxVqNnCGBd.uZ4e' }),
  rejection: {
    contentType: 'application/json',
    body: JSON.stringify({ error: 'Bad Request', errorCode: 400, errorDescription: 'Field \'message\' is required' }),
    error: "Field 'message' is required",
  },
});

test('gotify config: bad fields are named', () => {
  assert.deepEqual(refusedFields(gotifyChannel, { token: 'x' }), { serverUrl: 'is required and must be a string' });
  assert.deepEqual(refusedFields(gotifyChannel, { serverUrl: 'https://push.example.com', token: ' x' }), {
    token: 'must not start or end with spaces',
  });
});
