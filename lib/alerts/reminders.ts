import type { NewOutboxRow, Store, WatchedSite } from '../../db';
import type { AlertSite, ReminderEvent } from './event';

/**
 * "Still down" reminders: every `remindEveryMinutes` while a down incident stays open, one outbox row per
 * channel of the site, keyed on the incident and the reminder's number, so a job that runs twice (or again
 * after a crash) queues each reminder once. The rows and the incident's `reminded_at` are written together.
 */
export function queueReminders(store: Store, now: number, publicUrl: string | undefined): number {
  let queued = 0;
  for (const due of store.remindersDue(now)) {
    const periodMs = due.remindEveryMinutes * 60_000;
    const number = Math.floor((now - due.confirmedAt) / periodMs);
    if (number < 1) continue;
    const rows: NewOutboxRow[] = due.site.channelIds.map((channelId) => {
      const key = `inc${due.incidentId}:reminder${number}:ch${channelId}`;
      const event: ReminderEvent = {
        kind: 'reminder',
        idempotencyKey: key,
        at: now,
        site: alertSite(due.site, publicUrl),
        cause: due.cause,
        since: due.startedAt,
        downForMs: now - due.startedAt,
        lastStatusCode: due.site.lastStatusCode,
        lastLatencyMs: due.site.lastLatencyMs,
      };
      return {
        channelId,
        siteId: due.site.id,
        incidentId: due.incidentId,
        kind: 'reminder',
        idempotencyKey: key,
        payload: JSON.stringify(event),
        createdAt: now,
      };
    });
    queued += store.inTransaction(() => {
      const added = store.enqueueOutbox(rows);
      // On the reminder grid (confirmation + n periods), so a late run does not push every later reminder back.
      store.markReminded(due.incidentId, due.confirmedAt + number * periodMs);
      return added;
    });
  }
  return queued;
}

export function alertSite(site: Pick<WatchedSite, 'id' | 'name' | 'url'>, publicUrl: string | undefined): AlertSite {
  return {
    id: site.id,
    name: site.name,
    url: site.url,
    link: publicUrl === undefined ? null : `${publicUrl}/sites/${site.id}`,
  };
}
