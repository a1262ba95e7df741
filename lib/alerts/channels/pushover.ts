import type { z } from 'zod';
import { defineChannel } from '../channel';
import { configObject, httpUrlField, secretField, tokenField } from '../config-fields';
import { clip, joinUrl, postToService } from '../http';
import { composeMessage } from '../message';
import { renderText } from '../render';

/**
 * Pushover: an application's API token and a user (or group) key. The message is plain text — Pushover cuts
 * at 1,024 characters, and plain text can be cut anywhere — with the link in its own `url` field.
 */

export const PUSHOVER_API = 'https://api.pushover.net';

const KEY = /^[A-Za-z0-9]{30}$/;

const configSchema = configObject({
  apiBaseUrl: httpUrlField({ base: true }).default(PUSHOVER_API),
  appToken: secretField(64).refine((v) => KEY.test(v), "must be the application's 30-character API token"),
  userKey: secretField(64).refine((v) => KEY.test(v), 'must be the 30-character user or group key'),
  device: tokenField(/^[\w-]{1,25}(,[\w-]{1,25})*$/, 'must be device names separated by commas', 200).optional(),
});

export type PushoverConfig = z.output<typeof configSchema>;

/** Pushover's limits. */
const LIMITS = { title: 250, message: 1024, url: 512, urlTitle: 100 } as const;

export const pushoverChannel = defineChannel<PushoverConfig>({
  type: 'pushover',
  label: 'Pushover',
  configSchema,
  secretFields: ['appToken', 'userKey'],
  targets: (config) => [config.apiBaseUrl],
  async send(config, event, ctx) {
    const message = composeMessage(event);
    const form = new URLSearchParams({
      token: config.appToken,
      user: config.userKey,
      title: clip(message.title, LIMITS.title),
      message: clip(renderText(message, { title: false, link: false }), LIMITS.message),
      // High priority (1) bypasses the user's quiet hours: for outages only.
      priority: message.tone === 'bad' ? '1' : '0',
      timestamp: String(Math.floor(event.at / 1000)),
    });
    if (message.link !== null && message.link.url.length <= LIMITS.url) {
      form.set('url', message.link.url);
      form.set('url_title', clip(message.link.label, LIMITS.urlTitle));
    }
    if (config.device !== undefined) form.set('device', config.device);
    return postToService(
      {
        url: joinUrl(config.apiBaseUrl, '1/messages.json'),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Upbeat' },
        body: form.toString(),
      },
      ctx,
    );
  },
});
