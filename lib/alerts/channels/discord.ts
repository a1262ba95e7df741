import type { z } from 'zod';
import { defineChannel } from '../channel';
import { configObject, httpUrlField } from '../config-fields';
import { clip, postToService } from '../http';
import { composeMessage, type AlertMessage } from '../message';
import { markdownValue, renderMarkdown } from '../render';
import { formatInstant } from '../words';

/**
 * Discord through a channel webhook (https://discord.com/api/webhooks/<id>/<token>): one embed per message.
 * Mentions are switched off, so a site named `@everyone` pings no one.
 */

const configSchema = configObject({ webhookUrl: httpUrlField() });

export type DiscordConfig = z.output<typeof configSchema>;

const COLOUR: Record<AlertMessage['tone'], number> = {
  bad: 0xd92d20,
  good: 0x079455,
  warn: 0xdc6803,
  info: 0x1570ef,
};

/** Discord's embed limits. */
const LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024 } as const;

export const discordChannel = defineChannel<DiscordConfig>({
  type: 'discord',
  label: 'Discord',
  configSchema,
  secretFields: ['webhookUrl'],
  targets: (config) => [config.webhookUrl],
  async send(config, event, ctx) {
    const message = composeMessage(event);
    const description = renderMarkdown({ ...message, facts: [] }, { title: false });
    const embed: Record<string, unknown> = {
      title: clip(message.title, LIMITS.title),
      description: clip(description, LIMITS.description),
      color: COLOUR[message.tone],
      timestamp: formatInstant(event.at),
      fields: message.facts.slice(0, LIMITS.fields).map((f) => ({
        name: clip(f.label, LIMITS.fieldName),
        value: clip(markdownValue(f.value), LIMITS.fieldValue),
        inline: false,
      })),
    };
    if (message.link !== null) embed.url = message.link.url;
    const payload = { username: 'Upbeat', embeds: [embed], allowed_mentions: { parse: [] } };
    return postToService(
      {
        url: config.webhookUrl,
        headers: { 'content-type': 'application/json', 'user-agent': 'Upbeat' },
        body: JSON.stringify(payload),
      },
      ctx,
    );
  },
});
