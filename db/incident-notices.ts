import type { Db } from './connection';
import type { OutboxStatus } from './deliveries';

/**
 * Who was told about an incident: its outbox rows (one per message and channel), with how far each got. The
 * rows are written with the incident, so a channel attached to the site shows here even before the sender has
 * tried it (`pending`).
 */

export interface IncidentNotice {
  channelId: number;
  channelName: string;
  /** The message: `down`, `up`, `degraded`, `undegraded` or `reminder`. */
  kind: string;
  status: OutboxStatus;
  attempts: number;
  /** When it was queued, epoch ms. */
  queuedAt: number;
  deliveredAt: number | null;
  /** The last failed attempt's error, while it is being retried or once it failed for good. */
  error: string | null;
}

export interface IncidentNoticeVerbs {
  /** The notices of each incident asked for, oldest first; an incident nobody was told about is absent. */
  noticesOf(incidentIds: readonly number[]): Map<number, IncidentNotice[]>;
}

interface NoticeRow {
  incident_id: number;
  channel_id: number;
  channel_name: string;
  kind: string;
  status: OutboxStatus;
  attempts: number;
  created_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

export function createIncidentNoticeVerbs(db: Db): IncidentNoticeVerbs {
  // The ids go in as one JSON array: one prepared statement for any number of incidents.
  const list = db.prepare<[string], NoticeRow>(
    `SELECT o.incident_id, o.channel_id, c.name AS channel_name, o.kind, o.status, o.attempts, o.created_at,
       o.delivered_at, o.last_error
     FROM outbox o JOIN channels c ON c.id = o.channel_id
     WHERE o.incident_id IN (SELECT value FROM json_each(?))
     ORDER BY o.incident_id, o.id`,
  );
  return {
    noticesOf(incidentIds) {
      const byIncident = new Map<number, IncidentNotice[]>();
      if (incidentIds.length === 0) return byIncident;
      for (const r of list.all(JSON.stringify(incidentIds))) {
        let notices = byIncident.get(r.incident_id);
        if (!notices) byIncident.set(r.incident_id, (notices = []));
        notices.push({
          channelId: r.channel_id,
          channelName: r.channel_name,
          kind: r.kind,
          status: r.status,
          attempts: r.attempts,
          queuedAt: r.created_at,
          deliveredAt: r.delivered_at,
          error: r.last_error,
        });
      }
      return byIncident;
    },
  };
}
