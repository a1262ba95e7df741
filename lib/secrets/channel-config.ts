import type { ChannelRecord, Store } from '../../db';
import { channelTypeOf } from '../alerts/channels';
import { secretBoxOf } from '../store';
import { isSealed, openFields, SecretKeyError, sealFields, type SecretBox } from './box';

/**
 * A channel's config at rest: each of its type's `secretFields` sealed on its own (a token, a password, a
 * webhook URL, an object of header values), the rest readable, so the row says what kind of channel it is and
 * where it sends without handing out what lets anyone send as it. Rows written before sealing hold their secrets
 * in clear; they are read as they are and sealed at their next write.
 */

/** A channel whose sealed secrets cannot be opened with this key: the message names the channel and the key's source. */
export class ChannelSecretError extends Error {
  readonly channelId: number;
  constructor(channel: Pick<ChannelRecord, 'id' | 'name'>, cause: string) {
    super(`channel "${channel.name}" (id ${channel.id}): ${cause}`);
    this.name = 'ChannelSecretError';
    this.channelId = channel.id;
  }
}

/** The secret fields of a channel type; none for a type this version does not know (it is never sent through). */
function secretFieldsOf(type: string): readonly string[] {
  return channelTypeOf(type)?.secretFields ?? [];
}

/** `config` as it is to be stored for a channel of `type`: every secret field that is set, sealed. */
export function sealChannelConfig(box: SecretBox, type: string, config: Record<string, unknown>): Record<string, unknown> {
  return sealFields(box, config, secretFieldsOf(type));
}

/** Whether any secret field of a stored config is still in clear (a row from before sealing). */
export function hasClearSecrets(type: string, config: Record<string, unknown>): boolean {
  return secretFieldsOf(type).some((field) => {
    const value = config[field];
    return value !== undefined && value !== null && !isSealed(value);
  });
}

/**
 * The config of a stored channel with its secrets opened, for sending and for an edit. Throws
 * ChannelSecretError when a sealed value does not open with the key (sealed with another key, or altered):
 * a channel is never sent through with a sealed value in place of its secret.
 */
export function openChannelConfig(store: Store, channel: ChannelRecord): Record<string, unknown> {
  return openStoredConfig(store, channel, channel.config);
}

/** As openChannelConfig, for a config read apart from its record (the sender's outbox rows). */
export function openStoredConfig(
  store: Store,
  channel: Pick<ChannelRecord, 'id' | 'name' | 'type'>,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const fields = secretFieldsOf(channel.type);
  // A row with nothing sealed needs no key (and a store opened without one can still read it).
  if (!fields.some((field) => isSealed(config[field]))) return config;
  try {
    return openFields(secretBoxOf(store), config, fields);
  } catch (err) {
    if (err instanceof SecretKeyError) throw new ChannelSecretError(channel, err.message);
    throw err;
  }
}

/** The channel with its secrets opened; see openChannelConfig. */
export function openChannel(store: Store, channel: ChannelRecord): ChannelRecord {
  return { ...channel, config: openChannelConfig(store, channel) };
}

/**
 * Seals the secrets of every channel row still holding one in clear, with the store's key; returns how many
 * rows it sealed. For key rotation, which runs it in the transaction that moves every sealed value to the new
 * key, so nothing is left in clear under either key.
 */
export function sealClearChannelSecrets(store: Store): number {
  const box = secretBoxOf(store);
  let sealed = 0;
  for (const channel of store.listChannels()) {
    if (!hasClearSecrets(channel.type, channel.config)) continue;
    const config = sealChannelConfig(box, channel.type, openChannelConfig(store, channel));
    store.updateChannel(channel.id, { config }, channel.updatedAt);
    sealed++;
  }
  return sealed;
}
