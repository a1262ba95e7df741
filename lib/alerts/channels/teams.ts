import type { z } from 'zod';
import { defineChannel } from '../channel';
import { configObject, httpUrlField } from '../config-fields';
import { postToService } from '../http';
import { composeMessage, type AlertMessage } from '../message';

/**
 * Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"), which takes a
 * message with an Adaptive Card attachment. The old Office 365 connectors' MessageCard is retired.
 */

const configSchema = configObject({ webhookUrl: httpUrlField() });

export type TeamsConfig = z.output<typeof configSchema>;

const COLOUR: Record<AlertMessage['tone'], string> = {
  bad: 'attention',
  good: 'good',
  warn: 'warning',
  info: 'accent',
};

/** The Adaptive Card (schema 1.4, what Teams renders) for one message. */
export function adaptiveCard(message: AlertMessage): Record<string, unknown> {
  const body: unknown[] = [
    { type: 'TextBlock', text: message.title, weight: 'Bolder', size: 'Medium', color: COLOUR[message.tone], wrap: true },
    { type: 'TextBlock', text: message.summary, wrap: true },
  ];
  if (message.facts.length > 0) {
    body.push({ type: 'FactSet', facts: message.facts.map((f) => ({ title: f.label, value: f.value })) });
  }
  for (const item of message.items) body.push({ type: 'TextBlock', text: `- ${item}`, wrap: true, spacing: 'None' });
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
  };
  if (message.link !== null) card.actions = [{ type: 'Action.OpenUrl', title: message.link.label, url: message.link.url }];
  return card;
}

export const teamsChannel = defineChannel<TeamsConfig>({
  type: 'teams',
  label: 'Microsoft Teams',
  configSchema,
  secretFields: ['webhookUrl'],
  targets: (config) => [config.webhookUrl],
  async send(config, event, ctx) {
    const payload = {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: adaptiveCard(composeMessage(event)),
        },
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
