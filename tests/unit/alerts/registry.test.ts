import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineChannel, maskConfig } from '../../../lib/alerts/channel';
import {
  CHANNEL_TYPE_NAMES,
  channelTypeOf,
  sendThrough,
  validateChannelConfig,
  type ChannelTypeName,
} from '../../../lib/alerts/channels';
import { AppError } from '../../../lib/errors';
import { startServiceStandIn } from '../../fixtures/service-stand-in';
import { testContext } from './channel-cases';
import { down } from './sample-events';

const KEY30 = 'abcdefghijklmnopqrstuvwxyz0123';

/** A valid config of every kind, with every secret field set. */
const examples: Record<ChannelTypeName, Record<string, unknown>> = {
  webhook: { url: 'https://hooks.example.com/upbeat', secret: 'whsec_0123456789abcdef', headers: { Authorization: 'Bearer x' } },
  email: { host: 'smtp.example.com', user: 'alerts', password: 'pw', from: 'upbeat@example.com', to: ['ops@example.com'] },
  slack: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/x' },
  discord: { webhookUrl: 'https://discord.com/api/webhooks/1/t' },
  teams: { webhookUrl: 'https://prod-00.westeurope.logic.azure.com/workflows/x' },
  telegram: { botToken: '123:abc', chatId: '42' },
  ntfy: { topic: 'upbeat', token: 'tk_x' },
  gotify: { serverUrl: 'https://push.example.com', token: 'Axyz' },
  pushover: { appToken: KEY30, userKey: KEY30 },
};

const expectedTargets: Record<ChannelTypeName, string[]> = {
  webhook: ['https://hooks.example.com/upbeat'],
  email: ['smtp://smtp.example.com:587'],
  slack: ['https://hooks.slack.com/services/T0/B0/x'],
  discord: ['https://discord.com/api/webhooks/1/t'],
  teams: ['https://prod-00.westeurope.logic.azure.com/workflows/x'],
  telegram: ['https://api.telegram.org'],
  ntfy: ['https://ntfy.sh'],
  gotify: ['https://push.example.com'],
  pushover: ['https://api.pushover.net'],
};

test('the registry holds the nine channels, each under its own type', () => {
  assert.deepEqual(CHANNEL_TYPE_NAMES, ['webhook', 'email', 'slack', 'discord', 'teams', 'telegram', 'ntfy', 'gotify', 'pushover']);
  for (const name of CHANNEL_TYPE_NAMES) assert.equal(channelTypeOf(name)?.type, name);
  assert.equal(channelTypeOf('carrier-pigeon'), null);
  assert.equal(channelTypeOf('toString'), null);
});

for (const name of CHANNEL_TYPE_NAMES) {
  test(`${name}: every secret field is a config field and is shown back masked; targets list what it contacts`, () => {
    const channel = channelTypeOf(name)!;
    const config = validateChannelConfig(name, examples[name]) as Record<string, unknown>;
    assert.ok(channel.secretFields.length > 0);
    const shown = maskConfig(channel, config);
    for (const field of channel.secretFields) {
      assert.ok(field in config, `${field} is a field of ${name}`);
      const value = shown[field];
      if (typeof value === 'object') assert.ok(Object.values(value as object).every((v) => v === 'set'));
      else assert.equal(value, 'set');
    }
    for (const [field, value] of Object.entries(shown)) {
      if (!channel.secretFields.includes(field)) assert.deepEqual(value, config[field], `${field} is shown as it is`);
    }
    assert.ok(!JSON.stringify(shown).includes('whsec_') && !JSON.stringify(shown).includes(KEY30));
    assert.deepEqual(channel.targets(config), expectedTargets[name]);
  });
}

test('an unset optional secret stays absent when masked', () => {
  const shown = maskConfig(channelTypeOf('ntfy')!, validateChannelConfig('ntfy', { topic: 'a' }) as object);
  assert.equal('token' in shown, false);
});

test('a bad config is a validation error naming each field', () => {
  assert.throws(
    () => validateChannelConfig('telegram', { botToken: 'x', chatId: '' }),
    (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'validation');
      assert.deepEqual(err.fields, { botToken: 'must be the token BotFather gave, like 123456789:AAE…', chatId: 'is required' });
      assert.equal(err.message, 'Invalid Telegram channel: botToken must be the token BotFather gave, like 123456789:AAE…; chatId is required');
      return true;
    },
  );
  assert.throws(() => validateChannelConfig('fax', {}), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.deepEqual(err.fields, { type: 'must be one of webhook, email, slack, discord, teams, telegram, ntfy, gotify, pushover' });
    return true;
  });
});

test('sending through a stored config that no longer validates fails for good, without a request', async (t) => {
  const service = await startServiceStandIn(t);
  const ctx = testContext();
  const outcome = await sendThrough('slack', { webhookUrl: `${service.url}/x`, legacy: true }, down, ctx);
  assert.deepEqual(outcome, { delivered: false, retryable: false, status: null, error: 'invalid config: legacy is not a known field' });
  assert.deepEqual(await sendThrough('fax', {}, down, ctx), {
    delivered: false,
    retryable: false,
    status: null,
    error: 'unknown channel type "fax"',
  });
  assert.equal(service.requests.length, 0);

  assert.equal((await sendThrough('slack', { webhookUrl: `${service.url}/x` }, down, ctx)).delivered, true);
  assert.equal(service.requests.length, 1);
});

test('a send that throws inside a channel comes back as a failure, never as an exception', async () => {
  const broken = defineChannel<{ n: number }>({
    type: 'broken',
    label: 'Broken',
    configSchema: z.object({ n: z.number() }),
    secretFields: [],
    targets: () => [],
    async send() {
      throw new TypeError('formatter exploded');
    },
  });
  assert.deepEqual(await broken.send({ n: 1 }, down, { timeoutMs: 1000 }), {
    delivered: false,
    retryable: true,
    status: null,
    error: 'unexpected failure: formatter exploded',
  });
});

test('a resolver that fails makes an email send fail, not throw', async () => {
  const ctx = { timeoutMs: 1000, resolveTarget: async () => Promise.reject(new TypeError('resolver exploded')) };
  const outcome = await channelTypeOf('email')!.send(validateChannelConfig('email', examples.email), down, ctx);
  assert.deepEqual(outcome, { delivered: false, retryable: true, status: null, error: 'resolver exploded' });
});
