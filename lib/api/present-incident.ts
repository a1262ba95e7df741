import type { IncidentNotice } from '../../db';
import { describeCause } from '../alerts/words';
import type { Incident } from '../../db/domain';
import type { IncidentList } from '../incidents';

/** Wire shape of an incident: ISO 8601 times, the cause also in the words the messages use. */

const iso = (ms: number) => new Date(ms).toISOString();

export function presentNotice(n: IncidentNotice) {
  return {
    channelId: n.channelId,
    channelName: n.channelName,
    kind: n.kind,
    status: n.status,
    attempts: n.attempts,
    queuedAt: iso(n.queuedAt),
    deliveredAt: n.deliveredAt === null ? null : iso(n.deliveredAt),
    error: n.error,
  };
}
export type ApiNotice = ReturnType<typeof presentNotice>;

/**
 * `notices` is null for a caller who may not see where alerts go (public read): channels are the owner's.
 * An incident nobody was told about has an empty list.
 */
export function presentIncident(i: Incident, notices: readonly IncidentNotice[] | null) {
  return {
    id: i.id,
    siteId: i.siteId,
    siteName: i.siteName,
    kind: i.kind,
    open: i.resolvedAt === null,
    startedAt: iso(i.startedAt),
    confirmedAt: iso(i.confirmedAt),
    resolvedAt: i.resolvedAt === null ? null : iso(i.resolvedAt),
    durationMs: i.resolvedAt === null ? null : i.resolvedAt - i.startedAt,
    // `text` is the sentence the down message carries, so the page and the message say the same thing.
    cause: i.cause === null ? null : { ...i.cause, text: describeCause(i.cause) },
    checks: i.checks,
    failed: i.failed,
    notified: notices === null ? null : notices.map(presentNotice),
  };
}
export type ApiIncident = ReturnType<typeof presentIncident>;

/** GET /api/incidents and /api/sites/{id}/incidents, and what the pages render first. */
export function presentIncidentList(list: IncidentList) {
  return {
    incidents: list.incidents.map((i) => presentIncident(i, list.notices === null ? null : (list.notices.get(i.id) ?? []))),
    last30Days: list.last30Days,
    next: list.next,
  };
}
export type ApiIncidentList = ReturnType<typeof presentIncidentList>;
