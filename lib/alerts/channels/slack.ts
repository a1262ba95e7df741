import type { z } from 'zod';
import { defineChannel } from '../channel';
import { configObject, httpUrlField } from '../config-fields';
import { clip, postToService } from '../http';
import { composeMessage } from '../message';
import { escapeSlack, renderSlack } from '../render';

/**
 * Slack through an incoming webhook (https://hooks.slack.com/services/…). The webhook URL is the credential.
 * `text` is what notifications and old clients show; the blocks are what the channel shows.
 */

const configSchema = configObject({ webhookUrl: httpUrlField() });

export type SlackConfig = z.output<typeof configSchema>;

/** Slack's limits: header text 150 characters, a section's text 3,000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

export const slackChannel = defineChannel<SlackConfig>({
  type: 'slack',
  label: 'Slack',
  configSchema,
  secretFields: ['webhookUrl'],
  targets: (config) => [config.webhookUrl],
  async send(config, event, ctx) {
    const message = composeMessage(event);
    const payload = {
      text: escapeSlack(`${message.title}: ${message.summary}`),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: clip(message.title, HEADER_MAX), emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: clip(renderSlack(message, { title: false }), SECTION_MAX) } },
      ],
    };
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
