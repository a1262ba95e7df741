import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NTFY_SERVER, ntfyChannel } from '../../../../lib/alerts/channels/ntfy';
import { startServiceStandIn } from '../../../fixtures/service-stand-in';
import { parseConfig, refusedFields, testContext, testOutcomes } from '../channel-cases';
import { down, sampleEvents } from '../sample-events';

const ctx = testContext();

test('ntfy: publishes JSON to the server root with the topic, Markdown body, priority and click link', async (t) => {
  const service = await startServiceStandIn(t, { status: 200, body: '{"id":"abc","topic":"upbeat-ops"}' });
  const config = parseConfig(ntfyChannel, { serverUrl: service.url, topic: 'upbeat-ops', token: 'tk_0123456789' });
  const outcome = await ntfyChannel.send(config, down, ctx);
  assert.equal(outcome.delivered, true);

  const req = service.only();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers.authorization, 'Bearer tk_0123456789');
  assert.deepEqual(JSON.parse(req.body), {
    topic: 'upbeat-ops',
    title: '🔴 Shop API is down',
    message: [
      'DNS: cannot resolve shop.example.com (ENOTFOUND)',
      '',
      '- **URL:** <https://shop.example.com/health>\n- **Down since:** 2025-03-01T12:00:00Z (20 s ago)\n- **Last status:** no response\n- **Latency:** 12 ms',
    ].join('\n'),
    markdown: true,
    priority: 4,
    tags: ['down'],
    click: 'https://upbeat.example.com/sites/7',
  });
});

test('ntfy: without a token no Authorization is sent; a self-hosted path prefix is kept', async (t) => {
  const service = await startServiceStandIn(t);
  const config = parseConfig(ntfyChannel, { serverUrl: `${service.url}/ntfy/`, topic: 'alerts' });
  await ntfyChannel.send(config, sampleEvents().up, ctx);
  const req = service.only();
  assert.equal(req.path, '/ntfy/');
  assert.equal(req.headers.authorization, undefined);
  assert.equal(JSON.parse(req.body).priority, 3);
});

testOutcomes({
  channel: ntfyChannel,
  configFor: (base) => ({ serverUrl: base, topic: 'alerts' }),
  rejection: {
    contentType: 'application/json',
    body: JSON.stringify({ code: 40009, http: 400, error: 'invalid request: topic invalid', link: 'https://ntfy.sh/docs' }),
    error: 'invalid request: topic invalid',
  },
});

test('ntfy config: defaults to ntfy.sh; bad fields are named', () => {
  assert.equal(parseConfig(ntfyChannel, { topic: 'alerts' }).serverUrl, NTFY_SERVER);
  assert.deepEqual(refusedFields(ntfyChannel, { topic: 'my topic!' }), { topic: 'must be 1-64 letters, digits, - or _' });
  assert.deepEqual(refusedFields(ntfyChannel, { topic: 'a', token: '' }), { token: 'is required' });
  assert.deepEqual(refusedFields(ntfyChannel, { serverUrl: 'ntfy.example.com', topic: 'a' }), { serverUrl: 'is not a valid URL' });
});
