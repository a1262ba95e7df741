import type { TransitionAlert } from '../../db/domain';
import type { AlertEvent, AlertSite, DegradedEvent, DownEvent, UndegradedEvent, UpEvent } from './event';

/**
 * The frozen message of a transition, as its outbox rows carry it: everything a channel needs is decided here,
 * when the transition happens, so a delivery later (or a retry after a restart) says what was true then.
 */
export function describeTransition(alert: TransitionAlert, idempotencyKey: string, publicUrl: string | null): AlertEvent {
  const site: AlertSite = {
    id: alert.site.id,
    name: alert.site.name,
    url: alert.site.url,
    link: publicUrl === null ? null : `${publicUrl}/sites/${alert.site.id}`,
  };
  const base = {
    idempotencyKey,
    at: alert.at,
    site,
    since: alert.since,
    lastStatusCode: alert.lastStatusCode,
    lastLatencyMs: alert.lastLatencyMs,
  };
  const latency = alert.latency ?? { p95Ms: 0, thresholdMs: 0, samples: 0 };
  switch (alert.kind) {
    case 'down':
      return {
        ...base,
        kind: 'down',
        // A down incident always has a failing check; "unknown" only if its row was pruned away meanwhile.
        cause: alert.cause ?? { kind: 'unknown', message: 'the first failing check is no longer stored', statusCode: null },
      } satisfies DownEvent;
    case 'up':
      return { ...base, kind: 'up', cause: alert.cause, downForMs: alert.at - alert.since } satisfies UpEvent;
    case 'degraded':
      return { ...base, kind: 'degraded', latency } satisfies DegradedEvent;
    case 'undegraded':
      return { ...base, kind: 'undegraded', degradedForMs: alert.at - alert.since, latency } satisfies UndegradedEvent;
  }
}
