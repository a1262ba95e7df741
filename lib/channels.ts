import { z } from 'zod';
import type { ChannelHealth, ChannelRecord, Store } from '../db';
import { MASKED } from './alerts/channel';
import { CHANNEL_TYPE_NAMES, channelTypeOf, sendThrough, validateChannelConfig } from './alerts/channels';
import type { TestEvent } from './alerts/event';
import { getConfig } from './config';
import { assertNotManaged } from './config-file/managed';
import { AppError } from './errors';
import { fieldErrors } from './schemas';
import { ChannelSecretError, openChannel, sealChannelConfig } from './secrets/channel-config';
import { secretBoxOf } from './store';
import { assertTargetAllowed, type Resolve } from './target-check';
import type { TargetPolicy } from './target-policy';

/**
 * The channel verbs every door uses (REST API, pages): validate with the channel type's own schema, vet every
 * address the channel will contact, keep secrets in (sealed at rest, lib/secrets/channel-config.ts), and never
 * send them back out.
 */

/** Attempts in a row without a delivery after which a channel is flagged as failing. */
export const FAILING_AFTER = 3;

const CHANNEL_LIMITS = { name: 100, sites: 10_000 } as const;

const baseFields = {
  name: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'is required')
    .max(CHANNEL_LIMITS.name, `must be at most ${CHANNEL_LIMITS.name} characters`),
  isDefault: z.boolean({ error: 'must be true or false' }),
  enabled: z.boolean({ error: 'must be true or false' }),
  sites: z
    .array(z.number({ error: 'must be a list of site ids' }).int('must be a list of site ids').positive('must be a list of site ids'), {
      error: 'must be a list of site ids',
    })
    .max(CHANNEL_LIMITS.sites, `must list at most ${CHANNEL_LIMITS.sites} sites`),
  config: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
};

export const channelCreateSchema = z.strictObject({
  ...baseFields,
  type: z.enum(CHANNEL_TYPE_NAMES, { error: `must be one of ${CHANNEL_TYPE_NAMES.join(', ')}` }),
  isDefault: baseFields.isDefault.optional(),
  enabled: baseFields.enabled.optional(),
  sites: baseFields.sites.optional(),
});

const patchSchema = z.strictObject({
  name: baseFields.name.optional(),
  type: z.string().optional(),
  isDefault: baseFields.isDefault.optional(),
  enabled: baseFields.enabled.optional(),
  sites: baseFields.sites.optional(),
  config: baseFields.config.optional(),
});

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    throw invalid(fields);
  }
  return parsed.data;
}

function invalid(fields: Record<string, string>): AppError {
  const described = Object.entries(fields)
    .map(([field, message]) => (field === '_' ? `body ${message}` : `${field} ${message}`))
    .join('; ');
  return new AppError('validation', `Invalid channel: ${described}`, fields);
}

/** The type's own validation, with each field named as it sits in the body: `config.topic`. */
function validateConfig(type: string, config: unknown): Record<string, unknown> {
  try {
    return validateChannelConfig(type, config) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof AppError && err.fields) {
      const fields = Object.fromEntries(
        Object.entries(err.fields).map(([field, message]) => [field === '_' ? 'config' : `config.${field}`, message]),
      );
      throw invalid(fields);
    }
    throw err;
  }
}

export interface VetOptions {
  policy?: TargetPolicy;
  resolve?: Resolve;
}

/**
 * Applies the target policy to every address the config will contact, at save time, naming the config field
 * that holds it. (Every send vets the address actually dialled as well.)
 */
export async function vetTargets(type: string, config: Record<string, unknown>, options: VetOptions): Promise<void> {
  const channel = channelTypeOf(type);
  if (channel === null) return;
  for (const target of channel.targets(config)) {
    try {
      await assertTargetAllowed(target, options.policy ?? { blockPrivate: getConfig().blockPrivate }, options.resolve);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const host = new URL(target).hostname;
      const field = Object.entries(config).find(([, v]) => typeof v === 'string' && v.includes(host))?.[0];
      const message = (err.fields?.url ?? err.message).replace('which Upbeat does not check', 'where Upbeat does not send notifications');
      throw invalid({ [field === undefined ? 'config' : `config.${field}`]: message });
    }
  }
}

/**
 * A config sent back for an edit: every secret still shown as `set` (or a header whose value is `set`) keeps the
 * stored value, so a form can save without the secrets being typed in again.
 */
function unmask(type: string, incoming: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  const channel = channelTypeOf(type);
  if (channel === null) return incoming;
  const merged: Record<string, unknown> = { ...incoming };
  for (const field of channel.secretFields) {
    const value = incoming[field];
    const kept = stored[field];
    if (value === MASKED && kept !== undefined) merged[field] = kept;
    else if (value !== null && typeof value === 'object' && kept !== null && typeof kept === 'object') {
      merged[field] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          v === MASKED && k in (kept as Record<string, unknown>) ? (kept as Record<string, unknown>)[k] : v,
        ]),
      );
    }
  }
  return merged;
}

function knownSites(store: Store, ids: readonly number[]): number[] {
  const missing = ids.filter((id) => store.getSite(id) === undefined);
  if (missing.length > 0) throw invalid({ sites: `has no site with id ${missing[0]}` });
  return [...new Set(ids)];
}

export function parseChannelId(raw: string): number {
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new AppError('not_found', `No channel with id ${JSON.stringify(raw)}`);
  return id;
}

/**
 * The channel with its secrets opened, for showing (masked, lib/api/present-channel.ts) and nothing else. A
 * secret that does not open with this key stays sealed here: it shows as `set` all the same, and the edit or
 * send that needs it says which channel it is.
 */
export function getChannel(store: Store, id: number): ChannelRecord {
  const channel = store.getChannel(id);
  if (!channel) throw new AppError('not_found', `No channel with id ${id}`);
  return forShowing(store, channel);
}

/** Every channel, secrets opened for showing as getChannel. */
export function listChannels(store: Store): ChannelRecord[] {
  return store.listChannels().map((c) => forShowing(store, c));
}

function forShowing(store: Store, channel: ChannelRecord): ChannelRecord {
  try {
    return openChannel(store, channel);
  } catch (err) {
    if (err instanceof ChannelSecretError) return channel;
    throw err;
  }
}

/** The channel with its secrets opened, or an error naming it when they do not open with this key. */
function openForUse(store: Store, id: number): ChannelRecord {
  const channel = store.getChannel(id);
  if (!channel) throw new AppError('not_found', `No channel with id ${id}`);
  try {
    return openChannel(store, channel);
  } catch (err) {
    if (err instanceof ChannelSecretError) throw new AppError('internal', `Cannot use ${err.message}`);
    throw err;
  }
}

export async function createChannel(store: Store, input: unknown, vet: VetOptions = {}): Promise<ChannelRecord> {
  const body = parseOrThrow(channelCreateSchema, input);
  const config = validateConfig(body.type, body.config);
  await vetTargets(body.type, config, vet);
  const sites = knownSites(store, body.sites ?? []);
  const sealed = sealChannelConfig(secretBoxOf(store), body.type, config);
  const created = store.inTransaction(() => {
    const row = store.createChannel({
      name: body.name,
      type: body.type,
      config: sealed,
      isDefault: body.isDefault ?? false,
      enabled: body.enabled ?? true,
    });
    if (sites.length > 0) store.setSitesOfChannel(row.id, sites);
    return row;
  });
  return { ...created, config };
}

export async function updateChannel(store: Store, id: number, input: unknown, vet: VetOptions = {}): Promise<ChannelRecord> {
  const body = parseOrThrow(patchSchema, input);
  const current = openForUse(store, id);
  assertNotManaged(store, 'channel', id);
  if (body.type !== undefined && body.type !== current.type) {
    throw invalid({ type: 'cannot be changed; add a new channel of the other type' });
  }
  let config = current.config;
  if (body.config !== undefined) {
    config = validateConfig(current.type, unmask(current.type, body.config, current.config));
    await vetTargets(current.type, config, vet);
  }
  const sites = body.sites === undefined ? undefined : knownSites(store, body.sites);
  // Sealed on every write, config changed or not, so a row from before sealing is sealed by its first edit.
  const sealed = sealChannelConfig(secretBoxOf(store), current.type, config);
  const updated = store.inTransaction(() => {
    const next = store.updateChannel(id, { name: body.name, isDefault: body.isDefault, enabled: body.enabled, config: sealed });
    if (next && sites !== undefined) store.setSitesOfChannel(id, sites);
    return next;
  });
  if (!updated) throw new AppError('not_found', `No channel with id ${id}`);
  return { ...updated, config };
}

export function deleteChannel(store: Store, id: number): void {
  assertNotManaged(store, 'channel', id);
  if (!store.deleteChannel(id)) throw new AppError('not_found', `No channel with id ${id}`);
}

export interface TestOutcome {
  delivered: boolean;
  status: number | null;
  /** The channel's own error text when it did not deliver. */
  error: string | null;
  durationMs: number;
}

/** Sends a real `test` message through the channel now, logs the attempt, and says how it went. */
export async function testChannel(store: Store, id: number, now = Date.now()): Promise<TestOutcome> {
  const stored = store.getChannel(id);
  if (!stored) throw new AppError('not_found', `No channel with id ${id}`);
  let channel: ChannelRecord;
  try {
    channel = openChannel(store, stored);
  } catch (err) {
    if (!(err instanceof ChannelSecretError)) throw err;
    // Logged like any failed attempt, so the channel's page shows why nothing was sent.
    store.recordAttempt({ outboxId: null, channelId: id, at: now, durationMs: 0, outcome: 'failed', statusCode: null, error: err.message });
    return { delivered: false, status: null, error: err.message, durationMs: 0 };
  }
  const publicUrl = getConfig().publicUrl;
  const event: TestEvent = {
    kind: 'test',
    idempotencyKey: `test:ch${id}:${now}`,
    at: now,
    channelName: channel.name,
    link: publicUrl === undefined ? null : `${publicUrl}/`,
  };
  const began = performance.now();
  const outcome = await sendThrough(channel.type, channel.config, event, { timeoutMs: 10_000 });
  const durationMs = performance.now() - began;
  const error = outcome.delivered ? null : outcome.error;
  store.recordAttempt({
    outboxId: null,
    channelId: id,
    at: now,
    durationMs,
    outcome: outcome.delivered ? 'delivered' : 'failed',
    statusCode: outcome.status,
    error,
  });
  return { delivered: outcome.delivered, status: outcome.status, error, durationMs };
}

export const DELIVERIES_PAGE = { default: 50, max: 200 } as const;

/** Parses `limit` and `before` (the id of the last attempt of the previous page). */
export function parseDeliveriesQuery(params: URLSearchParams): { limit: number; before?: number } {
  const fields: Record<string, string> = {};
  let limit: number = DELIVERIES_PAGE.default;
  let before: number | undefined;
  const rawLimit = params.get('limit');
  if (rawLimit !== null) {
    limit = /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= DELIVERIES_PAGE.max)) fields.limit = `must be a whole number from 1 to ${DELIVERIES_PAGE.max}`;
  }
  const rawBefore = params.get('before');
  if (rawBefore !== null) {
    before = /^[1-9]\d{0,15}$/.test(rawBefore) ? Number(rawBefore) : NaN;
    if (!Number.isSafeInteger(before)) fields.before = 'must be the id of an attempt';
  }
  if (Object.keys(fields).length > 0) {
    throw new AppError('validation', `Invalid query: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`, fields);
  }
  return before === undefined ? { limit } : { limit, before };
}

/** Whether a channel's recent attempts say it keeps failing. */
export function isFailing(health: ChannelHealth | undefined): boolean {
  return health !== undefined && health.lastOutcome !== 'delivered' && health.failuresInARow >= FAILING_AFTER;
}
