import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TELEGRAM_API, telegramChannel } from '../../../../lib/alerts/channels/telegram';
import { startServiceStandIn } from '../../../fixtures/service-stand-in';
import { parseConfig, refusedFields, testContext, testOutcomes } from '../channel-cases';
import { down, sampleEvents } from '../sample-events';

const ctx = testContext();
const TOKEN = '123456789:AAEhBP0av28DcCCoeu2Q4-x_yZ';

test('telegram: POSTs sendMessage with HTML text to /bot<token>/sendMessage', async (t) => {
  const service = await startServiceStandIn(t, {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"ok":true,"result":{"message_id":42}}',
  });
  const config = parseConfig(telegramChannel, { botToken: TOKEN, chatId: '-1001234567890', apiBaseUrl: `${service.url}/` });
  const outcome = await telegramChannel.send(config, down, ctx);
  assert.deepEqual(outcome, { delivered: true, status: 200, detail: '{"ok":true,"result":{"message_id":42}}' });

  const req = service.only();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, `/bot${TOKEN}/sendMessage`);
  assert.equal(req.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(req.body), {
    chat_id: '-1001234567890',
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    text: [
      '<b>🔴 Shop API is down</b>',
      '',
      'DNS: cannot resolve shop.example.com (ENOTFOUND)',
      '',
      '<b>URL:</b> https://shop.example.com/health\n<b>Down since:</b> 2025-03-01T12:00:00Z (20 s ago)\n<b>Last status:</b> no response\n<b>Latency:</b> 12 ms',
      '',
      '<a href="https://upbeat.example.com/sites/7">Open Shop API in Upbeat</a>',
    ].join('\n'),
  });
});

test('telegram: a self-hosted Bot API server under a path prefix keeps its prefix', async (t) => {
  const service = await startServiceStandIn(t);
  const config = parseConfig(telegramChannel, { botToken: TOKEN, chatId: '@upbeat_ops', apiBaseUrl: `${service.url}/tg` });
  await telegramChannel.send(config, sampleEvents().test, ctx);
  assert.equal(service.only().path, `/tg/bot${TOKEN}/sendMessage`);
  assert.equal(JSON.parse(service.only().body).chat_id, '@upbeat_ops');
});

test('telegram: a 429 names its wait in parameters.retry_after', async (t) => {
  const service = await startServiceStandIn(t, {
    status: 429,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 35', parameters: { retry_after: 35 } }),
  });
  const config = parseConfig(telegramChannel, { botToken: TOKEN, chatId: '42', apiBaseUrl: service.url });
  assert.deepEqual(await telegramChannel.send(config, down, ctx), {
    delivered: false,
    retryable: true,
    status: 429,
    error: 'Too Many Requests: retry after 35',
    retryAfterMs: 35_000,
  });
});

testOutcomes({
  channel: telegramChannel,
  configFor: (base) => ({ botToken: TOKEN, chatId: '42', apiBaseUrl: base }),
  rejection: {
    contentType: 'application/json',
    body: JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: chat not found' }),
    error: 'Bad Request: chat not found',
  },
});

test('telegram config: defaults to the public API; bad fields are named', () => {
  assert.equal(parseConfig(telegramChannel, { botToken: TOKEN, chatId: '42' }).apiBaseUrl, TELEGRAM_API);
  assert.deepEqual(refusedFields(telegramChannel, { botToken: 'not-a-token', chatId: 'ops room', apiBaseUrl: 'https://x/?a=1' }), {
    botToken: 'must be the token BotFather gave, like 123456789:AAE…',
    chatId: 'must be a chat id like -1001234567890 or @channelname',
    apiBaseUrl: 'must be the server address, without ? or #',
  });
  assert.deepEqual(refusedFields(telegramChannel, { botToken: TOKEN, chatId: -100 }), {
    chatId: 'is required and must be a string',
  });
});
