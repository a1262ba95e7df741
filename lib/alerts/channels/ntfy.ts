import type { z } from 'zod';
import { defineChannel } from '../channel';
import { configObject, httpUrlField, secretField, tokenField } from '../config-fields';
import { clip, postToService } from '../http';
import { composeMessage, type AlertMessage } from '../message';
import { renderMarkdown } from '../render';

/**
 * ntfy (ntfy.sh or a self-hosted server), published as JSON to the server's root so the title may hold any
 * character (headers cannot). An access token is sent as a bearer token for protected topics.
 */

export const NTFY_SERVER = 'https://ntfy.sh';

const configSchema = configObject({
  serverUrl: httpUrlField({ base: true }).default(NTFY_SERVER),
  topic: tokenField(/^[-_A-Za-z0-9]{1,64}$/, 'must be 1-64 letters, digits, - or _', 64),
  token: secretField(256).optional(),
});

export type NtfyConfig = z.output<typeof configSchema>;

/** ntfy priorities: 5 max, 4 high, 3 default, 2 low. Down wakes people; the rest can wait for a look. */
const PRIORITY: Record<AlertMessage['tone'], number> = { bad: 4, warn: 3, good: 3, info: 3 };

export const ntfyChannel = defineChannel<NtfyConfig>({
  type: 'ntfy',
  label: 'ntfy',
  configSchema,
  secretFields: ['token'],
  targets: (config) => [config.serverUrl],
  async send(config, event, ctx) {
    const message = composeMessage(event);
    const payload: Record<string, unknown> = {
      topic: config.topic,
      title: message.title,
      message: clip(renderMarkdown(message, { title: false, link: false }), 4000),
      markdown: true,
      priority: PRIORITY[message.tone],
      tags: [event.kind],
    };
    if (message.link !== null) payload.click = message.link.url;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Upbeat' };
    if (config.token !== undefined) headers.authorization = `Bearer ${config.token}`;
    return postToService({ url: `${config.serverUrl}/`, headers, body: JSON.stringify(payload) }, ctx);
  },
});
