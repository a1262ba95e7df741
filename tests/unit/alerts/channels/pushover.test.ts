import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PUSHOVER_API, pushoverChannel } from '../../../../lib/alerts/channels/pushover';
import { startServiceStandIn } from '../../../fixtures/service-stand-in';
import { parseConfig, refusedFields, testContext, testOutcomes } from '../channel-cases';
import { AT, down, sampleEvents } from '../sample-events';

const ctx = testContext();
const APP = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

test('pushover: POSTs a form to /1/messages.json with title, plain text, the link and high priority', async (t) => {
  const service = await startServiceStandIn(t, {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b"}',
  });
  const config = parseConfig(pushoverChannel, { apiBaseUrl: service.url, appToken: APP, userKey: USER, device: 'phone' });
  const outcome = await pushoverChannel.send(config, down, ctx);
  assert.equal(outcome.delivered, true);

  const req = service.only();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, '/1/messages.json');
  assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(req.body)), {
    token: APP,
    user: USER,
    title: '🔴 Shop API is down',
    message: [
      'DNS: cannot resolve shop.example.com (ENOTFOUND)',
      '',
      'URL: https://shop.example.com/health\nDown since: 2025-03-01T12:00:00Z (20 s ago)\nLast status: no response\nLatency: 12 ms',
    ].join('\n'),
    priority: '1',
    timestamp: String(AT / 1000),
    url: 'https://upbeat.example.com/sites/7',
    url_title: 'Open Shop API in Upbeat',
    device: 'phone',
  });
});

test('pushover: a recovery is normal priority and long messages are cut to 1,024 characters', async (t) => {
  const service = await startServiceStandIn(t);
  const config = parseConfig(pushoverChannel, { apiBaseUrl: service.url, appToken: APP, userKey: USER });
  const { storm } = sampleEvents();
  if (storm.kind !== 'storm') throw new Error('sample');
  const longNames = storm.group.sites.map((s) => ({ ...s, site: { ...s.site, name: s.site.name.repeat(30) } }));
  await pushoverChannel.send(config, { ...storm, group: { ...storm.group, sites: longNames } }, ctx);
  const form = new URLSearchParams(service.only().body);
  assert.equal(form.get('message')!.length, 1024);
  assert.ok(form.get('message')!.endsWith('…'));
  assert.equal(form.get('priority'), '1');
});

testOutcomes({
  channel: pushoverChannel,
  configFor: (base) => ({ apiBaseUrl: base, appToken: APP, userKey: USER }),
  rejection: {
    contentType: 'application/json',
    body: JSON.stringify({ user: 'invalid', errors: ['user identifier is not a valid user, group, or subscribed user key'], status: 0, request: 'x' }),
    error: 'user identifier is not a valid user, group, or subscribed user key',
  },
});

test('pushover config: defaults to the public API; bad fields are named', () => {
  assert.equal(parseConfig(pushoverChannel, { appToken: APP, userKey: USER }).apiBaseUrl, PUSHOVER_API);
  assert.deepEqual(refusedFields(pushoverChannel, { appToken: 'short', userKey: USER, device: 'my phone' }), {
    appToken: "must be the application's 30-character API token",
    device: 'must be device names separated by commas',
  });
  assert.deepEqual(refusedFields(pushoverChannel, { appToken: APP }), { userKey: 'is required and must be a string' });
});
