import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presentChannel } from '../../lib/api/present-channel';
import { createChannel, testChannel, updateChannel } from '../../lib/channels';
import { AppError } from '../../lib/errors';
import { addSites, HOOK_SECRET } from '../helpers/alert-rows';
import { tempStore } from '../helpers/temp-store';
import { startReceiver } from '../helpers/webhook-receiver';

const vet = { policy: { blockPrivate: false }, resolve: async () => ['127.0.0.1'] };

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  assert.fail('expected a validation error');
}

test('bad input names each field as it sits in the body, and writes nothing', async (t) => {
  const store = tempStore(t);
  const e1 = await refusal(createChannel(store, { name: 'n', type: 'ntfy', config: { topic: 'has spaces' } }, vet));
  assert.equal(e1.code, 'validation');
  assert.deepEqual(Object.keys(e1.fields ?? {}), ['config.topic']);
  const e2 = await refusal(createChannel(store, { name: '', type: 'carrier-pigeon', config: {} }, vet));
  assert.deepEqual(Object.keys(e2.fields ?? {}).sort(), ['name', 'type']);
  const e3 = await refusal(createChannel(store, { name: 'x', type: 'slack', config: { webhookUrl: 'https://h.example/x', extra: 1 } }, vet));
  assert.deepEqual(e3.fields, { 'config.extra': 'is not a known field' });
  const e4 = await refusal(createChannel(store, { name: 'x', type: 'slack', config: { webhookUrl: 'https://h.example/x' }, sites: [99] }, vet));
  assert.deepEqual(e4.fields, { sites: 'has no site with id 99' });
  assert.equal(store.listChannels().length, 0);
});

test('an address the target policy refuses is refused at save time, naming the config field', async (t) => {
  const store = tempStore(t);
  const metadata = { policy: { blockPrivate: false }, resolve: async () => ['169.254.169.254'] };
  const e = await refusal(
    createChannel(store, { name: 'x', type: 'webhook', config: { url: 'https://hooks.example.com/a', secret: HOOK_SECRET } }, metadata),
  );
  assert.deepEqual(Object.keys(e.fields ?? {}), ['config.url']);
  assert.match(e.fields!['config.url']!, /link-local|metadata/);
  const smtp = await refusal(
    createChannel(store, { name: 'm', type: 'email', config: { host: '169.254.169.254', from: 'a@example.com', to: ['b@example.com'] } }, vet),
  );
  assert.deepEqual(Object.keys(smtp.fields ?? {}), ['config.host']);
  assert.equal(store.listChannels().length, 0);
});

test('secrets are shown back as "set", and an unchanged masked value keeps the stored secret', async (t) => {
  const store = tempStore(t);
  const [siteId] = addSites(store, 1, { ok: true });
  const created = await createChannel(
    store,
    {
      name: 'Hook',
      type: 'webhook',
      config: { url: 'https://hooks.example.com/abc', secret: HOOK_SECRET, headers: { Authorization: 'Bearer xyz' } },
      sites: [siteId],
    },
    vet,
  );
  const shown = presentChannel(created, undefined, store.sitesOfChannel(created.id));
  assert.deepEqual(shown.config, { url: 'set', secret: 'set', headers: { Authorization: 'set' } });
  assert.deepEqual(shown.sites, [siteId]);
  assert.ok(!JSON.stringify(shown).includes('xyz') && !JSON.stringify(shown).includes(HOOK_SECRET));

  const renamed = await updateChannel(store, created.id, { name: 'Renamed', config: shown.config }, vet);
  assert.equal(renamed.name, 'Renamed');
  assert.deepEqual(renamed.config, created.config, 'the masked values kept every stored secret');
  const rekeyed = await updateChannel(store, created.id, { config: { ...shown.config, secret: 'another-secret-of-length' } }, vet);
  assert.equal(rekeyed.config.secret, 'another-secret-of-length');
  assert.equal(rekeyed.config.url, 'https://hooks.example.com/abc');
  const e = await refusal(updateChannel(store, created.id, { type: 'slack' }, vet));
  assert.deepEqual(Object.keys(e.fields ?? {}), ['type']);
});

test('the test button sends a real test message and logs the outcome, delivered or not', async (t) => {
  const store = tempStore(t);
  const hook = await startReceiver(t);
  const channel = await createChannel(store, { name: 'Hook', type: 'webhook', config: { url: hook.url, secret: HOOK_SECRET } }, vet);
  const ok = await testChannel(store, channel.id);
  assert.equal(ok.delivered, true);
  assert.equal(ok.status, 200);
  assert.equal(hook.received[0]!.json!.kind, 'test');
  assert.equal(hook.received[0]!.json!.channelName, 'Hook');

  hook.answer = () => ({ status: 401, body: '{"message":"bad token"}', headers: { 'content-type': 'application/json' } });
  const bad = await testChannel(store, channel.id);
  assert.deepEqual({ delivered: bad.delivered, status: bad.status, error: bad.error }, { delivered: false, status: 401, error: 'bad token' });
  const log = store.listDeliveries(channel.id, { limit: 10 });
  assert.deepEqual(log.map((a) => [a.outcome, a.statusCode, a.kind]), [
    ['failed', 401, null],
    ['delivered', 200, null],
  ]);
});
