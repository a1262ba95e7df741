import type { Db } from './connection';
import type { DescribeAlert, TransitionAlert } from './domain';

/**
 * Writes the outbox rows of a transition: one per enabled channel attached to the site, inside the caller's
 * transaction, so a transition never exists without its rows nor rows without their incident. The sender reads
 * and updates them later, outside any transaction.
 */
export interface OutboxWriter {
  /** Returns how many rows were written. */
  queue(alert: TransitionAlert, incidentId: number): number;
}

export function createOutboxWriter(db: Db, describe: DescribeAlert | undefined): OutboxWriter {
  const channelsOf = db
    .prepare<[number], [number]>(
      `SELECT sc.channel_id FROM site_channels sc JOIN channels c ON c.id = sc.channel_id
       WHERE sc.site_id = ? AND c.enabled = 1 ORDER BY sc.channel_id`,
    )
    .raw(true);
  // OR IGNORE: the key is one per (transition, channel); a second write of the same one is the same message.
  const insert = db.prepare<[number, number, number, string, string, string, number, number]>(
    `INSERT OR IGNORE INTO outbox (channel_id, site_id, incident_id, kind, idempotency_key, payload, created_at,
       next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    queue(alert, incidentId) {
      if (!describe) return 0;
      const channels = channelsOf.all(alert.site.id) as unknown as [number][];
      let written = 0;
      for (const [channelId] of channels) {
        const key = `inc${incidentId}:${alert.kind}:ch${channelId}`;
        const payload = JSON.stringify(describe(alert, key));
        written += insert.run(channelId, alert.site.id, incidentId, alert.kind, key, payload, alert.at, alert.at).changes;
      }
      return written;
    },
  };
}
