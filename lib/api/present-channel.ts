import type { ChannelHealth, ChannelRecord, DeliveryAttempt } from '../../db';
import { maskConfig } from '../alerts/channel';
import { channelTypeOf } from '../alerts/channels';
import { isFailing } from '../channels';

/** Wire shapes of /api/channels: ISO 8601 times, and every secret in a config shown only as `set`. */

const iso = (ms: number) => new Date(ms).toISOString();
const round1 = (ms: number) => Math.round(ms * 10) / 10;

export function presentChannel(c: ChannelRecord, health: ChannelHealth | undefined, sites: number[]) {
  const type = channelTypeOf(c.type);
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    typeLabel: type?.label ?? c.type,
    // An unknown type's secrets are unknown too: show nothing of its config rather than risk one.
    config: type === null ? {} : maskConfig(type, c.config),
    isDefault: c.isDefault,
    enabled: c.enabled,
    sites,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    managedBy: c.managedBy,
    lastAttempt:
      health === undefined || health.lastAttemptAt === null
        ? null
        : {
            at: iso(health.lastAttemptAt),
            outcome: health.lastOutcome,
            statusCode: health.lastStatusCode,
            error: health.lastError,
          },
    failuresInARow: health?.failuresInARow ?? 0,
    pending: health?.pending ?? 0,
    isFailing: isFailing(health),
  };
}

export type ApiChannel = ReturnType<typeof presentChannel>;

export function presentAttempt(a: DeliveryAttempt) {
  return {
    id: a.id,
    at: iso(a.at),
    outcome: a.outcome,
    statusCode: a.statusCode,
    error: a.error,
    durationMs: round1(a.durationMs),
    kind: a.outboxId === null ? 'test' : a.kind,
    site: a.siteId === null ? null : { id: a.siteId, name: a.siteName },
    idempotencyKey: a.idempotencyKey,
  };
}

export type ApiAttempt = ReturnType<typeof presentAttempt>;
