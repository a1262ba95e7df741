import type { z } from 'zod';
import { defineChannel } from '../channel';
import { configObject, httpUrlField, secretField, tokenField } from '../config-fields';
import { joinUrl, postToService } from '../http';
import { composeMessage } from '../message';
import { renderTelegramHtml } from '../render';

/**
 * Telegram through a bot (`sendMessage`). The bot token is the credential; the chat id is a number (negative
 * for groups) or a public channel's `@name`. `apiBaseUrl` points at a self-hosted Bot API server.
 */

export const TELEGRAM_API = 'https://api.telegram.org';

const configSchema = configObject({
  botToken: secretField(128).refine(
    (v) => /^\d+:[A-Za-z0-9_-]+$/.test(v),
    'must be the token BotFather gave, like 123456789:AAE…',
  ),
  chatId: tokenField(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, 'must be a chat id like -1001234567890 or @channelname'),
  apiBaseUrl: httpUrlField({ base: true }).default(TELEGRAM_API),
});

export type TelegramConfig = z.output<typeof configSchema>;

/** Telegram's limit for one message's text. */
const TEXT_MAX = 4096;

export const telegramChannel = defineChannel<TelegramConfig>({
  type: 'telegram',
  label: 'Telegram',
  configSchema,
  secretFields: ['botToken'],
  targets: (config) => [config.apiBaseUrl],
  async send(config, event, ctx) {
    const message = composeMessage(event);
    let text = renderTelegramHtml(message);
    // Cutting HTML could leave a tag open, which Telegram refuses; the listed sites are what can make it long.
    if (text.length > TEXT_MAX) text = renderTelegramHtml({ ...message, items: message.items.slice(0, 3) });
    const payload = {
      chat_id: config.chatId,
      text,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    };
    return postToService(
      {
        url: joinUrl(config.apiBaseUrl, `bot${config.botToken}/sendMessage`),
        headers: { 'content-type': 'application/json', 'user-agent': 'Upbeat' },
        body: JSON.stringify(payload),
      },
      ctx,
    );
  },
});
