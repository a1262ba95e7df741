import { AppError } from '../../errors';
import { fieldErrors } from '../../schemas';
import type { ChannelType, SendContext, SendOutcome } from '../channel';
import type { AlertEvent } from '../event';
import { discordChannel } from './discord';
import { emailChannel } from './email';
import { gotifyChannel } from './gotify';
import { ntfyChannel } from './ntfy';
import { pushoverChannel } from './pushover';
import { slackChannel } from './slack';
import { teamsChannel } from './teams';
import { telegramChannel } from './telegram';
import { webhookChannel } from './webhook';

/** Every kind of channel, by its stored `type`. A new channel is a file beside this one and a line here. */
export const CHANNEL_TYPES = {
  webhook: webhookChannel,
  email: emailChannel,
  slack: slackChannel,
  discord: discordChannel,
  teams: teamsChannel,
  telegram: telegramChannel,
  ntfy: ntfyChannel,
  gotify: gotifyChannel,
  pushover: pushoverChannel,
} as const satisfies Record<string, ChannelType<unknown>>;

export type ChannelTypeName = keyof typeof CHANNEL_TYPES;

export const CHANNEL_TYPE_NAMES = Object.keys(CHANNEL_TYPES) as ChannelTypeName[];

export function isChannelTypeName(type: string): type is ChannelTypeName {
  return Object.hasOwn(CHANNEL_TYPES, type);
}

/** The channel kind stored as `type`, or null for one this version does not know. */
export function channelTypeOf(type: string): ChannelType<unknown> | null {
  return isChannelTypeName(type) ? CHANNEL_TYPES[type] : null;
}

/**
 * Validates a config for `type` and fills in its defaults; throws AppError('validation') with one message per
 * bad field (`{ "botToken": "must be the token BotFather gave, …" }`).
 */
export function validateChannelConfig(type: string, input: unknown): unknown {
  const channel = channelTypeOf(type);
  if (channel === null) {
    const message = `must be one of ${CHANNEL_TYPE_NAMES.join(', ')}`;
    throw new AppError('validation', `Invalid channel: type ${message}`, { type: message });
  }
  const parsed = channel.configSchema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    const described = Object.entries(fields)
      .map(([field, message]) => (field === '_' ? `config ${message}` : `${field} ${message}`))
      .join('; ');
    throw new AppError('validation', `Invalid ${channel.label} channel: ${described}`, fields);
  }
  return parsed.data;
}

/**
 * Sends `event` through a stored channel: the config is parsed again with the channel's own schema (it may
 * predate a rule), so the channel only ever sees a config it accepts. Never throws.
 */
export async function sendThrough(
  type: string,
  config: unknown,
  event: AlertEvent,
  ctx: SendContext,
): Promise<SendOutcome> {
  const channel = channelTypeOf(type);
  if (channel === null) return { delivered: false, retryable: false, status: null, error: `unknown channel type "${type}"` };
  const parsed = channel.configSchema.safeParse(config);
  if (!parsed.success) {
    const fields = Object.entries(fieldErrors(parsed.error)).map(([f, m]) => `${f} ${m}`);
    return { delivered: false, retryable: false, status: null, error: `invalid config: ${fields.join('; ')}` };
  }
  return channel.send(parsed.data, event, ctx);
}
