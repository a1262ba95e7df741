import type { z } from 'zod';
import { defineChannel } from '../channel';
import { configObject, httpUrlField, secretField } from '../config-fields';
import { joinUrl, postToService } from '../http';
import { composeMessage, type AlertMessage } from '../message';
import { renderMarkdown } from '../render';

/** Gotify: a self-hosted server and an application token; the message is Markdown, tapping it opens the link. */

const configSchema = configObject({
  serverUrl: httpUrlField({ base: true }),
  token: secretField(256),
});

export type GotifyConfig = z.output<typeof configSchema>;

/** Gotify's Android app notifies from priority 4 and sounds from 8. */
const PRIORITY: Record<AlertMessage['tone'], number> = { bad: 8, warn: 5, good: 5, info: 4 };

export const gotifyChannel = defineChannel<GotifyConfig>({
  type: 'gotify',
  label: 'Gotify',
  configSchema,
  secretFields: ['token'],
  targets: (config) => [config.serverUrl],
  async send(config, event, ctx) {
    const message = composeMessage(event);
    const extras: Record<string, unknown> = { 'client::display': { contentType: 'text/markdown' } };
    if (message.link !== null) extras['client::notification'] = { click: { url: message.link.url } };
    const payload = {
      title: message.title,
      message: renderMarkdown(message, { title: false }),
      priority: PRIORITY[message.tone],
      extras,
    };
    return postToService(
      {
        url: joinUrl(config.serverUrl, 'message'),
        headers: { 'content-type': 'application/json', 'user-agent': 'Upbeat', 'x-gotify-key': config.token },
        body: JSON.stringify(payload),
      },
      ctx,
    );
  },
});
